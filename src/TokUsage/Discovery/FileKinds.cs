namespace TokUsage.Discovery
{
    /// <summary>What a path names once links are followed, as far as reading it is concerned.</summary>
    internal enum FileKind
    {
        /// <summary>A regular file: safe to open and read to its end.</summary>
        Regular,

        /// <summary>A FIFO, socket or device: opening a FIFO blocks until a writer comes, a device such as /dev/zero never ends.</summary>
        Special,

        /// <summary>Not known (no <c>statx</c> here, or the path is gone): treated as regular, as .NET lists it.</summary>
        Unknown,
    }

    /// <summary>
    /// Tells regular files from FIFOs and devices before anything opens them. Linux answers through <see cref="Statx"/>;
    /// Windows has no FIFOs or devices in folders; on other Unixes (macOS) the kind stays <see cref="FileKind.Unknown"/>
    /// (docs/reliability.md says what that leaves open). Pure; any thread.
    /// </summary>
    internal static class FileKinds
    {
        public static FileKind Of(string path)
        {
            var buffer = new byte[Statx.BufferSize];
            if (!Statx.TryStat(path, Statx.Type, buffer))
            {
                return FileKind.Unknown;
            }

            return Statx.IsRegularFile(buffer) ? FileKind.Regular : FileKind.Special;
        }

        /// <summary>The reason given when a special file is passed over.</summary>
        public const string SpecialReason = "it is a FIFO, socket or device, not a regular file (opening or reading it could block forever)";
    }
}
