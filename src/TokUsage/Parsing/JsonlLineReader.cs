using System;
using System.Buffers;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using TokUsage.Primitives;

namespace TokUsage.Parsing
{
    /// <summary>What <see cref="JsonlLineReader.Read"/> found.</summary>
    internal enum LineRead
    {
        /// <summary>A line (terminated by a newline, or the file's last bytes).</summary>
        Line,

        /// <summary>A line longer than the reader's limit; its bytes were passed over, not buffered.</summary>
        Oversized,

        /// <summary>No more lines.</summary>
        EndOfFile,
    }

    /// <summary>
    /// Streams the lines of a JSONL file as UTF-8 byte spans over one pooled buffer: no strings, no per-line allocation,
    /// never the whole file in memory (a line must fit the buffer, which grows to the longest line up to
    /// <see cref="MaxLineBytes"/>). Optionally hashes every complete line it passes (<see cref="PrefixHash"/>), so a cache
    /// can prove later that a file's bytes up to <see cref="CompleteOffset"/> are unchanged. Owned by one thread; the
    /// span of a line is valid until the next <see cref="Read"/>.
    /// </summary>
    internal sealed class JsonlLineReader : IDisposable
    {
        /// <summary>Longest line buffered whole; longer lines are reported as <see cref="LineRead.Oversized"/>.</summary>
        public const int DefaultMaxLineBytes = 256 * 1024 * 1024;

        private const int InitialBuffer = 128 * 1024;
        private readonly Stream _stream;
        private readonly CancellationToken _cancel;
        private byte[] _buffer;
        private int _start;     // first byte of the current (unreturned) line
        private int _end;       // end of valid data
        private int _scanned;   // bytes after _start already known to hold no newline
        private bool _eof;
        private long _bufferOffset; // file offset of _buffer[0]
        private readonly bool _hashing;

        /// <summary>
        /// Reads <paramref name="stream"/> from its current position, which is <paramref name="startOffset"/> in the file
        /// (the caller positions it); line numbers continue from <paramref name="firstLineNumber"/> lines already read.
        /// With <paramref name="prefixHash"/> (the <see cref="PrefixHash"/> a read up to <paramref name="startOffset"/> ended
        /// with; <see cref="EmptyPrefixHash"/> from the start) complete lines are hashed as they are returned.
        /// </summary>
        public JsonlLineReader(Stream stream, long startOffset, CancellationToken cancel, int maxLineBytes = DefaultMaxLineBytes, long firstLineNumber = 0,
            ulong? prefixHash = null)
        {
            _hashing = prefixHash.HasValue;
            PrefixHash = prefixHash ?? 0;
            _stream = stream;
            _cancel = cancel;
            MaxLineBytes = maxLineBytes;
            _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
            _bufferOffset = startOffset;
            LineNumber = firstLineNumber;
            CompleteOffset = startOffset;
            if (startOffset == 0)
            {
                SkipBom();
            }
        }

        public int MaxLineBytes { get; }

        /// <summary>1-based number of the line last returned (counted from the start offset).</summary>
        public long LineNumber { get; private set; }

        /// <summary>True when the line last returned ended with a newline (false for a last line still being written).</summary>
        public bool LastLineTerminated { get; private set; }

        /// <summary>File offset just past the last newline-terminated line returned: where an append-only re-read resumes.</summary>
        public long CompleteOffset { get; private set; }

        /// <summary>The hash a file's prefix starts from (nothing read yet).</summary>
        public const ulong EmptyPrefixHash = 0x7072656669784B31UL;

        /// <summary>
        /// When hashing: the hash of every newline-terminated line up to <see cref="CompleteOffset"/>, each line's bytes
        /// (newline included) chained into the next, so it depends on the bytes only, not on how they were read. A line too
        /// long to buffer is chained by its length: it is skipped as damage whatever it holds. A byte-order mark is not hashed,
        /// but the offsets it shifts are compared by the cache.
        /// </summary>
        public ulong PrefixHash { get; private set; }

        [MethodImpl(Jit.Optimized)]
        public LineRead Read(out ReadOnlySpan<byte> line)
        {
            while (true)
            {
                var newline = _end > _start + _scanned
                    ? ByteSearch.IndexOf(_buffer.AsSpan(_start + _scanned, _end - _start - _scanned), (byte)'\n')
                    : -1;
                if (newline >= 0)
                {
                    var length = _scanned + newline;
                    line = TrimCarriageReturn(_buffer.AsSpan(_start, length));
                    if (_hashing)
                    {
                        PrefixHash = XxHash64.Hash(_buffer.AsSpan(_start, length + 1), PrefixHash);
                    }

                    _start += length + 1;
                    _scanned = 0;
                    LineNumber++;
                    LastLineTerminated = true;
                    CompleteOffset = _bufferOffset + _start;
                    return LineRead.Line;
                }

                _scanned = _end - _start;
                if (_eof)
                {
                    if (_end > _start)
                    {
                        line = TrimCarriageReturn(_buffer.AsSpan(_start, _end - _start));
                        _start = _end;
                        _scanned = 0;
                        LineNumber++;
                        LastLineTerminated = false;
                        return LineRead.Line;
                    }

                    line = default;
                    return LineRead.EndOfFile;
                }

                if (_end - _start >= MaxLineBytes)
                {
                    SkipRestOfLine();
                    line = default;
                    return LineRead.Oversized;
                }

                Fill();
            }
        }

        public void Dispose()
        {
            var buffer = _buffer;
            _buffer = Array.Empty<byte>();
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        [MethodImpl(Jit.Inline)]
        private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
            line.Length > 0 && line[line.Length - 1] == (byte)'\r' ? line.Slice(0, line.Length - 1) : line;

        /// <summary>Makes room (compacting, then growing up to the line limit) and reads more bytes.</summary>
        [MethodImpl(Jit.Optimized)]
        private void Fill()
        {
            _cancel.ThrowIfCancellationRequested();
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _bufferOffset += _start;
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, (long)MaxLineBytes + InitialBuffer));
                Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
            }

            _end += read;
        }

        /// <summary>Discards bytes up to and including the next newline without buffering them.</summary>
        private void SkipRestOfLine()
        {
            LineNumber++;
            var lineStart = _bufferOffset + _start;
            while (true)
            {
                var newline = ByteSearch.IndexOf(_buffer.AsSpan(_start, _end - _start), (byte)'\n');
                if (newline >= 0)
                {
                    _start += newline + 1;
                    _scanned = 0;
                    LastLineTerminated = true;
                    CompleteOffset = _bufferOffset + _start;
                    if (_hashing)
                    {
                        PrefixHash = XxHash64.Hash(BitConverter.GetBytes(CompleteOffset - lineStart), PrefixHash ^ 0x4F76657273697A65UL);
                    }

                    return;
                }

                _bufferOffset += _end;
                _start = _end = 0;
                _scanned = 0;
                _cancel.ThrowIfCancellationRequested();
                var read = _stream.Read(_buffer, 0, _buffer.Length);
                if (read == 0)
                {
                    _eof = true;
                    LastLineTerminated = false;
                    return;
                }

                _end = read;
            }
        }

        private void SkipBom()
        {
            Fill();
            if (_end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
            {
                _start = 3;
            }
        }
    }
}
