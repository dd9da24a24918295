namespace TokUsage.Discovery
{
    /// <summary>
    /// A log file a walk found: its full path, and its stamp when the walk took it while listing the file's folder (Linux:
    /// one <c>statx</c> relative to the open folder, of an entry that is a regular file, not a link). Without a stamp,
    /// <see cref="FileScanner.TryStamp"/> asks by path.
    /// </summary>
    internal readonly struct FoundFile
    {
        public FoundFile(string path, FileStamp? stamp = null)
        {
            Path = path;
            Stamp = stamp;
        }

        public string Path { get; }

        public FileStamp? Stamp { get; }
    }
}
