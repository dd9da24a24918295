using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using TokUsage.Clients;
using TokUsage.Clients.Databases;
using TokUsage.Discovery;
using TokUsage.Hosting;
using TokUsage.Tests.Support;
using Xunit;
using TokUsage.Primitives;

namespace TokUsage.Tests.Unit
{
    /// <summary>The database clients' file rules, roots and value conversions, without PowerShell.</summary>
    public sealed class DatabaseRuleTests : IDisposable
    {
        private readonly TempDir _dir = new TempDir();

        public void Dispose() => _dir.Dispose();

        /// <summary>A path with '/' for separators: the expectations below are written once for every OS.</summary>
        private static string Slashed(string path) => path.Replace('\\', '/');

        private static ClientEnvironment Env(string home, params (string Name, string Value)[] variables)
        {
            var map = variables.ToDictionary(v => v.Name, v => v.Value);
            return new ClientEnvironment(home, name => map.TryGetValue(name, out var value) ? value : null);
        }

        [Theory]
        [InlineData("/h/.local/share/opencode/opencode.db", true)]
        [InlineData("/h/.local/share/opencode/opencode-beta.db", true)]
        [InlineData("/h/.local/share/opencode/opencode-local_2.0.db", true)]
        [InlineData("/h/.local/share/opencode/opencode.db-wal", false)]
        [InlineData("/h/.local/share/opencode/opencode.db-shm", false)]
        [InlineData("/h/.local/share/opencode/opencode-.db", false)]
        [InlineData("/h/.local/share/opencode/other.db", false)]
        [InlineData("/h/.local/share/opencode/storage/message/ses_1/msg_1.json", true)]
        [InlineData("/h/.local/share/opencode/storage/part/msg_1/prt_1.json", false)]
        [InlineData("/h/.local/share/opencode/storage/session/info/ses_1.json", false)]
        public void OpenCodeFiles(string path, bool isOpenCode) => Assert.Equal(isOpenCode, OpenCode.Source.IsUsageFile(path));

        [Fact]
        public void DatabaseRootsDoNotWalkTheAgentsWholeDataFolders()
        {
            var env = Env("/h");
            var opencode = OpenCode.Source.DefaultRoots(env);
            Assert.Equal(new[] { ("/h/.local/share/opencode", false), ("/h/.local/share/opencode/storage/message", true) },
                opencode.Select(r => (Slashed(r.Directory), r.Recursive)));
            Assert.All(Goose.Source.DefaultRoots(env).Concat(Zed.Source.DefaultRoots(env)).Concat(OpenCode.Kilo.DefaultRoots(env)), r => Assert.False(r.Recursive));

            var configured = OpenCode.Source.DefaultRoots(Env("/h", ("OPENCODE_DATA_DIR", "/data/oc")));
            Assert.All(configured, r => Assert.Equal("OPENCODE_DATA_DIR", r.Origin));
            Assert.Equal("/data/oc", Slashed(configured[0].Directory));
            Assert.Equal("/g/data/sessions", Slashed(Goose.Source.DefaultRoots(Env("/h", ("GOOSE_PATH_ROOT", "/g"))).Single().Directory));
            Assert.Equal("/k", Slashed(OpenCode.Kilo.DefaultRoots(Env("/h", ("KILO_DATA_DIR", "/k"))).Single().Directory));
        }

        [Fact]
        public void HermesReadsProfilesUnlessItsHomeIsAProfile()
        {
            Assert.Equal(new[] { "/h/.hermes", "/h/.hermes/profiles" }, Hermes.Source.DefaultRoots(Env("/h")).Select(r => Slashed(r.Directory)));
            Assert.Equal(new[] { "/x/profiles/work" }, Hermes.Source.DefaultRoots(Env("/h", ("HERMES_HOME", "/x/profiles/work"))).Select(r => Slashed(r.Directory)));
            Assert.True(Hermes.Source.IsUsageFile("/h/.hermes/profiles/work/state.db"));
            Assert.False(Hermes.Source.IsUsageFile("/h/.hermes/state.db-wal"));
        }

        [Fact]
        public void CrushProjectsResolveRelativeDataFolders()
        {
            var registry = Encoding.UTF8.GetBytes("""
                {"projects":[{"path":"/w/a","data_dir":"/w/a/.crush"},{"path":"/w/b","data_dir":".crush-data"},{"path":"/w/c"},{"data_dir":"rel"},"junk"]}
                """);
            Assert.Equal(new[] { "/w/a/.crush", "/w/b/.crush-data", "/w/c/.crush" }, Crush.DataFolders(registry).Select(Slashed));
        }

        [Fact]
        public void CrushRootsComeFromItsProjectList()
        {
            var data = _dir.Combine("share");
            Directory.CreateDirectory(Path.Combine(data, "crush"));
            File.WriteAllText(Path.Combine(data, "crush", "projects.json"), "{\"projects\":[{\"path\":\"/w/a\",\"data_dir\":\"/w/a/.crush\"}]}");
            var roots = Crush.Source.DefaultRoots(Env("/h", ("XDG_DATA_HOME", data)));
            Assert.Equal(new[] { Slashed(Path.Combine(data, "crush")), "/w/a/.crush" }, roots.Select(r => Slashed(r.Directory)));
            Assert.Equal(Path.Combine(data, "crush", "projects.json"), roots[1].Origin);
            Assert.All(roots, r => Assert.Null(r.Warning));
        }

        [Fact]
        public void AWalJournalMakesTheDatabaseNewerAndLarger()
        {
            var db = _dir.Combine("state.db");
            File.WriteAllBytes(db, new byte[4096]);
            File.SetLastWriteTimeUtc(db, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            Assert.Equal((4096L, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)), Facts(db));

            File.WriteAllBytes(db + "-wal", new byte[1000]);
            File.SetLastWriteTimeUtc(db + "-wal", new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc));
            Assert.Equal((5096L, new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc)), Facts(db));

            var log = _dir.Combine("x.jsonl");
            File.WriteAllText(log, "{}\n");
            File.WriteAllText(log + "-wal", "ignored");
            Assert.Equal(3L, Facts(log).Length);
        }

        private static (long Length, DateTime LastWriteUtc) Facts(string path)
        {
            Assert.True(FileScanner.TryStamp(new FoundFile(path), out var stamp));
            return (stamp.Length, stamp.LastWriteUtc);
        }

        [Fact]
        public void NativeEnginePathFollowsTheRuntime()
        {
            var rid = NativeSqlite.RuntimeIdentifier;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == Architecture.X64 && !File.Exists("/lib/ld-musl-x86_64.so.1"))
            {
                Assert.Equal("linux-x64", rid);
                Assert.Equal("libe_sqlite3.so", NativeSqlite.FileName);
            }

            Assert.Equal(Path.Combine("/m", "runtimes", rid, "native", NativeSqlite.FileName), NativeSqlite.PathIn("/m"));
            Assert.True(File.Exists(NativeSqlite.PathIn(Repo.ModuleDir)), "the built module ships the engine for this machine");
        }
    }
}
