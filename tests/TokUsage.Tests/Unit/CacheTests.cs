using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using TokUsage.Caching;
using TokUsage.Clients;
using TokUsage.Clients.Claude;
using TokUsage.Clients.Codex;
using TokUsage.Pipeline;
using TokUsage.Pricing;
using TokUsage.Tests.Support;
using Xunit;
using TokUsage.Discovery;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Tests.Unit
{
    /// <summary>The persistent per-file cache, driven through the scanner as Get-TokenUsage drives it (no PowerShell).</summary>
    public sealed class CacheTests : IDisposable
    {
        private readonly TempDir _dir = new TempDir();

        public void Dispose() => _dir.Dispose();

        private string Logs => Directory.CreateDirectory(_dir.Combine("projects", "-work-app")).FullName;

        private string CacheDir => _dir.Combine("cache");

        internal static string Line(string id, long input, long output, string timestamp = "2026-05-01T10:00:00Z", string model = "claude-sonnet-4-5-20250929") =>
            $"{{\"type\":\"assistant\",\"timestamp\":\"{timestamp}\",\"requestId\":\"r-{id}\",\"message\":{{\"id\":\"{id}\",\"model\":\"{model}\",\"usage\":{{\"input_tokens\":{input},\"output_tokens\":{output}}}}}}}\n";

        /// <summary>One scan of <paramref name="folder"/> as Get-TokenUsage runs it; the cache is off when <paramref name="cacheDir"/> is null.</summary>
        internal static (List<UsageFile> Files, CacheReport? Report) Scan(string folder, string? cacheDir, int workers = 2, PriceBook? prices = null, IClientSource? client = null)
        {
            var read = new ReadOptions(prices ?? PriceBook.Embedded, DateWindow.All);
            var request = new ScanRequest(new[] { client ?? ClaudeSource.Instance }, new[] { new ScanTarget(folder, true) }, ClientEnvironment.FromProcess(), read, workers)
            {
                CacheDirectory = cacheDir,
            };
            var sink = new Sink();
            var scanner = new UsageScanner(request);
            scanner.Run(sink, CancellationToken.None);
            return (sink.Files, scanner.CacheReport);
        }

        /// <summary>Everything a user can see of a run's objects, in order.</summary>
        internal static List<string> Seen(IEnumerable<UsageFile> files) => files.Select(f =>
            $"{f.Path}|{f.SessionId}|{f.Project}|{f.InputTokens}|{f.OutputTokens}|{f.CacheReadTokens}|{f.CacheWriteTokens}|{f.ReasoningTokens}|{f.Cost}|"
            + $"{string.Join(",", f.Models)}|{string.Join(",", f.UnpricedModels)}|{f.SkippedLines}|{f.Entries.Count}|{f.Start:O}|{f.End:O}|{f.CostSource}").ToList();

        [Fact]
        public void AnUnchangedFileIsServedFromTheCacheWithTheSameResult()
        {
            File.WriteAllText(Path.Combine(Logs, "a.jsonl"), Line("m1", 10, 5) + Line("m1", 10, 7) + "not json\n" + Line("m2", 3, 4));
            File.WriteAllText(Path.Combine(Logs, "b.jsonl"), Line("m3", 100, 50));
            var plain = Seen(Scan(Logs, null).Files);

            var (cold, first) = Scan(Logs, CacheDir);
            Assert.Equal(plain, Seen(cold));
            Assert.Equal((0, 0, 2, 2), (first!.Unchanged, first.Resumed, first.ReadWhole, first.Written));
            Assert.True(File.Exists(Path.Combine(CacheDir, UsageCache.FileName)));

            var (warm, second) = Scan(Logs, CacheDir);
            Assert.Equal(plain, Seen(warm));
            Assert.Equal((2, 0, 0, 0L, 0), (second!.Unchanged, second.Resumed, second.ReadWhole, second.BytesRead, second.Written));
            Assert.Equal(1, warm[0].SkippedLines);
        }

        [Fact]
        public void AnAppendedTranscriptIsReadFromItsLastCompleteLineAndStreamedCopiesStillMerge()
        {
            var file = Path.Combine(Logs, "s.jsonl");
            File.WriteAllText(file, Line("m1", 10, 1) + "{damaged\n");
            Scan(Logs, CacheDir);

            // The message streamed on: its later copy (more output) straddles the offset and must merge, not add.
            var appended = Line("m1", 10, 40, "2026-05-01T10:00:05Z") + Line("m2", 20, 2, "2026-05-01T11:00:00Z") + "also damaged\n";
            File.AppendAllText(file, appended);
            var (files, report) = Scan(Logs, CacheDir);
            Assert.Equal((0, 1, 0), (report!.Unchanged, report.Resumed, report.ReadWhole));
            Assert.Equal(Encoding.UTF8.GetByteCount(appended), report.BytesRead);
            Assert.Equal(Seen(Scan(Logs, null).Files), Seen(files));
            Assert.Equal(10 + 40 + 20 + 2, files.Single().TotalTokens);
            Assert.Equal(2, files.Single().SkippedLines);

            // And again: a resumed record proves its prefix for the next append too (it carries the prefix hash on).
            File.AppendAllText(file, Line("m3", 30, 3, "2026-05-01T12:00:00Z"));
            var (third, next) = Scan(Logs, CacheDir);
            Assert.Equal((0, 1, 0), (next!.Unchanged, next.Resumed, next.ReadWhole));
            Assert.Equal(Seen(Scan(Logs, null).Files), Seen(third));
        }

        /// <summary>
        /// A transcript last written longer ago than <see cref="TokUsage.Clients.Common.LogFiles.StillWritten"/> is read
        /// without hashing its lines (a finished session). Should it grow after all, it is read whole once, counted right,
        /// and proven by that read: the next append is read from its last complete line. One written since is proven at once.
        /// </summary>
        [Fact]
        public void AnOldTranscriptIsNotProvenForResumingAndIsReadWholeOnceWhenItGrows()
        {
            var old = Path.Combine(Logs, "old.jsonl");
            var recent = Path.Combine(Logs, "recent.jsonl");
            File.WriteAllText(old, Line("m1", 10, 1) + Line("m2", 20, 2));
            File.WriteAllText(recent, Line("m5", 50, 5));
            var longAgo = DateTime.UtcNow - TokUsage.Clients.Common.LogFiles.StillWritten - TimeSpan.FromHours(1);
            File.SetLastWriteTimeUtc(old, longAgo);
            var (_, cold) = Scan(Logs, CacheDir);
            Assert.Equal((0, 0, 2), (cold!.Unchanged, cold.Resumed, cold.ReadWhole));

            // Both grow: the recent one is read from its last line, the old one whole (nothing proves its prefix).
            File.AppendAllText(old, Line("m3", 30, 3, "2026-05-01T12:00:00Z"));
            File.AppendAllText(recent, Line("m6", 60, 6, "2026-05-01T12:00:00Z"));
            var (grown, report) = Scan(Logs, CacheDir);
            Assert.Equal((0, 1, 1), (report!.Unchanged, report.Resumed, report.ReadWhole));
            Assert.Equal(Seen(Scan(Logs, null).Files), Seen(grown));
            Assert.Equal(10 + 1 + 20 + 2 + 30 + 3, grown.Single(f => f.Path == old).TotalTokens);

            // Written just now, the old transcript's whole read proved it: its next append is resumed.
            File.AppendAllText(old, Line("m4", 40, 4, "2026-05-01T13:00:00Z"));
            var (again, next) = Scan(Logs, CacheDir);
            Assert.Equal((1, 1, 0), (next!.Unchanged, next.Resumed, next.ReadWhole));
            Assert.Equal(Seen(Scan(Logs, null).Files), Seen(again));
        }

        [Fact]
        public void AFileThatShrankOrWasRewrittenInPlaceIsReadWhole()
        {
            var file = Path.Combine(Logs, "s.jsonl");
            File.WriteAllText(file, Line("m1", 10, 1) + Line("m2", 10, 2));
            Scan(Logs, CacheDir);

            // Compacted: shorter.
            File.WriteAllText(file, Line("m9", 1, 1));
            var (shrunk, report) = Scan(Logs, CacheDir);
            Assert.Equal((0, 0, 1), (report!.Unchanged, report.Resumed, report.ReadWhole));
            Assert.Equal(2, shrunk.Single().TotalTokens);

            // Rewritten longer with other leading bytes: the fingerprint before the old offset no longer matches.
            File.WriteAllText(file, Line("m7", 5, 5) + Line("m8", 100, 100) + Line("m9", 1000, 1000));
            var (rewritten, again) = Scan(Logs, CacheDir);
            Assert.Equal((0, 0, 1), (again!.Unchanged, again.Resumed, again.ReadWhole));
            Assert.Equal(2210, rewritten.Single().TotalTokens);
        }

        /// <summary>
        /// A run of the whole history leaves the sizes its dedup tables reached (claimed keys and, for Claude Code, counted
        /// responses) for the next such run, which makes its tables ahead at those sizes; a run narrowed by -Since or -Path
        /// leaves them as they were (its few keys say nothing of the next whole run). The sizes are hints: nothing is
        /// counted by them, and a damaged or absurd value is ignored or capped, never trusted into an allocation.
        /// </summary>
        [Fact]
        public void AWholeHistoryRunLeavesItsTableSizesForTheNextOne()
        {
            var claude = _dir.Combine("cfg");
            var projects = Directory.CreateDirectory(Path.Combine(claude, "projects", "p")).FullName;
            for (var i = 0; i < 3; i++)
            {
                File.WriteAllText(Path.Combine(projects, $"s{i}.jsonl"), Line($"m{i}a", 10, 1) + Line($"m{i}b", 20, 2));
            }

            var env = new ClientEnvironment(_dir.Path, name => name == "CLAUDE_CONFIG_DIR" ? claude : null);
            List<UsageFile> Run(DateWindow window, IReadOnlyList<ScanTarget>? targets = null)
            {
                var request = new ScanRequest(new[] { ClaudeSource.Instance }, targets, env, new ReadOptions(PriceBook.Embedded, window), 2) { CacheDirectory = CacheDir };
                var sink = new Sink();
                new UsageScanner(request).Run(sink, CancellationToken.None);
                return sink.Files;
            }

            IReadOnlyDictionary<string, int> Kept()
            {
                using var cache = UsageCache.TryOpen(CacheDir, out _)!;
                return cache.LastRunTableSizes;
            }

            var files = Run(DateWindow.All);
            Assert.Equal(6, files.Sum(f => f.Messages));
            var whole = new Dictionary<string, int> { ["claude"] = 6, ["claude/responses"] = 6 };
            Assert.Equal(whole, Kept());

            // The next whole run's tables are made ahead at those sizes; a narrowed run's start small.
            GateTables Tables(DateWindow window, IReadOnlyList<ScanTarget>? targets = null)
            {
                var request = new ScanRequest(new[] { ClaudeSource.Instance }, targets, env, new ReadOptions(PriceBook.Embedded, window), 2) { CacheDirectory = CacheDir };
                using var cache = CacheOpening.Start(request).Take(new Sink(), out var tables);
                return tables;
            }

            var ahead = Tables(DateWindow.All);
            Assert.Equal(new[] { "claude" }, ahead.Claimed.Keys);
            Assert.Equal(new[] { "claude" }, ahead.Responses.Keys);
            foreach (var narrowed in new[] { Tables(new DateWindow(TimeZoneInfo.Utc, DateTime.UtcNow.Date, null)), Tables(DateWindow.All, new[] { new ScanTarget(projects, true) }) })
            {
                Assert.Empty(narrowed.Claimed);
                Assert.Empty(narrowed.Responses);
                Assert.Empty(narrowed.Sizes);
            }

            // Narrowed runs count fewer messages and keep their hands off the sizes.
            File.WriteAllText(Path.Combine(projects, "new.jsonl"), Line("m9", 10, 1, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ")));
            Assert.Equal(1, Run(new DateWindow(TimeZoneInfo.Utc, DateTime.UtcNow.Date.AddDays(-1), null)).Sum(f => f.Messages));
            Assert.Equal(1, Run(DateWindow.All, new[] { new ScanTarget(Path.Combine(projects, "new.jsonl"), false) }).Sum(f => f.Messages));
            Assert.Equal(whole, Kept());

            // The next whole run makes its tables at those sizes, counts the same, and leaves its own.
            var seven = Run(DateWindow.All);
            Assert.Equal(7, seven.Sum(f => f.Messages));
            Assert.Equal(new Dictionary<string, int> { ["claude"] = 7, ["claude/responses"] = 7 }, Kept());

            using (var db = new SqliteConnection($"Data Source={Path.Combine(CacheDir, UsageCache.FileName)};Pooling=False"))
            {
                db.Open();
                using var damage = db.CreateCommand();
                damage.CommandText = "UPDATE meta SET value = 'claude=99999999999 codex=2000000000 gemini=x =5 opencode=7' WHERE key = 'messages';";
                Assert.Equal(1, damage.ExecuteNonQuery());
            }

            // 99999999999 is no int and 'x' no number: dropped; two billion would be 32 GB of table: capped at 16M keys (256 MB, a history that needs it anyway).
            Assert.Equal(new Dictionary<string, int> { ["codex"] = 16 * 1024 * 1024, ["opencode"] = 7 }, Kept());
            Assert.Equal(Seen(seven), Seen(Run(DateWindow.All)));
        }

        /// <summary>
        /// Discovery stamps each file with one statx call on Linux (length, write time and identity); the values must be
        /// those .NET and <see cref="FileIdentity.Of"/> give one by one, or a warm run would take every file for changed.
        /// A linked log is stamped with its target's length and time, as its identity always was (.NET's FileInfo
        /// describes the link itself: a log that grew behind a link kept the link's length). The walk stamps a regular file
        /// while it lists its folder; that stamp must be the same, and a link is left to the stamp by path.
        /// </summary>
        [Fact]
        public void OneStatOfAFileSaysWhatDotNetAndTheIdentitySay()
        {
            var plain = Path.Combine(Logs, "plain.jsonl");
            File.WriteAllText(plain, Line("m1", 10, 1));
            File.SetLastWriteTimeUtc(plain, new DateTime(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234567));
            var linked = Path.Combine(Logs, "linked.jsonl");
            File.CreateSymbolicLink(linked, plain);
            var database = Path.Combine(Logs, "store.db");
            File.WriteAllText(database, "main");
            File.WriteAllText(database + "-wal", "write-ahead log");
            var walked = FileScanner.Walk(Logs, _ => true, (p, e) => throw e, (p, why) => throw new InvalidOperationException(why)).ToDictionary(f => f.Path);
            Assert.Equal(Statx.Available, walked[plain].Stamp.HasValue);
            Assert.False(walked[linked].Stamp.HasValue);
            foreach (var path in new[] { plain, linked, database })
            {
                var info = new FileInfo(path);
                Assert.True(FileScanner.TryStamp(new FoundFile(path), out var stamp));
                Assert.True(FileScanner.TryStamp(walked[path], out var walkStamp));
                Assert.Equal(stamp, walkStamp);
                var (length, written, identity) = (stamp.Length, stamp.LastWriteUtc, stamp.Identity);
                if (path == linked && Statx.Available)
                {
                    info = new FileInfo(plain);
                }
                var expectedLength = info.Length + (path == database ? new FileInfo(database + "-wal").Length : 0);
                Assert.Equal((path, expectedLength), (path, length));
                Assert.Equal((path, path == database ? Max(info.LastWriteTimeUtc, File.GetLastWriteTimeUtc(database + "-wal")) : info.LastWriteTimeUtc), (path, written));
                Assert.Equal((path, path == database || !Statx.Available ? (long?)null : FileIdentity.Of(path)), (path, identity));
            }

            Assert.False(FileScanner.TryStamp(new FoundFile(Path.Combine(Logs, "gone.jsonl")), out _));
            static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
        }

        [SkippableFact]
        public void ASameSizeRewriteWithItsWriteTimeSetBackIsReadAgain()
        {
            // Linux: the inode's status-change time (statx) moves with any write and cannot be set back. On Windows and
            // macOS the identity is the birth time, which catches a replaced file but not an in-place rewrite.
            Skip.IfNot(OperatingSystem.IsLinux(), "the status-change time is read with statx on Linux only");
            var file = Path.Combine(Logs, "s.jsonl");
            File.WriteAllText(file, Line("m1", 10, 1));
            var written = File.GetLastWriteTimeUtc(file);
            Assert.Equal(11, Scan(Logs, CacheDir).Files.Single().TotalTokens);

            Thread.Sleep(20);
            File.WriteAllText(file, Line("m1", 90, 1)); // same length, as rsync -t or cp -p would leave it
            File.SetLastWriteTimeUtc(file, written);
            var (files, report) = Scan(Logs, CacheDir);
            Assert.Equal(0, report!.Unchanged);
            Assert.Equal(91, files.Single().TotalTokens);
        }

        [Fact]
        public void ATornLastLineIsNotResumedFromAndCountsOnceCompleted()
        {
            var file = Path.Combine(Logs, "s.jsonl");
            var whole = Line("m2", 20, 2);
            File.WriteAllText(file, Line("m1", 10, 1) + whole.Substring(0, 30));
            var (torn, _) = Scan(Logs, CacheDir);
            Assert.Equal(1, torn.Single().SkippedLines);

            File.AppendAllText(file, whole.Substring(30));
            var (files, report) = Scan(Logs, CacheDir);
            Assert.Equal((0, 1), (report!.Resumed, report.ReadWhole));
            Assert.Equal(0, files.Single().SkippedLines);
            Assert.Equal(33, files.Single().TotalTokens);
        }

        [Fact]
        public void PricesAreAppliedEachRunNotCached()
        {
            File.WriteAllText(Path.Combine(Logs, "s.jsonl"), Line("m1", 1_000_000, 0, model: "my-proxy-model"));
            var (unpriced, _) = Scan(Logs, CacheDir);
            Assert.Equal(new[] { "my-proxy-model" }, unpriced.Single().UnpricedModels);

            var priced = new PriceBook(PriceTable.Embedded, PriceOverrideSet.FromDictionary(
                new System.Collections.Hashtable { ["my-proxy-model"] = new System.Collections.Hashtable { ["Input"] = 2, ["Output"] = 8 } }, "-PriceOverride"));
            var (files, report) = Scan(Logs, CacheDir, prices: priced);
            Assert.Equal(1, report!.Unchanged);
            Assert.Equal(2m, files.Single().Cost);
            Assert.Empty(files.Single().UnpricedModels);
        }

        [Fact]
        public void ADamagedOrForeignCacheIsRebuiltNeverTrusted()
        {
            File.WriteAllText(Path.Combine(Logs, "a.jsonl"), Line("m1", 10, 5));
            File.WriteAllText(Path.Combine(Logs, "b.jsonl"), Line("m2", 20, 5));
            var plain = Seen(Scan(Logs, null).Files);
            Directory.CreateDirectory(CacheDir);
            var db = Path.Combine(CacheDir, UsageCache.FileName);

            // Not a database at all.
            File.WriteAllBytes(db, Encoding.ASCII.GetBytes(new string('x', 8192)));
            var (files, report) = Scan(Logs, CacheDir);
            Assert.Equal(plain, Seen(files));
            Assert.Equal(2, report!.Written);
            Assert.Equal(2, Scan(Logs, CacheDir).Report!.Unchanged);

            // A record whose bytes were damaged: that file is read again and its row replaced.
            Exec(db, "UPDATE files SET data = substr(data, 1, length(data) - 3) || x'000000' WHERE path LIKE '%a.jsonl';");
            (files, report) = Scan(Logs, CacheDir);
            Assert.Equal(plain, Seen(files));
            Assert.Equal((1, 1), (report!.Unchanged, report.ReadWhole));

            // Another application's database, or this cache from another build of the module.
            Exec(db, "UPDATE meta SET value = 'another-build';");
            (files, report) = Scan(Logs, CacheDir);
            Assert.Equal((0, 2), (report!.Unchanged, report.ReadWhole));
            Assert.Equal(plain, Seen(files));

            UsageCache.Delete(CacheDir);
            Exec(db, "CREATE TABLE files (path TEXT, something TEXT); INSERT INTO files VALUES ('x', 'y');");
            (files, report) = Scan(Logs, CacheDir);
            Assert.Equal(plain, Seen(files));
            Assert.Equal(2, report!.Written);
        }

        [Fact]
        public async Task TwoRunsAtOnceShareTheCacheSafely()
        {
            var home = TokUsage.TestData.ClaudeHomeGenerator.Generate(_dir.Combine("home"), new TokUsage.TestData.ClaudeHomeOptions { Sessions = 40, Seed = 5 });
            var plain = Seen(Scan(home.ProjectsDir, null).Files);
            var runs = Enumerable.Range(0, 3).Select(_ => Task.Run(() => Scan(home.ProjectsDir, CacheDir))).ToArray();
            foreach (var (files0, report0) in await Task.WhenAll(runs))
            {
                Assert.Equal(plain, Seen(files0));
                Assert.Null(report0!.WriteProblem);
            }

            var (files, report) = Scan(home.ProjectsDir, CacheDir);
            Assert.Equal(plain, Seen(files));
            Assert.Equal(0, report!.ReadWhole);
        }

        [Fact]
        public void CodexRolloutsAreCachedAndResumedAfterAppends()
        {
            var home = TokUsage.TestData.CodexHomeGenerator.Generate(_dir.Combine("codex"), new TokUsage.TestData.CodexHomeOptions { Sessions = 25 });
            var plain = Seen(Scan(home.CodexHome, null, client: CodexSource.Instance).Files);
            Assert.Equal(plain, Seen(Scan(home.CodexHome, CacheDir, client: CodexSource.Instance).Files));
            var (files, report) = Scan(home.CodexHome, CacheDir, client: CodexSource.Instance);
            Assert.Equal(plain, Seen(files));
            Assert.Equal(0, report!.ReadWhole);
            Assert.Equal(home.Files.Count, report.Unchanged);

            // An appended rollout is read from where the last run stopped, with the same result as without the cache.
            var grown = home.Files.OrderBy(f => f, StringComparer.Ordinal).First();
            var appended = "{\"timestamp\":\"2026-05-03T00:00:00Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"input_tokens\":7,\"output_tokens\":3}}}}\n";
            File.AppendAllText(grown, appended);
            (files, report) = Scan(home.CodexHome, CacheDir, client: CodexSource.Instance);
            Assert.Equal((0, 1, (long)appended.Length), (report!.ReadWhole, report.Resumed, report.BytesRead));
            Assert.Equal(Seen(Scan(home.CodexHome, null, client: CodexSource.Instance).Files), Seen(files));

            // An event without a time of its own is counted at the file's write time, which the next append moves: such a
            // rollout is read whole again.
            File.AppendAllText(grown, appended.Replace("\"timestamp\":\"2026-05-03T00:00:00Z\",", "", StringComparison.Ordinal).Replace("7", "8", StringComparison.Ordinal));
            (files, report) = Scan(home.CodexHome, CacheDir, client: CodexSource.Instance);
            Assert.Equal((0, 1), (report!.ReadWhole, report.Resumed));
            File.AppendAllText(grown, appended.Replace("7", "9", StringComparison.Ordinal));
            File.SetLastWriteTimeUtc(grown, DateTime.UtcNow.AddMinutes(5));
            (files, report) = Scan(home.CodexHome, CacheDir, client: CodexSource.Instance);
            Assert.Equal((1, 0), (report!.ReadWhole, report.Resumed));
            Assert.Equal(Seen(Scan(home.CodexHome, null, client: CodexSource.Instance).Files), Seen(files));
        }

        [Fact]
        public void ADefaultScanDropsRowsOfFilesThatAreGone()
        {
            var claude = _dir.Combine("cfg");
            var projects = Directory.CreateDirectory(Path.Combine(claude, "projects", "p")).FullName;
            File.WriteAllText(Path.Combine(projects, "a.jsonl"), Line("m1", 10, 5));
            File.WriteAllText(Path.Combine(projects, "b.jsonl"), Line("m2", 10, 5));
            var env = new ClientEnvironment(_dir.Path, name => name == "CLAUDE_CONFIG_DIR" ? claude : null);
            CacheReport Run()
            {
                var request = new ScanRequest(new[] { ClaudeSource.Instance }, null, env, new ReadOptions(PriceBook.Embedded, DateWindow.All), 2) { CacheDirectory = CacheDir };
                var scanner = new UsageScanner(request);
                scanner.Run(new Sink(), CancellationToken.None);
                return scanner.CacheReport!;
            }

            Assert.Equal(2, Run().Written);
            File.Delete(Path.Combine(projects, "b.jsonl"));
            var after = Run();
            Assert.Equal((1L, 1), (after.Unchanged, after.Pruned));
            Assert.Equal(1L, Scalar(Path.Combine(CacheDir, UsageCache.FileName), "SELECT count(*) FROM files;"));

            // A file -Since passes over (too old to hold a message of the window) is still there: its row stays.
            File.SetLastWriteTimeUtc(Path.Combine(projects, "a.jsonl"), DateTime.UtcNow.AddDays(-30));
            File.WriteAllText(Path.Combine(projects, "c.jsonl"), Line("m3", 10, 5));
            var since = new ScanRequest(new[] { ClaudeSource.Instance }, null, env, new ReadOptions(PriceBook.Embedded, new DateWindow(TimeZoneInfo.Utc, DateTime.UtcNow.Date.AddDays(-1), null)), 2) { CacheDirectory = CacheDir };
            var scanner = new UsageScanner(since);
            scanner.Run(new Sink(), CancellationToken.None);
            Assert.Equal((0L, 1, 0), (scanner.CacheReport!.Unchanged, scanner.CacheReport.ReadWhole, scanner.CacheReport.Pruned));
            Assert.Equal(2L, Scalar(Path.Combine(CacheDir, UsageCache.FileName), "SELECT count(*) FROM files;"));
        }

        [Fact]
        public void SnapshotCodecRoundTripsAndRejectsEveryDamagedByte()
        {
            var snapshot = new FileSnapshot("session", "project") { HasLineage = true, Parent = "parent", ResumeOffset = 1234, ResumeLine = 17 };
            snapshot.Damaged.Count = 3;
            snapshot.Damaged.Samples.Add(new SkippedLine(4, "torn"));
            snapshot.Reference("original-session");
            snapshot.Messages.Add(new RawMessage { HasKey = true, Key = MessageKey.Of(new byte[] { 1 }), Timestamp = DateTimeOffset.Parse("2026-05-01T10:00:00Z"), Model = "m", Tokens = new TokenCounts { Input = 1, Output = 2, CacheRead = 3, CacheWrite = 9, CacheWrite1h = 4, Reasoning = 5 }, Fast = true, BestTotal = 20, Response = new ResponseIdentity(MessageKey.Of(new byte[] { 2 }), sidechain: true) });
            snapshot.Messages.Add(new RawMessage { Timestamp = DateTimeOffset.Parse("2026-04-30T10:00:00Z"), Model = "n", Tokens = new TokenCounts { Output = Plausible.MaxTokens } });
            var blob = SnapshotCodec.Encode(snapshot);

            // A record holds only what readers admit: one with a count past the bound was forged or damaged past its checksum.
            snapshot.Messages[1].Tokens.Output = Plausible.MaxTokens + 1;
            Assert.Throws<InvalidDataException>(() => SnapshotCodec.Decode(SnapshotCodec.Encode(snapshot)));
            snapshot.Messages[1].Tokens.Output = Plausible.MaxTokens;
            var back = SnapshotCodec.Decode(blob);
            Assert.Equal(SnapshotCodec.Encode(back), blob);
            Assert.Equal(("session", "project", "parent", 1234L, 17L, 3L), (back.SessionId, back.Project, back.Parent, back.ResumeOffset, back.ResumeLine, back.Damaged.Count));
            Assert.Equal(4, back.Messages[0].Tokens.CacheWrite1h);
            Assert.True(back.Messages[0].Fast);
            Assert.Equal((true, MessageKey.Of(new byte[] { 2 }), true), (back.Messages[0].Response.IsKnown, back.Messages[0].Response.Id, back.Messages[0].Response.Sidechain));
            Assert.False(back.Messages[1].Response.IsKnown);
            Assert.Equal(new[] { "original-session" }, back.ReferencedSessions);

            for (var i = 0; i < blob.Length; i++)
            {
                var damaged = (byte[])blob.Clone();
                damaged[i] ^= 0x20;
                Assert.Throws<InvalidDataException>(() => SnapshotCodec.Decode(damaged));
            }

            Assert.Throws<InvalidDataException>(() => SnapshotCodec.Decode(blob.Take(blob.Length - 1).ToArray()));
        }

        /// <summary>
        /// Records are written in a buffer the encoding thread keeps: each record comes out as its own array, the same
        /// bytes as one written in a fresh buffer whatever record came before, and encoding allocates about the record's
        /// size, not the doublings of a buffer grown from a guess.
        /// </summary>
        [Fact]
        public void SnapshotCodecWritesEachRecordOnceWhateverTheRecordBefore()
        {
            FileSnapshot Snapshot(int messages, int seed)
            {
                var snapshot = new FileSnapshot("s" + seed, "p");
                for (var i = 0; i < messages; i++)
                {
                    snapshot.Messages.Add(new RawMessage
                    {
                        HasKey = true,
                        Key = MessageKey.Of(BitConverter.GetBytes(seed * 1_000_000 + i)),
                        Response = new ResponseIdentity(MessageKey.Of(BitConverter.GetBytes(-seed * 1_000_000 - i)), sidechain: false),
                        Timestamp = DateTimeOffset.Parse("2026-05-01T10:00:00Z").AddSeconds(i),
                        Model = "m" + (i % 3),
                        Tokens = new TokenCounts { Input = 1000 + i, Output = 200 + seed, CacheRead = 50_000 + i, CacheWrite = 3000 },
                    });
                }

                return snapshot;
            }

            var large = Snapshot(5000, 1);
            var small = Snapshot(40, 2);
            byte[]? fresh = null;
            var thread = new Thread(() => fresh = SnapshotCodec.Encode(small)); // a thread that has encoded nothing
            thread.Start();
            thread.Join();

            SnapshotCodec.Encode(large); // leaves its bytes in this thread's buffer
            var afterLarge = SnapshotCodec.Encode(small);
            Assert.Equal(fresh, afterLarge);
            var copy = (byte[])afterLarge.Clone();
            var largeBlob = SnapshotCodec.Encode(large);
            Assert.Equal(copy, afterLarge); // a record is not the buffer the next one is written in
            Assert.Equal(5000, SnapshotCodec.Decode(largeBlob).Messages.Count);

            var before = GC.GetAllocatedBytesForCurrentThread();
            largeBlob = SnapshotCodec.Encode(large);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < (largeBlob.Length * 3 / 2) + 16_384, $"encoding a {largeBlob.Length}-byte record allocated {allocated} bytes");
        }

        private static void Exec(string db, string sql)
        {
            TokUsage.Primitives.NativeSqlite.EnsureLoaded();
            using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        private static long Scalar(string db, string sql)
        {
            using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return (long)command.ExecuteScalar()!;
        }

        private sealed class Sink : IScanSink
        {
            public List<UsageFile> Files { get; } = new();
            public bool WantsVerbose => false;
            public void File(UsageFile file) => Files.Add(file);
            public void Error(ScanError error) => throw new Xunit.Sdk.XunitException(error.Path + ": " + error.Exception);
            public void Verbose(string message) => throw new InvalidOperationException("verbose text built while not wanted");
            public void Warning(string message)
            {
                if (!message.StartsWith("Skipped ", StringComparison.Ordinal) && !message.StartsWith("No price", StringComparison.Ordinal))
                {
                    throw new Xunit.Sdk.XunitException("unexpected warning: " + message);
                }
            }

            public void Progress(ScanProgress progress)
            {
            }
        }
    }
}
