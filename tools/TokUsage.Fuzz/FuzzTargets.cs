using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using TokUsage.Caching;
using TokUsage.Clients;
using TokUsage.Clients.Claude;
using TokUsage.Clients.Codex;
using TokUsage.Clients.Databases;
using TokUsage.Pricing;
using TokUsage.Discovery;
using TokUsage.Model;

namespace TokUsage.Fuzz
{
    /// <summary>
    /// One fuzz target per reader family. A target takes any bytes and must neither throw (bad content is damage,
    /// counted; only the documented errors of a parser that rejects a whole input are allowed) nor count what cannot be
    /// usage (every entry within <see cref="Plausible"/>). Any other outcome throws <see cref="BrokenPromiseException"/>
    /// or lets the exception escape, which AFL++ records as a crash. Files are written under one work folder per process.
    /// </summary>
    internal sealed class FuzzTargets
    {
        public static readonly string[] Families = { "claude", "codex", "agents", "databases", "prices", "codec" };

        private readonly ReadOptions _options;
        private readonly ReadOptions _pieceOptions;
        private readonly string _work;
        private readonly List<(IClientSource Client, string Path, string Root)> _agentFiles = new List<(IClientSource, string, string)>();
        private readonly List<(IClientSource Client, string Path, string Root)> _databaseFiles = new List<(IClientSource, string, string)>();

        /// <summary>Prepares the work folder: a generated home gives each agent format and database a realistic path.</summary>
        public FuzzTargets(string work)
        {
            _work = work;
            _options = new ReadOptions(PriceBook.Embedded, DateWindow.All);
            _pieceOptions = new ReadOptions(PriceBook.Embedded, DateWindow.All) { ReleaseSessionsAt = 2 };
            var home = Path.Combine(work, "home");
            if (!Directory.Exists(home))
            {
                TestData.AgentsHomeGenerator.Generate(home);
            }

            var environment = new ClientEnvironment(home, name => name switch
            {
                "XDG_DATA_HOME" => Path.Combine(home, ".local", "share"),
                "XDG_CONFIG_HOME" => Path.Combine(home, ".config"),
                _ => null,
            });
            foreach (var client in ClientRegistry.All.Where(c => c.Id != "claude" && c.Id != "codex"))
            {
                foreach (var root in client.DefaultRoots(environment).Where(r => Directory.Exists(r.Directory)))
                {
                    var file = Discovery.FileScanner.Walk(root.Directory, client.IsUsageFile, (_, _) => { }, (_, _) => { }, root.Recursive).Select(f => f.Path).FirstOrDefault();
                    if (file != null)
                    {
                        (client is DatabaseClient ? _databaseFiles : _agentFiles).Add((client, file, root.Directory));
                        break;
                    }
                }
            }
        }

        /// <summary>Real inputs of each family, to start the fuzzer from (and for the suite to replay).</summary>
        public IEnumerable<(string Name, byte[] Bytes)> Seeds(string family)
        {
            switch (family)
            {
                case "claude":
                    var claude = TestData.ClaudeHomeGenerator.Generate(Path.Combine(_work, "seed-claude"), new TestData.ClaudeHomeOptions { Sessions = 6, Projects = 1, MaxTurns = 6 });
                    return claude.Files.Take(6).Select((f, i) => ($"claude-{i}", Head(File.ReadAllBytes(f))));
                case "codex":
                    var codex = TestData.CodexHomeGenerator.Generate(Path.Combine(_work, "seed-codex", ".codex"), new TestData.CodexHomeOptions { Sessions = 6 });
                    return codex.Files.Take(6).Select((f, i) => ($"codex-{i}", Head(File.ReadAllBytes(f))));
                case "agents":
                    return _agentFiles.Select((f, i) => ($"agent-{f.Client.Id}", Prefix((byte)i, Head(File.ReadAllBytes(f.Path)))));
                case "databases":
                    return _databaseFiles.Where(f => new FileInfo(f.Path).Length < 512 * 1024)
                        .Select(f => ($"db-{f.Client.Id}", Prefix((byte)_databaseFiles.IndexOf(f), File.ReadAllBytes(f.Path))));
                case "prices":
                    return new[] { ("prices", SmallPriceTable()) };
                case "codec":
                    var file = Path.Combine(_work, "seed-codec.jsonl");
                    var source = TestData.ClaudeHomeGenerator.Generate(Path.Combine(_work, "seed-codec"), new TestData.ClaudeHomeOptions { Sessions = 2, Projects = 1, MaxTurns = 4 }).Files[0];
                    File.Copy(source, file, true);
                    var snapshot = ClaudeFileReader.ReadSnapshot(Source(ClaudeSource.Instance, file, _work), null, CancellationToken.None);
                    var rollout = Path.Combine(_work, "seed-codec-rollout.jsonl");
                    File.Copy(TestData.CodexHomeGenerator.Generate(Path.Combine(_work, "seed-codec-codex", ".codex"), new TestData.CodexHomeOptions { Sessions = 2, MaxTurns = 4 }).Files[0], rollout, true);
                    var resumable = CodexFileReader.ReadSnapshot(Source(CodexSource.Instance, rollout, _work), null, CancellationToken.None);
                    return new[] { ("codec", SnapshotCodec.Encode(snapshot)), ("codec-codex", SnapshotCodec.Encode(resumable)) };
                default:
                    throw new ArgumentException($"unknown family '{family}'; one of {string.Join(", ", Families)}");
            }
        }

