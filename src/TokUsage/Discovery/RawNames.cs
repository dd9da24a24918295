using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using TokUsage.Primitives;

namespace TokUsage.Discovery
{
    /// <summary>
    /// A folder's entries as the OS lists them (<c>opendir</c>/<c>readdir</c>): each name with its type, in one pass. .NET
    /// decodes file names as UTF-8 and cannot open an entry whose name is not valid UTF-8 (it lists such a file under a
    /// name with U+FFFD that does not exist, and such a folder not at all), so a log with such a name would be lost without
    /// a word; this listing names them, so the walk can report each one. It is also the walk's listing on Linux: the type
    /// comes with the name, so no entry needs a <c>stat</c> to be sorted into folder, file, link or device. Linux only
    /// (64-bit glibc, whose <c>struct dirent</c> has one layout); elsewhere names come from the OS as UTF-16 and the walk
    /// uses .NET's listing. Any thread.
    /// </summary>
    internal static class RawNames
    {
        private const int ReclenOffset = 16, TypeOffset = 18, NameOffset = 19; // d_ino(8) d_off(8) d_reclen(2) d_type(1) d_name[256]
        private const int ReclenLimit = 280;
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        private static bool _missing = !RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || IntPtr.Size != 8;

        /// <summary>An entry's type as <c>readdir</c> gives it (<c>d_type</c>); Unknown where the file system does not say.</summary>
        public enum EntryType : byte
        {
            Unknown = 0,
            Fifo = 1,
            CharacterDevice = 2,
            Directory = 4,
            BlockDevice = 6,
            File = 8,
            Link = 10,
            Socket = 12,
        }

        /// <summary>One entry of a folder: its name (null when it is not valid UTF-8), how to show it, and its type.</summary>
        public readonly struct Entry
        {
            public Entry(string? name, string display, EntryType type)
            {
                Name = name;
                Display = display;
                Type = type;
            }

            /// <summary>The name, or null when it is not valid UTF-8 (.NET cannot open it).</summary>
            public string? Name { get; }

            /// <summary>For a name that is not valid UTF-8, the full path as shown to the user (those bytes as \xNN); else the name.</summary>
            public string Display { get; }

            public EntryType Type { get; }
        }

        /// <summary>
        /// Opens <paramref name="folder"/> for listing; null when this platform has no such listing or the folder cannot
        /// be opened (the caller lists it with .NET, which reports why). The caller disposes it.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static OpenFolder? TryOpen(string folder)
        {
            if (_missing)
            {
                return null;
            }

            IntPtr dir;
            try
            {
                dir = opendir(Encoding.UTF8.GetBytes(folder + "\0"));
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                _missing = true;
                return null;
            }

            return dir == IntPtr.Zero ? null : new OpenFolder(dir, folder);
        }

        /// <summary>
        /// A folder open for listing (<c>opendir</c>): its entries, and the stamp of an entry stat'ed relative to it, so
        /// the kernel resolves one name instead of the whole path (as <c>find</c> does). Owned by one thread; disposing
        /// closes it.
        /// </summary>
        public sealed class OpenFolder : IDisposable
        {
            private readonly string _folder;
            private readonly byte[] _stat = new byte[Statx.BufferSize];
            private IntPtr _dir;
            private byte[] _name = new byte[ReclenLimit];

            internal OpenFolder(IntPtr dir, string folder)
            {
                _dir = dir;
                _folder = folder;
            }

