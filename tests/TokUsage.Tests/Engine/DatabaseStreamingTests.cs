using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using Microsoft.Data.Sqlite;
using TokUsage.Clients;
using TokUsage.Clients.Databases;
using TokUsage.Pipeline;
using TokUsage.Pricing;
using TokUsage.TestData;
using TokUsage.Tests.Support;
using Xunit;
using TokUsage.Discovery;

namespace TokUsage.Tests.Engine
{
    /// <summary>
    /// A database of the whole history is handed on session by session while it is read (issue 21: a million-row
    /// <c>opencode.db</c> was held whole): complete sessions leave the reader before the database ends, what is counted
    /// stays exactly what a whole read counts, and fork copies still collapse into sessions already handed on.
    /// </summary>
    [Collection(EnvironmentCollection.Name)]
    public sealed class DatabaseStreamingTests : IDisposable
    {
        private const int Sessions = 40;
        private const int PerSession = 30;
        private readonly TempDir _dir = new TempDir();

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            _dir.Dispose();
        }

        /// <summary>
        /// Forty sessions written one after another (30 messages of 1,000 input tokens each), one long session with a
        /// message after every tenth row from start to end, a damaged row in session 5, and session 30 forked from
        /// session 2: its first message is a copy of session 2's first (same usage fields, new row id).
        /// Returns the database path and the expected tokens per session, counted here from what was written.
        /// </summary>
        private (string Path, Dictionary<string, long> Tokens) History()
        {
            var path = _dir.Combine("opencode", "opencode.db");
            var expected = new Dictionary<string, long>(StringComparer.Ordinal);
            using var db = SqliteFiles.Create(path);
            SqliteFiles.Exec(db, """
                CREATE TABLE session (id text PRIMARY KEY, directory text NOT NULL);
                CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, data text NOT NULL);
                """);
            var row = 0;
            void Message(string session, long created, long input, bool counts = true)
            {
                var data = new JsonObject
                {
                    ["role"] = "assistant",
                    ["modelID"] = "claude-sonnet-4-5-20250929",
                    ["providerID"] = "anthropic",
                    ["time"] = new JsonObject { ["created"] = created, ["completed"] = created + 500 },
                    ["tokens"] = new JsonObject { ["input"] = input, ["output"] = 0, ["reasoning"] = 0, ["cache"] = new JsonObject { ["read"] = 0, ["write"] = 0 } },
                };
                SqliteFiles.Exec(db, "INSERT INTO message VALUES ($id, $s, $d)", ("$id", $"row_{row++}"), ("$s", session), ("$d", data.ToJsonString()));
                if (counts)
                {
                    expected[session] = expected.GetValueOrDefault(session) + input;
                }
            }

            SqliteFiles.Exec(db, "INSERT INTO session VALUES ('ses_long', '/home/me/long')");
            for (var s = 0; s < Sessions; s++)
            {
                var session = $"ses_{s:D2}";
                SqliteFiles.Exec(db, "INSERT INTO session VALUES ($s, '/home/me/app')", ("$s", session));
                for (var m = 0; m < PerSession; m++)
                {
                    if (s == 30 && m == 0)
                    {
                        Message(session, Created(2, 0), 1000 + 2, counts: false); // the fork's copy of session 2's first message
                        continue;
                    }

                    Message(session, Created(s, m), 1000 + s);
                    if (row % 10 == 0)
                    {
                        Message("ses_long", Created(s, m) + 1, 7);
                    }
                }

                if (s == 5)
                {
                    SqliteFiles.Exec(db, "INSERT INTO message VALUES ('torn', 'ses_05', '{\"role\":\"assis')");
                }
            }

            return (path, expected);
        }

        private static long Created(int session, int message) => 1783000000000L + (session * 3_600_000L) + (message * 60_000L);

        private static ReadOptions Options(int releaseAt) => new ReadOptions(PriceBook.Embedded, DateWindow.All) { ReleaseSessionsAt = releaseAt };

