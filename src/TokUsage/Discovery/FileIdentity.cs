using System;
using System.IO;
using System.Runtime.InteropServices;
using TokUsage.Pipeline;

namespace TokUsage.Discovery
{
    /// <summary>
    /// Which file a path names, beyond its size and last write time (which <c>touch</c>, <c>rsync -t</c> or <c>cp -p</c>
    /// can set back): on Linux a hash of the device, inode and status-change time from <c>statx</c> (the change time
    /// moves with every write and cannot be set), elsewhere the birth time .NET reports as creation time (a replaced
    /// file is a new one). 0 when nothing is known. Pure; any thread.
    /// </summary>
    internal static class FileIdentity
    {
        private const int AtCurrentDirectory = -100;
        private const uint WantInodeAndChangeTime = 0x100 | 0x80; // STATX_INO | STATX_CTIME
        private static bool _statxMissing = !RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        public static long Of(string path)
        {
            if (!_statxMissing)
            {
                try
                {
                    // struct statx has one layout on every Linux architecture: inode at 32, ctime at 96, device at 136.
                    var buffer = new byte[256];
                    if (statx(AtCurrentDirectory, Native(path), 0, WantInodeAndChangeTime, buffer) == 0)
                    {
                        return unchecked((long)XxHash64.Hash(new ReadOnlySpan<byte>(buffer, 32, 8), 0x1D) ^ (long)XxHash64.Hash(new ReadOnlySpan<byte>(buffer, 96, 12), 0x2E)
                            ^ (long)XxHash64.Hash(new ReadOnlySpan<byte>(buffer, 136, 8), 0x3F));
                    }

                    return 0;
                }
                catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
                {
                    _statxMissing = true; // glibc before 2.28 or musl before 1.2.5: fall back below
                }
            }

            try
            {
                return File.GetCreationTimeUtc(path).Ticks;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
            {
                return 0;
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
