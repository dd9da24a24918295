using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Runtime.CompilerServices;
using TokUsage.Clients;
using TokUsage.Pricing;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Caching
{
    /// <summary>
    /// The cache's binary form of a <see cref="FileSnapshot"/>: varints, a model-name table, timestamps as deltas, and an
    /// XXH64 checksum over the whole blob. <see cref="Decode"/> trusts nothing: a blob that is short, long, out of range or
    /// fails its checksum throws <see cref="InvalidDataException"/> (the caller reads the file instead). Any thread; each
    /// keeps its own encoding buffer.
    /// </summary>
    internal static class SnapshotCodec
    {
        /// <summary>Bumped whenever the layout changes (old rows then fail to decode and are re-read).</summary>
        private const byte Layout = 4; // 2: Claude response identity (message.id, side chain); 3: sessions a file copies from; 4: a reader's resume state
        internal const ulong ChecksumSeed = 0x546F6B5573616765UL; // "TokUsage"; the fuzz target re-seals mutated records with it

        /// <summary>
        /// This thread's encoding buffer, handed from one record to the next while it is at most <see cref="ScratchKept"/>
        /// bytes: a record is written there and copied out once at its size. Why: a buffer per record, grown by doubling
        /// from a guess, allocated three to four times a record's size (a cold 16k-file run: 125 MB of its 970 MB, a long
        /// session's buffers on the large-object heap until a full collection).
        /// </summary>
        [ThreadStatic]
        private static byte[]? t_scratch;

        private const int ScratchKept = 1 << 20;

        /// <summary>About what a message takes in a record (keys, response, varint counts), for a first buffer's size.</summary>
        private const int BytesPerMessage = 96;

        [MethodImpl(Jit.Optimized)]
        public static byte[] Encode(FileSnapshot snapshot)
        {
            var expected = (int)Math.Min(ScratchKept, 64 + ((long)snapshot.Messages.Count * BytesPerMessage));
            var scratch = t_scratch;
            t_scratch = null;
            var w = new Writer(scratch != null && scratch.Length >= expected ? scratch : new byte[expected]);
            w.Byte(Layout);
            w.String(snapshot.SessionId);
            w.String(snapshot.Project);
            w.Byte((byte)(snapshot.HasLineage ? 1 : 0));
            w.NullableString(snapshot.Parent);
            w.Signed(snapshot.ResumeOffset);
            w.Unsigned((ulong)snapshot.ResumeLine);
            w.Unsigned((ulong)snapshot.Damaged.Count);
            w.Unsigned((ulong)snapshot.Damaged.Samples.Count);
            foreach (var sample in snapshot.Damaged.Samples)
            {
                w.Unsigned((ulong)sample.LineNumber);
                w.String(sample.Reason);
            }

            w.Unsigned((ulong)snapshot.ReferencedSessions.Count);
            foreach (var session in snapshot.ReferencedSessions)
            {
                w.String(session);
            }

            w.NullableBytes(snapshot.ReaderState);

            var models = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var m in snapshot.Messages)
            {
                if (!models.ContainsKey(m.Model))
                {
                    models.Add(m.Model, models.Count);
                }
            }

            w.Unsigned((ulong)models.Count);
            foreach (var name in models.Keys)
            {
                w.String(name);
            }

            w.Unsigned((ulong)snapshot.Messages.Count);
            long previousTicks = 0;
            foreach (var m in snapshot.Messages)
            {
                w.Byte((byte)((m.HasKey ? 1 : 0) | (m.Fast ? 2 : 0) | (m.Response.IsKnown ? 4 : 0) | (m.Response.Sidechain ? 8 : 0)));
                if (m.HasKey)
                {
                    w.Fixed(m.Key.A);
                    w.Fixed(m.Key.B);
                }

                if (m.Response.IsKnown)
                {
                    w.Fixed(m.Response.Id.A);
                    w.Fixed(m.Response.Id.B);
                }

                var ticks = m.Timestamp.UtcTicks;
                w.Signed(ticks - previousTicks);
                previousTicks = ticks;
                w.Unsigned((ulong)models[m.Model]);
                w.Unsigned((ulong)m.Tokens.Input);
                w.Unsigned((ulong)m.Tokens.Output);
                w.Unsigned((ulong)m.Tokens.CacheRead);
                w.Unsigned((ulong)m.Tokens.CacheWrite);
                w.Unsigned((ulong)m.Tokens.CacheWrite1h);
                w.Unsigned((ulong)m.Tokens.Reasoning);
                w.Unsigned((ulong)m.BestTotal);
            }

            var blob = w.Finish();
            if (w.Backing.Length <= ScratchKept)
            {
                t_scratch = w.Backing;
            }

            return blob;
        }

        /// <summary>The whole snapshot, messages included (to resume reading the file after it).</summary>
        public static FileSnapshot Decode(byte[] blob) => Decode(blob, blob.Length);

        /// <summary>The same, from the first <paramref name="length"/> bytes of <paramref name="blob"/> (a pooled buffer).</summary>
        public static FileSnapshot Decode(byte[] blob, int length)
        {
            var sink = new SnapshotSink();
            return Decode(blob, length, ref sink);
        }

        /// <summary>
        /// The file's priced result straight from the blob, without the snapshot's message objects: the path of every
        /// unchanged file on a warm run. Each distinct model is resolved once per file.
        /// </summary>
        public static ParsedFile DecodeParsed(byte[] blob, int length, SourceFile file, ReadOptions options)
        {
            var sink = new ParsedSink(file, options);
            Decode(blob, length, ref sink);
            return sink.Result!;
        }

        /// <summary>Receives a blob's messages as they are decoded (a struct, so the calls inline).</summary>
        private interface IMessageSink
        {
            void Begin(FileSnapshot header, string[] models, int count);

            void Add(bool hasKey, in MessageKey key, in ResponseIdentity response, DateTimeOffset timestamp, int model, in TokenCounts tokens, bool fast, long bestTotal);
        }

        [MethodImpl(Jit.Optimized)]
        private static FileSnapshot Decode<TSink>(byte[] blob, int length, ref TSink sink)
            where TSink : struct, IMessageSink
        {
            if (length < 9 || length > blob.Length)
            {
                throw new InvalidDataException("cache record too short");
            }

            var body = length - 8;
            if (XxHash64.Hash(blob.AsSpan(0, body), ChecksumSeed) != BinaryPrimitives.ReadUInt64LittleEndian(blob.AsSpan(body, 8)))
            {
                throw new InvalidDataException("cache record checksum mismatch");
            }

            var r = new Reader(blob, body);
            if (r.Byte() != Layout)
            {
                throw new InvalidDataException("cache record of another layout");
            }

            var snapshot = new FileSnapshot(r.String(), r.String())
            {
                HasLineage = r.Byte() != 0,
                Parent = r.NullableString(),
                ResumeOffset = r.Signed(),
                ResumeLine = r.Count(long.MaxValue),
            };
            snapshot.Damaged.Count = r.Count(long.MaxValue);
            var samples = r.Count(DamagedLines.DefaultSampleLimit);
            for (var i = 0; i < samples; i++)
            {
                snapshot.Damaged.Samples.Add(new SkippedLine(r.Count(long.MaxValue), r.String()));
            }

            var referenced = r.Count(FileSnapshot.ReferencedSessionLimit);
            for (var i = 0; i < referenced; i++)
            {
                snapshot.ReferencedSessions.Add(r.String());
            }

            snapshot.ReaderState = r.NullableBytes(FileSnapshot.MaxReaderState);

            var models = new string[r.Count(body)];
            for (var i = 0; i < models.Length; i++)
            {
                models[i] = r.String();
            }

            var count = r.Count(body);
            sink.Begin(snapshot, models, count);
            long ticks = 0;
            var lastModel = models.Length - 1;
            for (var i = 0; i < count; i++)
            {
                var flags = r.Byte();
                var key = default(MessageKey);
                if ((flags & 1) != 0)
                {
                    key = new MessageKey(r.Fixed(), r.Fixed());
                }

                var response = (flags & 4) != 0 ? new ResponseIdentity(new MessageKey(r.Fixed(), r.Fixed()), (flags & 8) != 0) : default;

                // A record holds what the readers admitted, so it meets the same bounds (Plausible, Timestamps): one that
                // does not was damaged past what its checksum sees, or forged, and the file is read again. (Found by
                // fuzzing with re-sealed checksums.)
                ticks += r.Signed();
                if (ticks < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks || !Parsing.Timestamps.IsPlausible(new DateTimeOffset(ticks, TimeSpan.Zero)))
                {
                    throw new InvalidDataException("cache record timestamp out of range");
                }

                var model = r.Count(lastModel);
                var tokens = new TokenCounts
                {
                    Input = r.Count(Plausible.MaxTokens),
                    Output = r.Count(Plausible.MaxTokens),
                    CacheRead = r.Count(Plausible.MaxTokens),
                    CacheWrite = r.Count(Plausible.MaxTokens),
                    CacheWrite1h = r.Count(Plausible.MaxTokens),
                    Reasoning = r.Count(Plausible.MaxTokens),
                };
                sink.Add((flags & 1) != 0, key, response, new DateTimeOffset(ticks, TimeSpan.Zero), model, tokens, (flags & 2) != 0, r.Count(long.MaxValue));
            }

            if (!r.AtEnd)
            {
                throw new InvalidDataException("cache record has trailing bytes");
            }

            return snapshot;
        }

        /// <summary>Collects the messages into the snapshot (for a resumed read, which merges into them).</summary>
        private struct SnapshotSink : IMessageSink
        {
            private FileSnapshot _snapshot;
            private string[] _models;

            public void Begin(FileSnapshot header, string[] models, int count)
            {
                _snapshot = header;
                _models = models;
                header.Messages.Capacity = count;
            }

            public void Add(bool hasKey, in MessageKey key, in ResponseIdentity response, DateTimeOffset timestamp, int model, in TokenCounts tokens, bool fast, long bestTotal) =>
                _snapshot.Messages.Add(new RawMessage { HasKey = hasKey, Key = key, Response = response, Timestamp = timestamp, Model = _models[model], Tokens = tokens, Fast = fast, BestTotal = bestTotal });
        }

        /// <summary>Prices each message as it is decoded into the scanner's result: one packed row each.</summary>
        private struct ParsedSink : IMessageSink
        {
            private readonly SourceFile _file;
            private readonly ReadOptions _options;
            private string[] _models;
            private PriceQuote?[] _quotes;
            private int[] _kinds;

            public ParsedSink(SourceFile file, ReadOptions options)
            {
                _file = file;
                _options = options;
                _models = Array.Empty<string>();
                _quotes = Array.Empty<PriceQuote?>();
                _kinds = Array.Empty<int>();
                Result = null;
            }

            public ParsedFile? Result { get; private set; }

            [MethodImpl(Jit.Optimized)]
            public void Begin(FileSnapshot header, string[] models, int count)
            {
                Result = header.ToParsed(_file, _options);
                Result.Rows.EnsureCapacity(count);
                _models = models;
                _quotes = new PriceQuote?[models.Length];
                _kinds = new int[models.Length * 2];
                for (var i = 0; i < models.Length; i++)
                {
                    _quotes[i] = _options.Prices.Resolve(models[i]);
                    _kinds[2 * i] = _kinds[(2 * i) + 1] = -1;
                }
            }

            [MethodImpl(Jit.Optimized)]
            public void Add(bool hasKey, in MessageKey key, in ResponseIdentity response, DateTimeOffset timestamp, int model, in TokenCounts tokens, bool fast, long bestTotal)
            {
                // A record's messages carry no reported cost, so a model's kind follows from its quote and fast mode: looked up
                // once per file, not per message (a fresh process runs the lookup unoptimized for much of its first run).
                var rows = Result!.Rows;
                var (cost, source) = MessagePricing.Cost(_quotes[model], tokens, fast);
                ref var kind = ref _kinds[(2 * model) + (fast ? 1 : 0)];
                if (kind < 0)
                {
                    kind = MessagePricing.Kind(rows, _models[model], fast, 1m, source);
                }

                var row = new MessageRow { Ticks = timestamp.UtcTicks, Tokens = tokens, Cost = cost, Kind = kind };
                row.SetClientKey(hasKey, key);
                response.ApplyTo(ref row);
                rows.Add(row);
            }
        }

        private sealed class Writer
        {
            private byte[] _buffer;
            private int _length;

            /// <param name="buffer">Where to start writing (grown as needed); its content is overwritten.</param>
            public Writer(byte[] buffer) => _buffer = buffer;

            /// <summary>The buffer written into (grown as needed); <see cref="Finish"/> copies the record out of it.</summary>
            public byte[] Backing => _buffer;

            [MethodImpl(Jit.Inline)]
            public void Byte(byte value)
            {
                Ensure(1);
                _buffer[_length++] = value;
            }

            [MethodImpl(Jit.Inline)]
            public void Unsigned(ulong value)
            {
                Ensure(10);
                while (value >= 0x80)
                {
                    _buffer[_length++] = (byte)(value | 0x80);
                    value >>= 7;
                }

                _buffer[_length++] = (byte)value;
            }

            [MethodImpl(Jit.Inline)]
            public void Signed(long value) => Unsigned((ulong)((value << 1) ^ (value >> 63)));

            [MethodImpl(Jit.Inline)]
            public void Fixed(ulong value)
            {
                Ensure(8);
                for (var i = 0; i < 8; i++)
                {
                    _buffer[_length++] = (byte)(value >> (8 * i));
                }
            }

            public void String(string value)
            {
                var bytes = Encoding.UTF8.GetByteCount(value);
                Unsigned((ulong)bytes);
                Ensure(bytes);
                _length += Encoding.UTF8.GetBytes(value, 0, value.Length, _buffer, _length);
            }

            public void NullableString(string? value)
            {
                Byte((byte)(value is null ? 0 : 1));
                if (value != null)
                {
                    String(value);
                }
            }

            public void NullableBytes(byte[]? value)
            {
                if (value is null)
                {
                    Byte(0);
                    return;
                }

                Unsigned((ulong)value.Length + 1);
                Ensure(value.Length);
                Buffer.BlockCopy(value, 0, _buffer, _length, value.Length);
                _length += value.Length;
            }

            public byte[] Finish()
            {
                var hash = XxHash64.Hash(_buffer.AsSpan(0, _length), ChecksumSeed);
                Fixed(hash);
                var result = new byte[_length];
                Buffer.BlockCopy(_buffer, 0, result, 0, _length);
                return result;
            }

            private void Ensure(int more)
            {
                if (_length + more > _buffer.Length)
                {
                    Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
                }
            }
        }

        private sealed class Reader
        {
            private readonly byte[] _blob;
            private readonly int _end;
            private int _position;

            public Reader(byte[] blob, int end)
            {
                _blob = blob;
                _end = end;
            }

            public bool AtEnd => _position == _end;

            [MethodImpl(Jit.Inline)]
            public byte Byte()
            {
                if (_position >= _end)
                {
                    Fail("cache record truncated");
                }

                return _blob[_position++];
            }

            [MethodImpl(Jit.Inline)]
            public ulong Unsigned()
            {
                ulong value = 0;
                for (var shift = 0; shift < 64; shift += 7)
                {
                    var b = Byte();
                    value |= (ulong)(b & 0x7F) << shift;
                    if (b < 0x80)
                    {
                        return value;
                    }
                }

                Fail("cache record varint too long");
                return 0;
            }

            [MethodImpl(Jit.Inline)]
            public long Signed()
            {
                var raw = Unsigned();
                return (long)(raw >> 1) ^ -(long)(raw & 1);
            }

            /// <summary>An unsigned value that must be at most <paramref name="max"/>.</summary>
            [MethodImpl(Jit.Inline)]
            public long Count(long max)
            {
                var value = Unsigned();
                if (max < 0 || value > (ulong)max)
                {
                    Fail("cache record value out of range");
                }

                return (long)value;
            }

            public int Count(int max) => (int)Count((long)max);

            [MethodImpl(Jit.Inline)]
            public ulong Fixed()
            {
                if (_end - _position < 8)
                {
                    Fail("cache record truncated");
                }

                var value = BinaryPrimitives.ReadUInt64LittleEndian(_blob.AsSpan(_position, 8));
                _position += 8;
                return value;
            }

            private static void Fail(string reason) => throw new InvalidDataException(reason);

            public string String()
            {
                var length = Count(_end - _position);
                var value = Encoding.UTF8.GetString(_blob, _position, length);
                _position += length;
                return value;
            }

            public string? NullableString() => Byte() == 0 ? null : String();

            /// <summary>Bytes written by <see cref="Writer.NullableBytes"/>: null, or at most <paramref name="max"/> bytes.</summary>
            public byte[]? NullableBytes(int max)
            {
                var length = Count(Math.Min(max, _end - _position) + 1L);
                if (length == 0)
                {
                    return null;
                }

                var value = new byte[length - 1];
                Buffer.BlockCopy(_blob, _position, value, 0, value.Length);
                _position += value.Length;
                return value;
            }
        }
    }
}
