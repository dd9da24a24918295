using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using TokUsage.Clients.Common;
using TokUsage.Parsing;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Databases
{
    /// <summary>
    /// Antigravity CLI (<c>antigravity-cli</c>): one SQLite database per conversation,
    /// <c>$GEMINI_CLI_HOME</c> or <c>~/.gemini</c>, <c>antigravity-cli/conversations/&lt;uuid&gt;.db</c>. Each
    /// <c>gen_metadata</c> row is one generation as a protobuf blob with no published schema, read by field number (the
    /// numbers tokscale's <c>antigravity_cli.rs</c> found and cross-checked on real databases): <c>#1</c> chat model;
    /// in it <c>#19</c> the response model, <c>#21</c> its display label, <c>#9.#4</c> the generation's time
    /// (<c>{#1 seconds, #2 nanos}</c>), and <c>#4</c> usage — <c>#1</c> the fixed system prompt and <c>#2</c> the new input
    /// (both input), <c>#5</c> cache reads, <c>#9</c> output, <c>#10</c> thinking (apart from output), <c>#11</c> the
    /// response id (the dedup key). A generation without <c>#19</c> takes the model another row of the conversation logged
    /// beside the same label, else — when the conversation names one model and no unidentified label — that model, else
    /// <c>unknown</c>: a label is a join key, never a price key. <c>trajectory_metadata_blob</c> gives the conversation's
    /// creation time (<c>#2</c>, the fallback of a row without its own) and workspace (<c>#1.#1</c>, a <c>file://</c> URI:
    /// the project). A blob that is not protobuf is a damaged row. No cost is logged.
    /// </summary>
    internal static class AntigravityCli
    {
        public static readonly IClientSource Source = new DatabaseClient("antigravity-cli",
            env => Roots.EnvOrHome(env, "GEMINI_CLI_HOME", ".gemini", Path.Combine("antigravity-cli", "conversations")),
            path => Roots.HasExtension(path, ".db") && string.Equals(Path.GetFileName(Path.GetDirectoryName(path)), "conversations", StringComparison.Ordinal),
            Read,
            new[] { "antigravity-cli" });

        private static void Read(SqliteConnection db, ParsedFile result, ReadOptions options, CancellationToken cancel)
        {
            var tables = Sqlite.TablesWith(db, "gen_metadata", "Antigravity CLI", result.Source.Path);

            result.SessionId = Path.GetFileNameWithoutExtension(result.Source.Path);
            var created = tables.Contains("trajectory_metadata_blob") ? Trajectory(db, result) : null;
            var fallback = created ?? MessageRecorder.WriteTime(result.Source);

            // The conversation's models first: a row may lack its own, and any row may be the one that names it.
            var models = new ConversationModels();
            foreach (var (_, chat) in Generations(db, cancel))
            {
                if (chat != null)
                {
                    models.Observe(chat);
                }
            }

            foreach (var (idx, chat) in Generations(db, cancel))
            {
                if (chat is null)
                {
                    result.Skip(idx, $"gen_metadata row {idx.ToString(CultureInfo.InvariantCulture)}: not a protobuf message", options.MaxSkippedSamples);
                    continue;
                }

                byte[]? usage;
                TokenCounts tokens;
                string? responseId;
                DateTimeOffset when;
                try
                {
                    usage = ProtoFields.Bytes(chat, 4);
                    if (usage is null)
                    {
                        continue;
                    }

                    var system = ProtoFields.Varint(usage, 1) ?? 0;
                    var fresh = ProtoFields.Varint(usage, 2) ?? 0;
                    tokens = new TokenCounts
                    {
                        Input = system > long.MaxValue - fresh ? long.MaxValue : system + fresh,
                        CacheRead = ProtoFields.Varint(usage, 5) ?? 0,
                        Output = ProtoFields.Varint(usage, 9) ?? 0,
                        Reasoning = ProtoFields.Varint(usage, 10) ?? 0,
                    };
                    responseId = ProtoFields.Text(usage, 11)?.Trim();
                    var generation = ProtoFields.Bytes(chat, 9);
                    when = (generation is null ? null : ProtoFields.Timestamp(ProtoFields.Bytes(generation, 4))) ?? fallback;
                }
                catch (InvalidProtocolBufferException e)
                {
                    result.Skip(idx, $"gen_metadata row {idx.ToString(CultureInfo.InvariantCulture)}: damaged usage ({e.Message})", options.MaxSkippedSamples);
                    continue;
                }

                result.Record(options, when, models.Of(chat), tokens,
                    string.IsNullOrEmpty(responseId) ? null : MessageRecorder.Key("antigravity-cli:" + responseId), line: idx);
            }
        }

        /// <summary>Every generation's chat-model message in row order (null for a blob that is not protobuf), with its row number.</summary>
        private static IEnumerable<(long Idx, byte[]? Chat)> Generations(SqliteConnection db, CancellationToken cancel)
        {
            using var command = db.CreateCommand();
            var columns = Sqlite.Columns(db, "gen_metadata");
            command.CommandText = columns.Contains("idx") ? "SELECT idx, data FROM gen_metadata ORDER BY idx" : "SELECT rowid, data FROM gen_metadata ORDER BY rowid";
            using var row = command.ExecuteReader();
            var rows = 0;
            while (row.Read())
            {
                Sqlite.Poll(cancel, ref rows);
                var idx = row.IsDBNull(0) ? rows : row.GetInt64(0);
                if (row.IsDBNull(1) || !(row.GetValue(1) is byte[] blob))
                {
                    yield return (idx, null);
                    continue;
                }

                byte[]? chat;
                try
                {
                    chat = ProtoFields.Bytes(blob, 1);
                }
                catch (InvalidProtocolBufferException)
                {
                    chat = null;
                }

                yield return (idx, chat);
            }
        }

        /// <summary>The conversation's creation time, and its workspace as the project.</summary>
        private static DateTimeOffset? Trajectory(SqliteConnection db, ParsedFile result)
        {
            using var command = db.CreateCommand();
            command.CommandText = "SELECT data FROM trajectory_metadata_blob LIMIT 1";
            if (!(command.ExecuteScalar() is byte[] blob))
            {
                return null;
            }

            try
            {
                var folder = ProtoFields.Bytes(blob, 1);
                var uri = folder is null ? null : ProtoFields.Text(folder, 1);
                if (uri != null && FilePath(uri) is { } path)
                {
                    result.Project = path;
                }

                return ProtoFields.Timestamp(ProtoFields.Bytes(blob, 2));
            }
            catch (InvalidProtocolBufferException)
            {
                return null; // the conversation still counts; its rows carry their own times
            }
        }

        /// <summary>
        /// A <c>file://</c> URI as a path: <c>file:///home/x</c> → <c>/home/x</c>, <c>file:///C:/x</c> → <c>C:/x</c>,
        /// <c>file://host/share/x</c> → <c>//host/share/x</c>; percent escapes decoded.
        /// </summary>
        internal static string? FilePath(string uri)
        {
            if (!uri.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var rest = Uri.UnescapeDataString(uri.Substring(7));
            if (!rest.StartsWith("/", StringComparison.Ordinal))
            {
                return "//" + rest;
            }

            return rest.Length >= 3 && rest[2] == ':' ? rest.Substring(1) : rest;
        }

        /// <summary>
        /// The models one conversation names: each display label's response model (a label seen with two is no
        /// evidence), and the one model when the conversation names exactly one and every label it shows is identified.
        /// </summary>
        private sealed class ConversationModels
        {
            private readonly Dictionary<string, string?> _byLabel = new Dictionary<string, string?>(StringComparer.Ordinal);
            private readonly HashSet<string> _models = new HashSet<string>(StringComparer.Ordinal);
            private readonly HashSet<string> _unidentified = new HashSet<string>(StringComparer.Ordinal);

            public void Observe(byte[] chat)
            {
                string? model, label;
                try
                {
                    model = ProtoFields.Text(chat, 19);
                    label = ProtoFields.Text(chat, 21);
                }
                catch (InvalidProtocolBufferException)
                {
                    return;
                }

                if (model is null)
                {
                    if (label != null)
                    {
                        _unidentified.Add(label);
                    }

                    return;
                }

                _models.Add(model);
                if (label != null)
                {
                    _byLabel[label] = _byLabel.TryGetValue(label, out var known) && known != model ? null : model;
                }
            }

            public string Of(byte[] chat)
            {
                try
                {
                    if (ProtoFields.Text(chat, 19) is { } own)
                    {
                        return own;
                    }

                    if (ProtoFields.Text(chat, 21) is { } label)
                    {
                        return _byLabel.TryGetValue(label, out var model) && model != null ? model : ModelNames.Unknown;
                    }
                }
                catch (InvalidProtocolBufferException)
                {
                    return ModelNames.Unknown;
                }

                return _models.Count == 1 && _unidentified.All(l => _byLabel.TryGetValue(l, out var m) && m != null) ? _models.First() : ModelNames.Unknown;
            }
        }
    }
}
