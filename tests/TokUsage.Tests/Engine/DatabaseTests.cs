using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using TokUsage.Clients.Databases;
using TokUsage.TestData;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Engine
{
    /// <summary>
    /// The SQLite readers against real databases in the real engine: the native engine loading from the module folder in
    /// a fresh host process, databases an agent holds open or locked, half-written and foreign files, one object per
    /// session, and that a read never writes. Run one at a time: one lowers the busy timeout through the environment.
    /// </summary>
    [Collection(EnvironmentCollection.Name)]
    public sealed class DatabaseTests : IDisposable
    {
        private readonly TempDir _dir = new TempDir();
        private readonly PowerShellHost _host = new PowerShellHost();

        public void Dispose()
        {
            _host.Dispose();
            Environment.SetEnvironmentVariable("TOKUSAGE_SQLITE_BUSY_TIMEOUT_MS", null);
            SqliteConnection.ClearAllPools();
            _dir.Dispose();
        }

        /// <summary>An OpenCode 1.2 database (message/session schema) with <paramref name="messages"/> assistant messages of 1,000 input tokens each.</summary>
        private static SqliteConnection OpenCodeDatabase(string path, int messages, bool wal, string session = "ses_1")
        {
            var db = SqliteFiles.Create(path, wal);
            SqliteFiles.Exec(db, """
                CREATE TABLE session (id text PRIMARY KEY, directory text NOT NULL);
                CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, data text NOT NULL);
                """);
            SqliteFiles.Exec(db, "INSERT INTO session VALUES ($s, '/home/me/app')", ("$s", session));
            Insert(db, session, 0, messages);
            return db;
        }

        private static void Insert(SqliteConnection db, string session, int from, int count)
        {
            for (var i = from; i < from + count; i++)
            {
                var data = new JsonObject
                {
                    ["role"] = "assistant",
                    ["modelID"] = "claude-sonnet-4-5-20250929",
                    ["providerID"] = "anthropic",
                    ["cost"] = 0,
                    ["time"] = new JsonObject { ["created"] = 1783000000000L + (i * 60_000L) },
                    ["tokens"] = new JsonObject { ["input"] = 1000, ["output"] = 0, ["reasoning"] = 0, ["cache"] = new JsonObject { ["read"] = 0, ["write"] = 0 } },
                };
                SqliteFiles.Exec(db, "INSERT INTO message VALUES ($id, $s, $d)", ("$id", $"msg_{session}_{i}"), ("$s", session), ("$d", data.ToJsonString()));
            }
        }

        private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

        private PowerShellHost.Result Read(string path) =>
            _host.Run("Get-TokenUsage -Path $p", new Dictionary<string, object?> { ["p"] = path });

        [SkippableFact]
        public void NativeEngineLoadsFromTheModuleFolderInAFreshPowerShellHost()
        {
            Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == Architecture.X64, "proves the linux-x64 layout");
            Assert.True(File.Exists(Repo.HostDll), Repo.HostDll);
            var home = _dir.Combine("home");
            using (OpenCodeDatabase(Path.Combine(home, ".local", "share", "opencode", "opencode.db"), 7, wal: true))
            {
            }

            SqliteConnection.ClearAllPools();
            var script = $"Import-Module '{Repo.Manifest}'; " +
                "$n = 0; $t = 0; foreach ($f in Get-TokenUsage -Client opencode) { $n += $f.Messages; $t += $f.TotalTokens }; \"messages=$n tokens=$t\"; " +
                "[System.IO.File]::ReadAllLines('/proc/self/maps') | Where-Object { $_ -like '*/libe_sqlite3*' } | ForEach-Object { 'maps ' + $_.Substring($_.IndexOf('/')) }";
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Repo.HostDll);
            start.ArgumentList.Add(script);
            start.Environment["HOME"] = home;
            start.Environment.Remove("XDG_DATA_HOME");
            start.Environment.Remove("OPENCODE_DATA_DIR");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(120_000));
            Assert.True(process.ExitCode == 0, stdout + stderr);

            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Contains("messages=7 tokens=7000", lines);
            var engines = lines.Where(l => l.StartsWith("maps ", StringComparison.Ordinal)).Select(l => l.Substring(5)).Distinct().ToList();
            var shipped = Path.Combine(Repo.ModuleDir, "runtimes", "linux-x64", "native", "libe_sqlite3.so");
            Assert.Equal(new[] { shipped }, engines);
        }

        [Fact]
        public void ModuleFolderShipsAnEngineForEveryHost()
        {
            foreach (var (rid, file) in new[]
            {
                ("win-x64", "e_sqlite3.dll"), ("win-x86", "e_sqlite3.dll"), ("win-arm64", "e_sqlite3.dll"), ("linux-x64", "libe_sqlite3.so"),
                ("linux-arm64", "libe_sqlite3.so"), ("linux-musl-x64", "libe_sqlite3.so"), ("osx-x64", "libe_sqlite3.dylib"), ("osx-arm64", "libe_sqlite3.dylib"),
            })
            {
                Assert.True(File.Exists(Path.Combine(Repo.ModuleDir, "runtimes", rid, "native", file)), rid);
            }

            foreach (var managed in new[] { "Microsoft.Data.Sqlite.dll", "SQLitePCLRaw.core.dll", "SQLitePCLRaw.provider.e_sqlite3.dll", "ZstdSharp.dll" })
            {
                Assert.True(File.Exists(Path.Combine(Repo.ModuleDir, managed)), managed);
            }
        }

        [Fact]
        public void AWriterHoldingTheDatabaseOpenNeitherBlocksNorLeaksUncommittedRows()
        {
            var path = _dir.Combine("opencode", "opencode.db");
            using var writer = OpenCodeDatabase(path, 5, wal: true);
            using (var transaction = writer.BeginTransaction())
            {
                using (var command = writer.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = "INSERT INTO message VALUES ('pending', 'ses_1', '{\"role\":\"assistant\",\"modelID\":\"x\",\"tokens\":{\"input\":999999}}')";
                    command.ExecuteNonQuery();
                }

                var during = Read(path).AssertNoErrors().Objects<UsageFile>().Single();
                Assert.Equal((5, 5000L), (during.Messages, during.TotalTokens));
                transaction.Rollback();
            }

            Insert(writer, "ses_1", 5, 3); // committed while the writer keeps the database open
            var after = Read(path).AssertNoErrors().Objects<UsageFile>().Single();
            Assert.Equal((8, 8000L), (after.Messages, after.TotalTokens));
        }

        [Fact]
        public void ALockedDatabaseIsANonTerminatingErrorNamingItAndEveryOtherSourceStillCounts()
        {
            Environment.SetEnvironmentVariable("TOKUSAGE_SQLITE_BUSY_TIMEOUT_MS", "300"); // the run's option: no process-wide knob
            var folder = _dir.Combine("locked");
            var locked = Path.Combine(folder, "opencode", "opencode.db");
            var free = Path.Combine(folder, "kilo", "kilo.db");
            using var writer = OpenCodeDatabase(locked, 3, wal: false);
            using (OpenCodeDatabase(free, 2, wal: false))
            {
            }

            SqliteFiles.Exec(writer, "BEGIN EXCLUSIVE");
            var run = Read(folder);
            var error = Assert.Single(run.Errors);
            Assert.Equal("FileUnreadable", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(locked, error.TargetObject);
            Assert.Contains(locked, error.Exception.Message);
            Assert.Contains("locked", error.Exception.Message);
            Assert.Contains("waited 300 ms", error.Exception.Message);
            var kilo = Assert.Single(run.Objects<UsageFile>());
            Assert.Equal(("kilo", 2000L), (kilo.Client, kilo.TotalTokens));
            SqliteFiles.Exec(writer, "ROLLBACK");

            Assert.Equal(3000L, Read(locked).AssertNoErrors().Objects<UsageFile>().Single().TotalTokens);
        }

        [Fact]
        public void HalfWrittenAndForeignFilesAreErrorsNamingThemNotCrashes()
        {
            var folder = _dir.Combine("damaged");
            var whole = Path.Combine(folder, "whole", "opencode.db");
            using (OpenCodeDatabase(whole, 40, wal: false))
            {
            }

            SqliteConnection.ClearAllPools();
            var bytes = File.ReadAllBytes(whole);
            var torn = Path.Combine(folder, "torn", "opencode.db");
            Directory.CreateDirectory(Path.GetDirectoryName(torn)!);
            File.WriteAllBytes(torn, bytes.Take(bytes.Length / 2).ToArray());
            var header = Path.Combine(folder, "header", "opencode.db");
            Directory.CreateDirectory(Path.GetDirectoryName(header)!);
            File.WriteAllBytes(header, bytes.Take(60).ToArray());
            var text = Path.Combine(folder, "goose", "sessions.db");
            Directory.CreateDirectory(Path.GetDirectoryName(text)!);
            File.WriteAllText(text, "this is not a database\n");

            var run = Read(folder);
            var failed = run.Errors.Select(e => (string)e.TargetObject).OrderBy(p => p, StringComparer.Ordinal).ToList();
            Assert.Contains(header, failed);
            Assert.Contains(text, failed);
            Assert.All(run.Errors, e => Assert.Equal("FileUnreadable", e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.All(run.Errors, e => Assert.Contains((string)e.TargetObject, e.Exception.Message));
            var files = run.Objects<UsageFile>().ToList();
            Assert.Equal(40_000L, files.Single(f => f.Path == whole).TotalTokens);

            // A database cut in half: SQLite finds the file shorter than its header says, so it is an error naming it
            // (FileUnreadable, above), never a crash and never a partial count taken for the whole.
            Assert.Contains(torn, failed);
            Assert.DoesNotContain(files, f => f.Path == torn);
        }

        /// <summary>
        /// A crafted opencode.db whose <c>message</c> is an endless recursive view: read as a table, it hung the run past
        /// Ctrl+C. Views are not agents' tables: the file is UnsupportedFile, at once (a deadline keeps the suite going).
        /// </summary>
        [Fact]
        public async System.Threading.Tasks.Task AViewInPlaceOfATableIsNotRead()
        {
            var path = _dir.Combine("crafted", "opencode.db");
            using (var db = SqliteFiles.Create(path))
            {
                SqliteFiles.Exec(db, """
                    CREATE TABLE session (id text PRIMARY KEY, directory text NOT NULL);
                    CREATE VIEW message AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
                      SELECT i AS rowid, 'msg_' || i AS id, 'ses_1' AS session_id, '{"role":"assistant","tokens":{"input":1}}' AS data FROM n;
                    """);
            }

            var read = System.Threading.Tasks.Task.Run(() => Read(path));
            var first = await System.Threading.Tasks.Task.WhenAny(read, System.Threading.Tasks.Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(first == read, "reading a database whose message table is an endless view did not finish");
            var error = Assert.Single((await read).Errors);
            Assert.Equal("UnsupportedFile", error.FullyQualifiedErrorId.Split(',')[0]);
        }

        [Fact]
        public void AnUnknownSchemaIsReportedAsUnsupported()
        {
            var path = _dir.Combine("new", "opencode.db");
            using (var db = SqliteFiles.Create(path))
            {
                SqliteFiles.Exec(db, "CREATE TABLE conversation_turn (id text, payload blob)");
            }

            var error = Assert.Single(Read(path).Errors);
            Assert.Equal("UnsupportedFile", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains(path, error.Exception.Message);
            Assert.Contains("schema", error.Exception.Message);
        }

        [Fact]
        public void ReadingNeverWritesTheDatabase()
        {
            var path = _dir.Combine("ro", "opencode.db");
            using (OpenCodeDatabase(path, 4, wal: false))
            {
            }

            SqliteConnection.ClearAllPools();
            File.SetLastWriteTimeUtc(path, new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc));
            var before = (Hash(path), File.GetLastWriteTimeUtc(path), Directory.GetFiles(Path.GetDirectoryName(path)!).Length);
            Assert.Equal(4000L, Read(path).AssertNoErrors().Objects<UsageFile>().Single().TotalTokens);
            Assert.Equal(before, (Hash(path), File.GetLastWriteTimeUtc(path), Directory.GetFiles(Path.GetDirectoryName(path)!).Length));
        }

        [Fact]
        public void DatabasesGiveOneObjectPerSessionWithItsOwnDamage()
        {
            var home = AgentsHomeGenerator.Generate(_dir.Combine("agents"));
            var data = Path.Combine(home.Home, ".local", "share");
            var files = _host.Run("Get-TokenUsage -Path $p", new Dictionary<string, object?> { ["p"] = Path.Combine(data, "opencode") })
                .AssertNoErrors().Objects<UsageFile>().ToList();
            var main = Path.Combine(data, "opencode", "opencode.db");
            var ofMain = files.Where(f => f.Path == main).ToList();
            Assert.Equal(new[] { "ses_a0", "ses_a1", "ses_a2", "ses_a3" }, ofMain.Select(f => f.SessionId).OrderBy(s => s, StringComparer.Ordinal));
            Assert.Equal(ofMain.OrderBy(f => f.Start ?? DateTimeOffset.MaxValue).Select(f => f.SessionId), ofMain.Select(f => f.SessionId)); // in the order they started
            Assert.DoesNotContain(files, f => f.SessionId == "ses_fork"); // all its messages are fork copies
            Assert.Equal(1, ofMain.Single(f => f.SessionId == "ses_a3").SkippedLines);
            Assert.All(ofMain, f => Assert.StartsWith("/home/me/work/app", f.Project));
            Assert.Equal("/home/me/beta", files.Single(f => f.SessionId == "ses_b0").Project);
            Assert.Equal(3, files.Count(f => f.SessionId == "ses_old" && f.Messages == 1)); // unmigrated legacy files
            Assert.Equal(1, files.Where(f => f.Path.EndsWith("msg_old_torn.json", StringComparison.Ordinal)).Sum(f => f.SkippedLines));

            var expected = home.Messages.Where(m => m.Client == "opencode").ToList();
            Assert.Equal(expected.Sum(m => m.Total), files.Sum(f => f.TotalTokens));
            Assert.Equal(expected.Where(m => m.ReportedCost.HasValue).Sum(m => m.ReportedCost!.Value), files.Sum(f => f.ReportedCost));
            Assert.Contains(files, f => f.CostSource == CostSource.Mixed);

            var sessions = _host.Run("Get-TokenUsage -Client opencode, hermes, goose, zed, crush, kilo -Path $p | Measure-TokenUsage -By Session",
                new Dictionary<string, object?> { ["p"] = data }).AssertNoErrors().Objects<SessionSummary>().ToDictionary(s => s.SessionId, StringComparer.Ordinal);
            var databaseClients = new[] { "opencode", "hermes", "goose", "zed", "crush", "kilo" };
            var bySession = home.Messages.Where(m => databaseClients.Contains(m.Client) && !m.OwnerFile.Contains(".hermes", StringComparison.Ordinal) && !m.OwnerFile.Contains("crush-app", StringComparison.Ordinal))
                .GroupBy(m => m.SessionId).ToDictionary(g => g.Key, g => ExpectedTotals.Of(g));
            Assert.Equal(bySession.Keys.OrderBy(k => k, StringComparer.Ordinal), sessions.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var (session, totals) in bySession)
            {
                Assert.Equal((session, totals.Total, totals.Cost), (session, sessions[session].TotalTokens, sessions[session].Cost));
            }
        }

        [Fact]
        public void CrushProjectListThatCannotBeReadIsAWarningNamingIt()
        {
            var data = _dir.Combine("crush-home", ".local", "share");
            Directory.CreateDirectory(Path.Combine(data, "crush"));
            File.WriteAllText(Path.Combine(data, "crush", "projects.json"), "{\"projects\": [ {\"path\": ");
            var saved = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            try
            {
                Environment.SetEnvironmentVariable("XDG_DATA_HOME", data);
                var run = _host.Run("Get-TokenUsage -Client crush").AssertNoErrors();
                var warning = Assert.Single(run.Warnings, w => w.Contains("project list", StringComparison.Ordinal));
                Assert.Contains(Path.Combine(data, "crush", "projects.json"), warning);
                Assert.Empty(run.Output);
            }
            finally
            {
                Environment.SetEnvironmentVariable("XDG_DATA_HOME", saved);
            }
        }
    }
}
