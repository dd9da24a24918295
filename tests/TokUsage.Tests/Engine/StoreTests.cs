using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using TokUsage.Clients;
using TokUsage.Clients.Claude;
using TokUsage.Pipeline;
using TokUsage.Pricing;
using TokUsage.Storage;
using TokUsage.Tests.Support;
using TokUsage.Tests.Unit;
using Xunit;
using TokUsage.Discovery;

namespace TokUsage.Tests.Engine
{
    /// <summary>
    /// The usage store's engine without PowerShell (issue 16): what a scan reads back from it when a log is gone or was
    /// rewritten shorter, records a log rewrites in place, concurrent writers, and stores it must not touch.
    /// </summary>
    public sealed class StoreTests : IDisposable
    {
        private readonly TempDir _dir = new TempDir();

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            _dir.Dispose();
        }

        private string Logs => Directory.CreateDirectory(_dir.Combine("projects", "-work-app")).FullName;

        private string StorePath => _dir.Combine("store", "usage.db");

        /// <summary>One Get-TokenUsage run over the logs, reading the store when it exists.</summary>
        private List<UsageFile> Scan()
        {
            using var store = UsageStore.OpenExisting(StorePath);
            var request = new ScanRequest(new[] { ClaudeSource.Instance }, new[] { new ScanTarget(Logs, true) }, ClientEnvironment.FromProcess(),
                new ReadOptions(PriceBook.Embedded, DateWindow.All), 2)
            {
                History = store,
            };
            var sink = new ListSink();
            new UsageScanner(request).Run(sink, CancellationToken.None);
            return sink.Files;
        }

        private (long Added, long Already) Save(IEnumerable<UsageFile> files)
        {
            using var store = UsageStore.OpenOrCreate(StorePath);
            using var writer = new StoreWriter(store, _ => false, batchSize: 3);
            foreach (var file in files.Where(f => !f.Archived))
            {
                writer.Save(file, File.Exists(file.Path) ? new FileInfo(file.Path).Length : 0);
            }

            writer.Complete();
            return (writer.Added, writer.AlreadyStored);
        }

        private static long Tokens(IEnumerable<UsageFile> files) => files.Sum(f => f.TotalTokens);

        [Fact]
        public void ALogRewrittenShorterGivesBackOnlyTheMessagesItLost()
        {
            var file = Path.Combine(Logs, "s.jsonl");
            File.WriteAllText(file, CacheTests.Line("m1", 10, 1) + CacheTests.Line("m2", 20, 2) + CacheTests.Line("m3", 30, 3));
            Assert.Equal((3L, 0L), Save(Scan()));

            // Rewritten without its first two messages (a compaction that drops lines): the log holds m3 only.
            File.WriteAllText(file, CacheTests.Line("m3", 30, 3));
            var files = Scan();
            Assert.Equal(66, Tokens(files));
            var archived = files.Single(f => f.Archived);
            Assert.Equal((file, 2, 33L), (archived.Path, archived.Messages, archived.TotalTokens));
            Assert.Equal(33, files.Single(f => !f.Archived).TotalTokens);
        }

        [Fact]
        public void AMessageAnotherLogStillHoldsIsNotGivenBack()
        {
            File.WriteAllText(Path.Combine(Logs, "a.jsonl"), CacheTests.Line("m1", 10, 1) + CacheTests.Line("m2", 20, 2));
            Save(Scan());
            File.WriteAllText(Path.Combine(Logs, "b.jsonl"), CacheTests.Line("m1", 10, 1) + CacheTests.Line("m2", 20, 2)); // a resumed copy
            File.Delete(Path.Combine(Logs, "a.jsonl"));
            var files = Scan();
            Assert.DoesNotContain(files, f => f.Archived);
            Assert.Equal(33, Tokens(files));
        }

        [Fact]
        public void ARecordItsOwnLogRewritesInPlaceTakesTheNewCountsAndACopyElsewhereDoesNot()
        {
            var file = Path.Combine(Logs, "s.jsonl");
            File.WriteAllText(file, CacheTests.Line("m1", 10, 1));
            Save(Scan());

            // The same message id in the same log with larger counts (Claude Code's streamed message, merged by maximum).
            File.AppendAllText(file, CacheTests.Line("m1", 10, 9));
            Assert.Equal((1L, 0L), Save(Scan()));
            File.Delete(file);
            Assert.Equal(19, Tokens(Scan()));

            // A copy of it in another log, with other counts, does not change what is stored.
            File.WriteAllText(Path.Combine(Logs, "copy.jsonl"), CacheTests.Line("m1", 10, 500));
            Assert.Equal((0L, 1L), Save(Scan()));
            File.Delete(Path.Combine(Logs, "copy.jsonl"));
            Assert.Equal(19, Tokens(Scan()));
        }

        [Fact]
        public void WritersAtOnceStoreEachMessageOnce()
        {
            for (var f = 0; f < 20; f++)
            {
                File.WriteAllText(Path.Combine(Logs, $"s{f:D2}.jsonl"), string.Concat(Enumerable.Range(0, 25).Select(m => CacheTests.Line($"m{f}-{m}", 10 + m, 1))));
            }

            var files = Scan();
            var added = new long[4];
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => added[i] = Save(files).Added);
            Assert.Equal(500, added.Sum());
            using var store = UsageStore.OpenExisting(StorePath)!;
            Assert.Equal(500, store.Count());
        }

        [Fact]
        public void AStoreOfANewerSchemaIsRefusedAndLeftAsItIs()
        {
            File.WriteAllText(Path.Combine(Logs, "s.jsonl"), CacheTests.Line("m1", 10, 1));
            Save(Scan());
            using (var db = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
            {
                db.Open();
                using var command = db.CreateCommand();
                command.CommandText = "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;";
                command.ExecuteNonQuery();
            }

            var before = File.ReadAllBytes(StorePath);
            Assert.Equal(StoreProblem.NewerSchema, Assert.Throws<StoreException>(() => UsageStore.OpenExisting(StorePath)).Problem);
            Assert.Equal(StoreProblem.NewerSchema, Assert.Throws<StoreException>(() => UsageStore.OpenOrCreate(StorePath)).Problem);
            Assert.Equal(before, File.ReadAllBytes(StorePath));
        }

        [Fact]
        public void AnotherApplicationsDatabaseIsRefusedAndLeftAsItIs()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(StorePath)!);
            using (var db = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
            {
                db.Open();
                using var command = db.CreateCommand();
                command.CommandText = "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');";
                command.ExecuteNonQuery();
            }

            var before = File.ReadAllBytes(StorePath);
            var problem = Assert.Throws<StoreException>(() => UsageStore.OpenOrCreate(StorePath));
            Assert.Equal((StoreProblem.NotAStore, "StoreNotUsable"), (problem.Problem, problem.ErrorId));
            Assert.Contains(StorePath, problem.Message, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllBytes(StorePath));
        }

        private sealed class ListSink : IScanSink
        {
            public List<UsageFile> Files { get; } = new();

            public bool WantsVerbose => false;

            public void File(UsageFile file) => Files.Add(file);

            public void Error(ScanError error) => throw new Xunit.Sdk.XunitException(error.Path + ": " + error.Exception);

            public void Verbose(string message)
            {
            }

            public void Warning(string message)
            {
            }

            public void Progress(ScanProgress progress)
            {
            }
        }
    }
}
