using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;
using TokUsage.Discovery;

namespace TokUsage.Pricing
{
    /// <summary>The per-user folders TokUsage keeps files in (cache: refreshed prices; config: the user's price overrides).</summary>
    internal static class UserFolders
    {
        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary><c>$XDG_CACHE_HOME/TokUsage</c> or <c>~/.cache/TokUsage</c>; on Windows <c>%LOCALAPPDATA%\TokUsage</c>.</summary>
        public static string Cache(ClientEnvironment env) => Path.Combine(
            IsWindows ? env.Get("LOCALAPPDATA") ?? Path.Combine(env.Home, "AppData", "Local") : env.Get("XDG_CACHE_HOME") ?? Path.Combine(env.Home, ".cache"),
            "TokUsage");

        /// <summary><c>$XDG_CONFIG_HOME/TokUsage</c> or <c>~/.config/TokUsage</c>; on Windows <c>%APPDATA%\TokUsage</c>.</summary>
        public static string Config(ClientEnvironment env) => Path.Combine(
            IsWindows ? env.Get("APPDATA") ?? Path.Combine(env.Home, "AppData", "Roaming") : env.Get("XDG_CONFIG_HOME") ?? Path.Combine(env.Home, ".config"),
            "TokUsage");
    }

    /// <summary>
    /// The price table Update-TokenPrice stores, and which table is in force. The stored file is only ever replaced
    /// whole by a rename (readers see the old or the new table, never half of one; two concurrent updates each write
    /// their own temporary file and the last rename wins). A damaged or older-than-embedded file is not used.
    /// Loaded tables are memoised per (path, size, write time), so a session re-reads the file only after it changed.
    /// Thread-safe.
    /// </summary>
    internal static class PriceStore
    {
        public const string FileName = "litellm-prices.json";
        private static readonly object Gate = new object();
        private static (string Path, long Length, DateTime Written, PriceTable Table)? _memo;

        /// <summary>Where Update-TokenPrice keeps the refreshed table.</summary>
        public static string StoredPath(ClientEnvironment env) => Path.Combine(UserFolders.Cache(env), FileName);

        /// <summary>
        /// The table in force: the stored one when it is readable and not older than the embedded snapshot, else the
        /// embedded one. <paramref name="problem"/> says why a stored table was passed over (for a warning).
        /// </summary>
        public static PriceTable Current(ClientEnvironment env, out string? problem)
        {
            problem = null;
            var stored = TryLoad(StoredPath(env), out problem);
            if (stored is null)
            {
                return PriceTable.Embedded;
            }

            if (string.CompareOrdinal(stored.Snapshot, PriceTable.Embedded.Snapshot) < 0)
            {
                problem = $"The price table stored by Update-TokenPrice ({stored.Snapshot}, {stored.Path}) is older than the module's embedded snapshot ({PriceTable.Embedded.Snapshot}); using the embedded one.";
                return PriceTable.Embedded;
            }

            return stored;
        }

        /// <summary>The stored table at <paramref name="path"/>, or null when there is none or it is damaged (then <paramref name="problem"/> says so).</summary>
        public static PriceTable? TryLoad(string path, out string? problem)
        {
            problem = null;
            FileInfo info;
            try
            {
                info = new FileInfo(path);
                if (!info.Exists)
                {
                    return null;
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
            {
                problem = $"Cannot read the stored price table '{path}': {e.Message}. Using the embedded snapshot.";
                return null;
            }

            lock (Gate)
            {
                if (_memo is { } m && m.Path == path && m.Length == info.Length && m.Written == info.LastWriteTimeUtc)
                {
                    return m.Table;
                }
            }

            try
            {
                var table = PriceTable.Parse(File.ReadAllBytes(path), path);
                if (table.Refresh is null || table.Models.Count == 0)
                {
                    throw new InvalidDataException("it is not a table written by Update-TokenPrice");
                }

                lock (Gate)
                {
                    _memo = (path, info.Length, info.LastWriteTimeUtc, table);
                }

                return table;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonException || e is InvalidOperationException || e is InvalidDataException
                || e is System.Collections.Generic.KeyNotFoundException || e is FormatException)
            {
                problem = $"The stored price table '{path}' is damaged ({e.Message}); using the embedded snapshot. Run Update-TokenPrice to replace it.";
                return null;
            }
        }

        /// <summary>
        /// Writes a converted table to <paramref name="path"/> atomically: a temporary file in the same folder, flushed,
        /// then renamed over the old one.
        /// </summary>
        public static void Save(string path, byte[] compactTable)
        {
            var folder = Path.GetDirectoryName(path)!;
            Discovery.PrivateFiles.EnsureFolder(folder);
            var temp = Path.Combine(folder, $".{FileName}.{Guid.NewGuid():N}.tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.WriteThrough))
                {
                    Discovery.PrivateFiles.RestrictFile(temp);
                    stream.Write(compactTable, 0, compactTable.Length);
                    stream.Flush(true);
                }

                if (!File.Exists(path))
                {
                    try
                    {
                        File.Move(temp, path);
                        return;
                    }
                    catch (IOException) when (File.Exists(path))
                    {
                        // a concurrent update stored its table first: replace it below (the last rename wins)
                    }
                }

                File.Replace(temp, path, null, ignoreMetadataErrors: true);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }
    }
}