        private static SourceFile Source(string path) => new SourceFile(OpenCode.Source, path, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path), Path.GetDirectoryName(path)!);

        private static Dictionary<string, long> TokensBySession(IEnumerable<ParsedFile> pieces) => pieces
            .SelectMany(p => p.Entries())
            .GroupBy(e => e.Part!.SessionId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(e => e.Entry.TotalTokens), StringComparer.Ordinal);

        [Fact]
        public void CompleteSessionsLeaveTheReaderBeforeTheDatabaseEndsAndCountExactlyAsAWholeRead()
        {
            var (path, expected) = History();
            var client = (IReleasesSessions)OpenCode.Source;
            var pieces = new List<ParsedFile>();
            var last = client.Read(Source(path), Options(releaseAt: 100), pieces.Add, CancellationToken.None);
            var whole = OpenCode.Source.Read(Source(path), Options(releaseAt: 100), CancellationToken.None);

            Assert.Null(last.Error);
            Assert.All(pieces, p => Assert.True(p.Continued));
            Assert.False(last.Continued);
            Assert.True(pieces.Count >= 5, $"{pieces.Count} pieces handed on before the end");

            // Never more than the threshold, doubled after a pass, plus the session completing it, is held at once.
            var held = pieces.Select(p => p.Rows.Count).Append(last.Rows.Count).Max();
            Assert.True(held <= (2 * 100) + PerSession + 10, $"a piece held {held} of {whole.Rows.Count} messages");
            Assert.True(whole.Rows.Count > 1000);

            // The long session spans the database: it is complete only at the end.
            Assert.Contains(last.Parts, p => p.SessionId == "ses_long");

            // Each session in one piece, every message once, and the fork copy collapsed into a session handed on long before.
            var all = pieces.Append(last).ToList();
            var sessionsSeen = all.SelectMany(p => p.Parts.Where(part => p.Entries().Any(e => e.Part == part) || part.SkippedLines > 0).Select(part => part.SessionId)).ToList();
            Assert.Equal(sessionsSeen.Count, sessionsSeen.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), TokensBySession(all).OrderBy(e => e.Key, StringComparer.Ordinal));
            Assert.Equal(TokensBySession(new[] { whole }).OrderBy(e => e.Key, StringComparer.Ordinal), TokensBySession(all).OrderBy(e => e.Key, StringComparer.Ordinal));

            // The damaged row is counted once, against its session, in the piece that holds the session.
            Assert.Equal(1, all.Sum(p => p.Damaged.Count));
            Assert.Equal(1, all.Single(p => p.Parts.Any(part => part.SessionId == "ses_05")).Damaged.Count);
        }

        [Fact]
        public void GetTokenUsageReportsTheSameSessionsWhetherTheDatabaseIsHandedOnInPiecesOrWhole()
        {
            var (path, expected) = History();
            List<string> Run(int releaseAt, int workers)
            {
                var request = new ScanRequest(new[] { OpenCode.Source }, new[] { new ScanTarget(path, false) }, ClientEnvironment.FromProcess(), Options(releaseAt), workers);
                var sink = new CollectingSink();
                new UsageScanner(request).Run(sink, CancellationToken.None);
                Assert.Empty(sink.Errors);
                Assert.Equal(1, sink.DamagedFilesWarned); // one database, however many pieces
                return sink.Files.Select(f => $"{f.SessionId}|{f.Project}|{f.TotalTokens}|{f.Messages}|{f.SkippedLines}|{f.Cost}|{f.Start:O}|{f.End:O}").OrderBy(s => s, StringComparer.Ordinal).ToList();
            }

            var whole = Run(int.MaxValue, 2);
            Assert.Equal(expected.Count, whole.Count);
            Assert.Equal(whole, Run(50, 1));
            Assert.Equal(whole, Run(50, 2));
        }

        private sealed class CollectingSink : IScanSink
        {
            public List<UsageFile> Files { get; } = new();

            public List<ScanError> Errors { get; } = new();

            public int DamagedFilesWarned { get; private set; }

            public bool WantsVerbose => false;

            public void File(UsageFile file) => Files.Add(file);

            public void Error(ScanError error) => Errors.Add(error);

            public void Verbose(string message)
            {
            }

            public void Warning(string message)
            {
                var match = System.Text.RegularExpressions.Regex.Match(message, @"^Skipped \d+ damaged line\(s\) in (\d+) file");
                if (match.Success)
                {
                    DamagedFilesWarned = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            public void Progress(ScanProgress progress)
            {
            }
        }
    }
}
