using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace TokUsage.Discovery
{
    /// <summary>
    /// Keeps what the module writes about a user (the cache lists every log path, project, session, model and count) to
    /// that user: folders 0700 and files 0600 on Unix, whatever the umask, as XDG asks of cache and data folders. On
    /// Windows the per-user profile folders already are private. Any thread.
    /// </summary>
    internal static class PrivateFiles
    {
        private const int OwnerOnlyFolder = 0x1C0; // 0700
        private const int OwnerOnlyFile = 0x180;   // 0600

        // File.SetUnixFileMode exists from .NET 7 (PowerShell 7.4+); this module is built for netstandard2.0.
        private static readonly Type? ModeType = Type.GetType("System.IO.UnixFileMode");
        private static readonly MethodInfo? SetMode = ModeType is null ? null : typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), ModeType });

        /// <summary>
        /// Creates <paramref name="folder"/> (and missing parents) as the owner's only. An existing folder is tightened only
        /// when it is the module's own (named <c>TokUsage</c>, as the default cache and data folders are): a folder the
        /// user named with -CachePath, say <c>/tmp</c>, is theirs to set.
        /// </summary>
        public static void EnsureFolder(string folder)
        {
            var existed = Directory.Exists(folder);
            Directory.CreateDirectory(folder);
            if (!existed || string.Equals(Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/', '\\')), OwnFolderName, StringComparison.Ordinal))
            {
                Restrict(folder, OwnerOnlyFolder);
            }
        }

        private const string OwnFolderName = "TokUsage";

        /// <summary>Makes <paramref name="file"/> readable and writable by its owner only; a missing file is left alone.</summary>
        public static void RestrictFile(string file) => Restrict(file, OwnerOnlyFile);

        private static void Restrict(string path, int mode)
        {
            if (SetMode is null || RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return;
            }

            try
            {
                SetMode.Invoke(null, new object[] { path, Enum.ToObject(ModeType!, mode) });
            }
            catch (TargetInvocationException e) when (e.InnerException is FileNotFoundException || e.InnerException is DirectoryNotFoundException)
            {
                // removed meanwhile (a concurrent Clear-TokenUsageCache): nothing to protect
            }
            catch (TargetInvocationException e) when (e.InnerException is IOException || e.InnerException is UnauthorizedAccessException)
            {
                throw e.InnerException; // the caller's I/O failure handling applies
            }
        }
    }
}
