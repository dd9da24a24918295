using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace TokUsage.TestData
{
    /// <summary>
    /// Antigravity CLI conversations as the CLI writes them: a SQLite database per conversation whose
    /// <c>gen_metadata</c> rows are protobuf blobs (encoded here by hand from the field numbers, not with the module's
    /// reader), with a generation that lacks its response model, a replayed response id, a row of zero usage, a damaged
    /// blob, a row without its own time, and a conversation whose rows name no model at all.
    /// </summary>
    public sealed partial class AgentsHomeGenerator
    {
        private void AntigravityCli()
        {
            var folder = Path.Combine(_home, ".gemini", "antigravity-cli", "conversations");
            Directory.CreateDirectory(folder);

            // One conversation in a workspace whose path has a space (percent-encoded in the URI).
            var first = Path.Combine(folder, "0b6f3c9e-1111-4c2e-9d55-" + _rng.Next(100000, 999999) + "aaaaaa.db");
            var created = Time();
            var rows = new List<byte[]>();
            string Session(string path) => Path.GetFileNameWithoutExtension(path);
            byte[] Generation(string path, string project, string? model, string? label, string responseId, DateTimeOffset? own, string expectedModel, bool expect = true)
            {
                var (fresh, cacheRead, output, thinking) = (N(10, 4000), N(0, 30000), N(5, 900), N(0, 300));
                var usage = Concat(Varint(1, 1132), Varint(2, fresh), Varint(5, cacheRead), Varint(9, output), Varint(10, thinking), Len(11, Encoding.UTF8.GetBytes(responseId)));
                var parts = new List<byte[]> { Len(4, usage) };
                if (own is { } t)
                {
                    parts.Add(Len(9, Len(4, Concat(Varint(1, t.ToUnixTimeSeconds()), Varint(2, 250_000_000)))));
                }

                if (model != null)
                {
                    parts.Add(Len(19, Encoding.UTF8.GetBytes(model)));
                }

                if (label != null)
                {
                    parts.Add(Len(21, Encoding.UTF8.GetBytes(label)));
                }

                if (expect)
                {
                    var when = own is { } o ? DateTimeOffset.FromUnixTimeSeconds(o.ToUnixTimeSeconds()).AddMilliseconds(250) : DateTimeOffset.FromUnixTimeSeconds(created.ToUnixTimeSeconds());
                    Expect("antigravity-cli", path, Session(path), project, when, expectedModel, 1132 + fresh, output, cacheRead, 0, thinking);
                }

                return Len(1, Concat(parts.ToArray()));
            }

            const string project = "/home/dev/ag app";
            var r0 = Generation(first, project, "gemini-2.5-flash", "Gemini 2.5 Flash (High)", "resp-a0", Time(), "gemini-2.5-flash");
            rows.Add(r0);
            // A continuation turn without its response model: the label names it elsewhere in the conversation.
            rows.Add(Generation(first, project, null, "Gemini 2.5 Flash (High)", "resp-a1", Time(), "gemini-2.5-flash"));
            rows.Add(r0); // the same response again: one generation
            rows.Add(Len(1, Len(4, Concat(Varint(1, 0), Varint(2, 0))))); // no usage: not a generation
            rows.Add(new byte[] { 0x0A, 0xFF, 0x01, 0x02 }); // damaged: a length past the blob's end
            Damage("antigravity-cli");
            rows.Add(Generation(first, project, "gemini-2.5-flash", "Gemini 2.5 Flash (High)", "resp-a2", null, "gemini-2.5-flash")); // dated at the conversation's creation
            WriteConversation(first, rows, Concat(Len(1, Len(1, Encoding.UTF8.GetBytes("file:///home/dev/ag%20app"))), Len(2, Concat(Varint(1, created.ToUnixTimeSeconds()), Varint(2, 0)))));

            // Conversations without metadata. A row that names no model takes the one model its conversation names ...
            var second = Path.Combine(folder, "7c1d2e3f-2222-4c2e-9d55-" + _rng.Next(100000, 999999) + "bbbbbb.db");
            var b0 = Generation(second, "", "claude-sonnet-4-5-20250929", null, "resp-b0", Time(), "claude-sonnet-4-5-20250929");
            var b1 = Generation(second, "", null, null, "resp-b1", Time(), "claude-sonnet-4-5-20250929");
            WriteConversation(second, new List<byte[]> { b0, b1 }, null);

            // ... unless a label no row identifies shows the conversation ran another model: then it stays unknown, and so
            // does the labelled row (a label is not a model).
            var third = Path.Combine(folder, "9e8d7c6b-3333-4c2e-9d55-" + _rng.Next(100000, 999999) + "cccccc.db");
            var c0 = Generation(third, "", "claude-sonnet-4-5-20250929", null, "resp-c0", Time(), "claude-sonnet-4-5-20250929");
            var c1 = Generation(third, "", null, null, "resp-c1", Time(), "unknown");
            var c2 = Generation(third, "", null, "Gemini 3.1 Pro", "resp-c2", Time(), "unknown");
            WriteConversation(third, new List<byte[]> { c0, c1, c2 }, null);
        }

        private static void WriteConversation(string path, List<byte[]> rows, byte[]? trajectory)
        {
            using var db = SqliteFiles.Create(path);
            SqliteFiles.Exec(db, "CREATE TABLE gen_metadata (idx INTEGER, data BLOB, size INTEGER); CREATE TABLE trajectory_metadata_blob (id TEXT, data BLOB);");
            for (var i = 0; i < rows.Count; i++)
            {
                SqliteFiles.Exec(db, "INSERT INTO gen_metadata (idx, data, size) VALUES ($i, $d, $s)", ("$i", i), ("$d", rows[i]), ("$s", rows[i].Length));
            }

            if (trajectory != null)
            {
                SqliteFiles.Exec(db, "INSERT INTO trajectory_metadata_blob (id, data) VALUES ('main', $d)", ("$d", trajectory));
            }
        }

        private static byte[] Varint(int field, long value) => Concat(Raw((ulong)field << 3), Raw((ulong)value));

        private static byte[] Len(int field, byte[] payload) => Concat(Raw(((ulong)field << 3) | 2), Raw((ulong)payload.Length), payload);

        private static byte[] Raw(ulong value)
        {
            var bytes = new List<byte>();
            do
            {
                var b = (byte)(value & 0x7F);
                value >>= 7;
                bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
            }
            while (value != 0);
            return bytes.ToArray();
        }

        private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
    }
}
