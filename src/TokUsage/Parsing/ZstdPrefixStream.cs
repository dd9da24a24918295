using System;
using System.IO;

namespace TokUsage.Parsing
{
    /// <summary>
    /// The decoded content of a file of zstd frames, up to the first frame that does not decode: a log appended one
    /// frame per flush is read while it is written, so its last frame may be torn. Such a frame ends the content (what
    /// decoded of it is kept) instead of failing the read; <see cref="Torn"/> says it happened. Owns the stream it is
    /// given. Single-threaded, forward-only.
    /// </summary>
    internal sealed class ZstdPrefixStream : Stream
    {
        private readonly Stream _compressed;
        private readonly ZstdSharp.DecompressionStream _decoder;
        private bool _ended;

        public ZstdPrefixStream(Stream compressed)
        {
            _compressed = compressed;
            _decoder = new ZstdSharp.DecompressionStream(compressed, leaveOpen: true);
        }

        /// <summary>The content ended at a frame that did not decode (torn, or not zstd).</summary>
        public bool Torn { get; private set; }

        /// <summary>The last byte given out was a line feed (or none was given).</summary>
        public bool EndedWithNewline { get; private set; } = true;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_ended || count == 0)
            {
                return 0;
            }

            int read;
            try
            {
                read = _decoder.Read(buffer, offset, count);
            }
            catch (Exception e) when (e is ZstdSharp.ZstdException || e is EndOfStreamException || e is InvalidDataException)
            {
                read = 0;
                Torn = true;
            }

            if (read == 0)
            {
                _ended = true;
                Torn |= _compressed.CanSeek && _compressed.Position < _compressed.Length;
                return 0;
            }

            EndedWithNewline = buffer[offset + read - 1] == (byte)'\n';
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _decoder.Dispose();
                _compressed.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