        /// <summary>Runs one input through a family's readers.</summary>
        public void Run(string family, byte[] input)
        {
            switch (family)
            {
                case "claude":
                    Check(ClaudeSource.Instance.Read(Write(ClaudeSource.Instance, Path.Combine(_work, "claude", "projects", "-home-me-app", "s.jsonl"), Path.Combine(_work, "claude", "projects"), input), _options, CancellationToken.None));
                    break;
                case "codex":
                    Check(CodexSource.Instance.Read(Write(CodexSource.Instance, Path.Combine(_work, "codex", "sessions", "2026", "05", "01", "rollout-2026-05-01T08-00-00-fuzz.jsonl"), Path.Combine(_work, "codex"), input), _options, CancellationToken.None));
                    break;
                case "agents":
                case "databases":
                    var files = family == "agents" ? _agentFiles : _databaseFiles;
                    if (input.Length == 0 || files.Count == 0)
                    {
                        return;
                    }

                    var (client, path, root) = files[input[0] % files.Count];
                    var target = Path.Combine(_work, "fuzz-" + family, Path.GetRelativePath(root, path));
                    var written = Write(client, target, Path.Combine(_work, "fuzz-" + family), input.AsSpan(1).ToArray());
                    // Databases are read as Get-TokenUsage reads them, handing sessions on as they complete (after every
                    // second message here, so the split is exercised on every input): every piece must hold up too.
                    Check(client is IReleasesSessions releasing
                        ? releasing.Read(written, _pieceOptions, Check, CancellationToken.None)
                        : client.Read(written, _options, CancellationToken.None));
                    break;
                case "prices":
                    Prices(input);
                    break;
                case "codec":
                    Codec(input);
                    break;
                default:
                    throw new ArgumentException($"unknown family '{family}'");
            }
        }

        private static void Prices(byte[] input)
        {
            try
            {
                var compact = PriceUpdater.Validate(input, new Uri("https://example.invalid/prices.json"), DateTimeOffset.UnixEpoch, null);
                var table = PriceTable.Parse(compact, null);
                var book = new PriceBook(table, PriceOverrideSet.Empty);
                var tokens = new TokenCounts { Input = Plausible.MaxTokens, Output = Plausible.MaxTokens, CacheRead = Plausible.MaxTokens, CacheWrite = Plausible.MaxTokens };
                foreach (var model in table.Models.Keys.Take(50))
                {
                    var quote = book.Resolve(model);
                    if (quote != null)
                    {
                        CostCalculator.Cost(quote.Price, quote.BaseRates, tokens, true); // a stored table prices any count
                    }
                }
            }
            catch (PriceUpdateException)
            {
                // refused whole, the documented outcome
            }

            try
            {
                PriceTable.Parse(input, "fuzz.json");
            }
            catch (Exception e) when (e is JsonException || e is InvalidDataException || e is KeyNotFoundException || e is InvalidOperationException || e is FormatException)
            {
                // a damaged stored table: PriceStore passes it over with a warning
            }
        }