            /// <summary>Adds the folder's entries (but <c>.</c> and <c>..</c>) to <paramref name="into"/>.</summary>
            [MethodImpl(Jit.Optimized)]
            public void ListInto(List<Entry> into)
            {
                var record = new byte[ReclenLimit];
                for (var entry = readdir(_dir); entry != IntPtr.Zero; entry = readdir(_dir))
                {
                    // One copy of the record (d_reclen bytes), then the name up to its NUL; plain ASCII names, nearly all
                    // of them, need no checking.
                    var length = Math.Min((int)(ushort)Marshal.ReadInt16(entry, ReclenOffset), ReclenLimit);
                    Marshal.Copy(entry, record, 0, length);
                    var end = Array.IndexOf(record, (byte)0, NameOffset, length - NameOffset);
                    var count = (end < 0 ? length : end) - NameOffset;
                    if ((count == 1 && record[NameOffset] == (byte)'.') || (count == 2 && record[NameOffset] == (byte)'.' && record[NameOffset + 1] == (byte)'.'))
                    {
                        continue;
                    }

                    var type = (EntryType)record[TypeOffset];
                    var name = new ArraySegment<byte>(record, NameOffset, count);
                    if (IsAscii(name))
                    {
                        var text = Encoding.ASCII.GetString(record, NameOffset, count);
                        into.Add(new Entry(text, text, type));
                    }
                    else if (IsUtf8(Bytes(name)))
                    {
                        var text = Encoding.UTF8.GetString(record, NameOffset, count);
                        into.Add(new Entry(text, text, type));
                    }
                    else
                    {
                        into.Add(new Entry(null, System.IO.Path.Combine(_folder, Display(Bytes(name))), type));
                    }
                }
            }

            /// <summary>
            /// The stamp of the entry <paramref name="name"/> when it is a regular file now (not a link, FIFO or device:
            /// the entry may have been replaced since it was listed); false otherwise, or where <c>statx</c> is missing.
            /// </summary>
            [MethodImpl(Jit.Optimized)]
            public bool TryStamp(string name, out FileStamp stamp)
            {
                stamp = default;
                var length = Encoding.UTF8.GetByteCount(name);
                if (_name.Length < length + 1)
                {
                    _name = new byte[length + 1];
                }

                Encoding.UTF8.GetBytes(name, 0, name.Length, _name, 0);
                _name[length] = 0;
                return Statx.TryStatAt(dirfd(_dir), _name, FileIdentity.StampMask | Statx.Type, _stat)
                    && Statx.IsRegularFile(_stat)
                    && FileIdentity.TryDecode(_stat, out stamp);
            }

            public void Dispose()
            {
                if (_dir != IntPtr.Zero)
                {
                    closedir(_dir);
                    _dir = IntPtr.Zero;
                }
            }
        }

        private static byte[] Bytes(ArraySegment<byte> name)
        {
            var bytes = new byte[name.Count];
            Array.Copy(name.Array!, name.Offset, bytes, 0, name.Count);
            return bytes;
        }

        [MethodImpl(Jit.Inline)]
        private static bool IsAscii(ArraySegment<byte> name)
        {
            for (var i = name.Offset; i < name.Offset + name.Count; i++)
            {
                if (name.Array![i] >= 0x80)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsUtf8(byte[] bytes)
        {
            try
            {
                Strict.GetCharCount(bytes);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }

        /// <summary>The name with its valid UTF-8 runs decoded and every other byte shown as \xNN.</summary>
        private static string Display(byte[] bytes)
        {
            var text = new StringBuilder();
            for (var i = 0; i < bytes.Length;)
            {
                var length = bytes[i] < 0x80 ? 1 : bytes[i] >= 0xF0 ? 4 : bytes[i] >= 0xE0 ? 3 : bytes[i] >= 0xC0 ? 2 : 0;
                if (length > 0 && i + length <= bytes.Length && IsUtf8(bytes.AsSpan(i, length).ToArray()))
                {
                    text.Append(Encoding.UTF8.GetString(bytes, i, length));
                    i += length;
                }
                else
                {
                    text.Append("\\x").Append(bytes[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                    i++;
                }
            }

            return text.ToString();
        }

        [DllImport("libc.so.6", SetLastError = true)]
        private static extern IntPtr opendir(byte[] utf8Path);

        [DllImport("libc.so.6", SetLastError = true)]
        private static extern IntPtr readdir(IntPtr dir);

        [DllImport("libc.so.6")]
        private static extern int closedir(IntPtr dir);

        [DllImport("libc.so.6")]
        private static extern int dirfd(IntPtr dir);
    }

    /// <summary>A log or folder whose name .NET cannot open (not valid UTF-8): reported as error NameNotUtf8, never silently lost.</summary>
    internal sealed class UnusableNameException : System.IO.IOException
    {
        public UnusableNameException(string message)
            : base(message)
        {
        }
    }
}
