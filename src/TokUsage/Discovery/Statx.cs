using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TokUsage.Primitives;

namespace TokUsage.Discovery
{
    /// <summary>
    /// Linux <c>statx(2)</c>, the one native call the module makes about files: .NET reports neither a file's type (FIFO,
    /// device) nor its inode and status-change time. <c>struct statx</c> has one layout on every Linux architecture.
    /// Unavailable elsewhere and on C libraries without it (glibc before 2.28): <see cref="TryStat"/> then answers false
    /// and callers fall back to what .NET reports. Any thread.
    /// </summary>
    internal static class Statx
    {
        public const uint Type = 0x1;          // STATX_TYPE: stx_mode's file type bits
        public const uint Inode = 0x100;       // STATX_INO
        public const uint ChangeTime = 0x80;   // STATX_CTIME
        public const uint WriteTime = 0x40;    // STATX_MTIME
        public const uint Size = 0x200;        // STATX_SIZE

        /// <summary>Offsets into the buffer of the fields the module reads.</summary>
        public const int MaskOffset = 0, ModeOffset = 28, InodeOffset = 32, SizeOffset = 40, ChangeTimeOffset = 96, WriteTimeOffset = 112, DeviceOffset = 136;

        public const int BufferSize = 256;

        private const int AtCurrentDirectory = -100, NoFollow = 0x100; // AT_FDCWD, AT_SYMLINK_NOFOLLOW
        private const int TypeMask = 0xF000, RegularType = 0x8000;
        private static bool _missing = !RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        public static bool Available => !_missing;

        /// <summary>
        /// Fills <paramref name="buffer"/> (<see cref="BufferSize"/> bytes) for <paramref name="path"/>, following a final
        /// symbolic link. False when the call is unavailable or the path cannot be stat'ed (gone, no permission).
        /// </summary>
        public static bool TryStat(string path, uint mask, byte[] buffer)
        {
            if (_missing)
            {
                return false;
            }

            return Call(AtCurrentDirectory, Native(path), 0, mask, buffer);
        }

        /// <summary>
        /// Fills <paramref name="buffer"/> for the entry named <paramref name="name"/> (NUL-terminated UTF-8) of the folder
        /// open as <paramref name="directory"/>, not following a link: the kernel resolves one name, not a whole path.
        /// </summary>
        public static bool TryStatAt(int directory, byte[] name, uint mask, byte[] buffer) =>
            !_missing && Call(directory, name, NoFollow, mask, buffer);

        /// <summary>Whether a filled buffer (asked with <see cref="Type"/>) describes a regular file.</summary>
        public static bool IsRegularFile(byte[] buffer) =>
            ((buffer[ModeOffset] | (buffer[ModeOffset + 1] << 8)) & TypeMask) == RegularType;

        [MethodImpl(Jit.Optimized)]
        private static bool Call(int directory, byte[] path, int flags, uint mask, byte[] buffer)
        {
            try
            {
                return statx(directory, path, flags, mask, buffer) == 0;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                _missing = true; // glibc before 2.28 or musl before 1.2.5
                return false;
            }
        }

        [DllImport("libc.so.6", SetLastError = true)]
        private static extern int statx(int directory, byte[] utf8Path, int flags, uint mask, [Out] byte[] buffer);

        /// <summary>The path as the NUL-terminated UTF-8 the kernel takes.</summary>
        private static byte[] Native(string path)
        {
            var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
            System.Text.Encoding.UTF8.GetBytes(path, 0, path.Length, bytes, 0);
            return bytes;
        }
    }
}
