using System;
using Google.Protobuf;

namespace TokUsage.Parsing
{
    /// <summary>
    /// Fields of a protobuf message read by number, for formats whose schema is not published (Antigravity CLI): the
    /// first value of a field with the expected wire type, or null. A message that is not valid wire format throws
    /// <see cref="InvalidProtocolBufferException"/> (the caller counts the record as damaged). Pure and thread-safe.
    /// </summary>
    internal static class ProtoFields
    {
        /// <summary>A length-delimited field (sub-message, string or bytes).</summary>
        public static byte[]? Bytes(byte[] message, int field)
        {
            var input = new CodedInputStream(message);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    return input.ReadBytes().ToByteArray();
                }

                input.SkipLastField();
            }

            return null;
        }

        /// <summary>A varint field as a count: past long.MaxValue it stays there (the plausibility rule then judges it).</summary>
        public static long? Varint(byte[] message, int field)
        {
            var input = new CodedInputStream(message);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
                {
                    var value = input.ReadUInt64();
                    return value > long.MaxValue ? long.MaxValue : (long)value;
                }

                input.SkipLastField();
            }

            return null;
        }

        /// <summary>A non-blank UTF-8 string field (an invalid sequence is replaced, as lossy decoding does).</summary>
        public static string? Text(byte[] message, int field)
        {
            var bytes = Bytes(message, field);
            var text = bytes is null ? null : System.Text.Encoding.UTF8.GetString(bytes);
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }

        /// <summary>A <c>google.protobuf.Timestamp</c>-shaped sub-message (<c>#1</c> seconds, <c>#2</c> nanos), or null when absent or out of range.</summary>
        public static DateTimeOffset? Timestamp(byte[]? message)
        {
            if (message is null)
            {
                return null;
            }

            var seconds = Varint(message, 1);
            var nanos = Varint(message, 2) ?? 0;
            if (seconds is null || seconds <= 0 || seconds > 253_402_300_799 || nanos < 0 || nanos > 999_999_999)
            {
                return null;
            }

            return DateTimeOffset.FromUnixTimeSeconds(seconds.Value).AddTicks(nanos / 100);
        }
    }
}
