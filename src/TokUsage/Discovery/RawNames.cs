using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace TokUsage.Discovery
{
    /// <summary>
    /// The entries of a folder whose names are not valid UTF-8. .NET decodes file names as UTF-8 and cannot open such an
    /// entry (it lists a file under a name with U+FFFD that does not exist, and a folder not at all), so a log with such a
    /// name would be lost without a word; the walk reports each one instead. Linux only (<c>opendir</c>/<c>readdir</c>,
    /// whose <c>struct dirent</c> has one layout on 64-bit glibc); elsewhere names come from the OS as UTF-16. Any thread.
    /// </summary>
    internal static class RawNames
    {
        private const int ReclenOffset = 16, TypeOffset = 18, NameOffset = 19; // d_ino(8) d_off(8) d_reclen(2) d_type(1) d_name[256]
        private const int ReclenLimit = 280;
        private const byte DirectoryType = 4;
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        private static bool _missing = !RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || IntPtr.Size != 8;

        /// <summary>One entry that .NET cannot name: how to show it (each bad byte as \xNN) and whether it is a folder.</summary>
        public readonly struct Entry
        {
            public Entry(string display, bool isDirectory)
            {
                Display = display;
                IsDirectory = isDirectory;
            }

            public string Display { get; }

            public bool IsDirectory { get; }
        }

        /// <summary>True where entries with names .NET cannot decode are found by <see cref="NotUtf8"/>.</summary>
        public static bool Supported => !_missing;

        public static List<Entry> NotUtf8(string folder)
        {
            var found = new List<Entry>();
            if (_missing)
            {
                return found;
            }

            IntPtr dir;
            try
            {
                dir = opendir(Encoding.UTF8.GetBytes(folder + "\0"));
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                _missing = true;
                return found;
            }

            if (dir == IntPtr.Zero)
            {
                return found; // unreadable: the managed walk reports it
            }

            try
            {
                var record = new byte[ReclenLimit];
                for (var entry = readdir(dir); entry != IntPtr.Zero; entry = readdir(dir))
                {
                    // One copy of the record (d_reclen bytes), then the name up to its NUL; plain ASCII names, nearly all
                    // of them, need no decoding.
                    var length = Math.Min((int)(ushort)Marshal.ReadInt16(entry, ReclenOffset), ReclenLimit);
                    Marshal.Copy(entry, record, 0, length);
                    var end = Array.IndexOf(record, (byte)0, NameOffset, length - NameOffset);
                    var name = new ArraySegment<byte>(record, NameOffset, (end < 0 ? length : end) - NameOffset);
                    if (IsAscii(name) || IsUtf8(Bytes(name)))
                    {
                        continue;
                    }

                    found.Add(new Entry(System.IO.Path.Combine(folder, Display(Bytes(name))), record[TypeOffset] == DirectoryType));
                }
            }
            finally
            {
                closedir(dir);
            }

            return found;
        }

        private static byte[] Bytes(ArraySegment<byte> name)
        {
            var bytes = new byte[name.Count];
            Array.Copy(name.Array!, name.Offset, bytes, 0, name.Count);
            return bytes;
        }

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
