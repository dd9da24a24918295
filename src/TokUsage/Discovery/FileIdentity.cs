using System;
using System.IO;
using TokUsage.Primitives;

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
        public static long Of(string path)
        {
            if (Statx.Available)
            {
                var buffer = new byte[Statx.BufferSize];
                if (Statx.TryStat(path, Statx.Inode | Statx.ChangeTime, buffer))
                {
                    return FromStatx(buffer);
                }

                if (Statx.Available)
                {
                    return 0;
                }
            }

            return FromCreationTime(path);
        }

        /// <summary>The <c>statx</c> fields a <see cref="FileStamp"/> is made of.</summary>
        public const uint StampMask = Statx.Size | Statx.WriteTime | Statx.Inode | Statx.ChangeTime;

        /// <summary>
        /// Length, last write time and identity of the file at <paramref name="path"/> (a final link followed) from one
        /// <c>statx</c> call, the same values <see cref="FileInfo"/> and <see cref="Of"/> give; false where that call is
        /// not available or fails (the caller then asks .NET, which also tells a vanished file from other failures).
        /// </summary>
        public static bool TryStat(string path, out FileStamp stamp)
        {
            var buffer = new byte[Statx.BufferSize];
            stamp = default;
            return Statx.TryStat(path, StampMask, buffer) && TryDecode(buffer, out stamp);
        }

        /// <summary>The stamp in a buffer <c>statx</c> filled for <see cref="StampMask"/>; false when it lacks a field.</summary>
        public static bool TryDecode(byte[] buffer, out FileStamp stamp)
        {
            if ((BitConverter.ToUInt32(buffer, Statx.MaskOffset) & StampMask) != StampMask)
            {
                stamp = default;
                return false;
            }

            var seconds = BitConverter.ToInt64(buffer, Statx.WriteTimeOffset);
            var nanoseconds = BitConverter.ToUInt32(buffer, Statx.WriteTimeOffset + 8);
            stamp = new FileStamp(
                BitConverter.ToInt64(buffer, Statx.SizeOffset),
                UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + nanoseconds / 100),
                FromStatx(buffer));
            return true;
        }

        private static readonly DateTime UnixEpoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        private static long FromStatx(byte[] buffer) =>
            unchecked((long)XxHash64.Hash(new ReadOnlySpan<byte>(buffer, Statx.InodeOffset, 8), 0x1D)
                ^ (long)XxHash64.Hash(new ReadOnlySpan<byte>(buffer, Statx.ChangeTimeOffset, 12), 0x2E)
                ^ (long)XxHash64.Hash(new ReadOnlySpan<byte>(buffer, Statx.DeviceOffset, 8), 0x3F));

        private static long FromCreationTime(string path)
        {
            try
            {
                return File.GetCreationTimeUtc(path).Ticks;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
            {
                return 0;
            }
        }
    }
}
