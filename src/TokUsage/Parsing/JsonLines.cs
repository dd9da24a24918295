using System;
using System.Runtime.CompilerServices;
using TokUsage.Primitives;

namespace TokUsage.Parsing
{
    /// <summary>Cheap byte-level facts about a JSONL line, used before (or instead of) parsing it.</summary>
    internal static class JsonLines
    {
        /// <summary>
        /// Why a record holding a string that is not valid UTF-8 (or escapes a lone UTF-16 surrogate) is damage.
        /// <see cref="System.Text.Json.JsonDocument"/> checks strings only when one is read, as an InvalidOperationException:
        /// every reader turns that into this damage, on the line, row or file it came from.
        /// </summary>
        public const string BadString = "a string is not valid UTF-8 or UTF-16 (damaged record)";

        /// <summary>
        /// Why a line holding anything after its record is damage: two records glued together (a writer that lost a line
        /// end) or a file with CR-only line ends. Every reader skips and counts such a line, as the peers do (their JSON
        /// parsers refuse text after the value), so nothing on it is counted silently or dropped silently.
        /// </summary>
        public const string MoreThanOneValue = "more than one JSON value on the line (records glued together, or CR-only line ends)";

        private static readonly Needle CwdName = new Needle("\"cwd\"");

        /// <summary>
        /// The property name <c>"usage"</c>: a line without these bytes carries no usage object, so the Claude Code and
        /// Codex readers pass over it unparsed.
        /// </summary>
        public static readonly Needle UsageName = new Needle("\"usage\"");

        /// <summary>
        /// The top-level <c>cwd</c> string of a JSON line (Claude Code records the session's working directory on every
        /// line), or null when the line has none or is damaged. Lines without the bytes <c>"cwd"</c> cost one search.
        /// </summary>
        public static string? TopLevelCwd(ReadOnlySpan<byte> line)
        {
            if (!CwdName.IsIn(line))
            {
                return null;
            }

            try
            {
                var reader = new System.Text.Json.Utf8JsonReader(line);
                if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject)
                {
                    return null;
                }

                while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
                {
                    var isCwd = reader.ValueTextEquals("cwd"u8);
                    if (!reader.Read())
                    {
                        return null;
                    }

                    if (isCwd)
                    {
                        return reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
                    }

                    reader.Skip();
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // damaged or torn: the line is counted as damaged by the reader that parses it
            }
            catch (InvalidOperationException)
            {
                // invalid UTF-8 in the value
            }

            return null;
        }

        /// <summary>True when the line holds only white space.</summary>
        [MethodImpl(Jit.Optimized)]
        public static bool IsBlank(ReadOnlySpan<byte> line)
        {
            foreach (var b in line)
            {
                if (!IsWhiteSpace(b))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// True when the line is shaped like one JSON object: first non-blank byte <c>{</c>, last <c>}</c>. A torn line
        /// (cut mid-write) or garbage fails this without a parse, so damaged lines are counted even where the line is
        /// not otherwise parsed.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static bool LooksLikeObject(ReadOnlySpan<byte> line)
        {
            var first = 0;
            while (first < line.Length && IsWhiteSpace(line[first]))
            {
                first++;
            }

            var last = line.Length - 1;
            while (last > first && IsWhiteSpace(line[last]))
            {
                last--;
            }

            return last > first && line[first] == (byte)'{' && line[last] == (byte)'}';
        }

        private static bool IsWhiteSpace(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n';
    }
}