        private void Codec(byte[] input)
        {
            DecodeRecord(input);

            // Almost every mutation fails the record's checksum; re-sealed, it reaches the decoder behind it (a record
            // damaged in a way its checksum cannot see must still be refused or decoded into plausible usage).
            if (input.Length > 8)
            {
                var resealed = (byte[])input.Clone();
                var body = resealed.Length - 8;
                BitConverter.GetBytes(Primitives.XxHash64.Hash(resealed.AsSpan(0, body), SnapshotCodec.ChecksumSeed)).CopyTo(resealed, body);
                DecodeRecord(resealed);
            }
        }

        private void DecodeRecord(byte[] input)
        {
            FileSnapshot snapshot;
            try
            {
                snapshot = SnapshotCodec.Decode(input);
            }
            catch (InvalidDataException)
            {
                return; // a damaged record: the cache reads the file again
            }

            var file = Path.Combine(_work, "codec.jsonl");
            File.WriteAllBytes(file, Array.Empty<byte>());
            Check(snapshot.ToParsed(Source(ClaudeSource.Instance, file, _work), _options));

            // A record with a reader's state is resumed from: the state is refused or read into plausible usage.
            if (snapshot.ReaderState != null && snapshot.ResumeOffset >= 0)
            {
                try
                {
                    Check(CodexFileReader.ReadSnapshot(Source(CodexSource.Instance, file, _work), snapshot, CancellationToken.None).ToParsed(Source(CodexSource.Instance, file, _work), _options));
                }
                catch (InvalidDataException)
                {
                    // a damaged state: the cache reads the file whole
                }
            }
        }

        private static void Check(ParsedFile parsed)
        {
            for (var i = 0; i < parsed.Rows.Count; i++)
            {
                var e = parsed.Rows.ToEntry(i);
                var tokens = new TokenCounts { Input = e.InputTokens, Output = e.OutputTokens, CacheRead = e.CacheReadTokens, CacheWrite = e.CacheWriteTokens, Reasoning = e.ReasoningTokens };
                if (!Plausible.Counts(tokens) || e.Cost < 0 || !Parsing.Timestamps.IsPlausible(e.Timestamp))
                {
                    throw new BrokenPromiseException($"counted what cannot be usage: {e.InputTokens}/{e.OutputTokens}/{e.CacheReadTokens}/{e.CacheWriteTokens}/{e.ReasoningTokens} tokens, ${e.Cost}, {e.Timestamp:o}");
                }
            }

            if (parsed.Damaged.Count < 0)
            {
                throw new BrokenPromiseException("negative damage count");
            }
        }

        private static SourceFile Write(IClientSource client, string path, string root, byte[] bytes)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
            return Source(client, path, root);
        }

        private static SourceFile Source(IClientSource client, string path, string root) =>
            new SourceFile(client, path, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path), root);

        /// <summary>AFL++ works best from small seeds: the first 16 KB of a log, cut after a whole line.</summary>
        private static byte[] Head(byte[] bytes)
        {
            if (bytes.Length <= 16 * 1024)
            {
                return bytes;
            }

            var cut = Array.LastIndexOf(bytes, (byte)'\n', 16 * 1024);
            return bytes.AsSpan(0, cut > 0 ? cut + 1 : 16 * 1024).ToArray();
        }

        private static byte[] Prefix(byte selector, byte[] bytes) => new[] { selector }.Concat(bytes).ToArray();

        /// <summary>A LiteLLM-shaped table just large enough to be accepted (100 chat models and more).</summary>
        private static byte[] SmallPriceTable()
        {
            var text = new StringBuilder("{\"claude-sonnet-4-5\":{\"litellm_provider\":\"anthropic\",\"mode\":\"chat\",\"input_cost_per_token\":3e-06,\"output_cost_per_token\":1.5e-05,");
            text.Append("\"cache_read_input_token_cost\":3e-07,\"cache_creation_input_token_cost\":3.75e-06,\"input_cost_per_token_above_200k_tokens\":6e-06,\"max_input_tokens\":200000}");
            for (var i = 0; i < 110; i++)
            {
                text.Append(",\"m").Append(i).Append("\":{\"mode\":\"chat\",\"input_cost_per_token\":1e-06,\"output_cost_per_token\":2e-06}");
            }

            return Encoding.UTF8.GetBytes(text.Append('}').ToString());
        }
    }

    /// <summary>A target's promise broke (what the module counted cannot be usage): AFL++ records it as a crash.</summary>
    internal sealed class BrokenPromiseException : Exception
    {
        public BrokenPromiseException(string message)
            : base(message)
        {
        }
    }
}
