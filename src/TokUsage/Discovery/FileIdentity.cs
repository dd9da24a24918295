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
                    return unchecked((long)XxHash64.Hash(new ReadOnlySpan<byte>(buffer, Statx.InodeOffset, 8), 0x1D)
                        ^ (long)XxHash64.Hash(new ReadOnlySpan<byte>(buffer, Statx.ChangeTimeOffset, 12), 0x2E)
                        ^ (long)XxHash64.Hash(new ReadOnlySpan<byte>(buffer, Statx.DeviceOffset, 8), 0x3F));
                }

                if (Statx.Available)
                {
                    return 0;
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
    }
}
