using System;
using System.Collections.Generic;
using System.Linq;
using TokUsage.Clients;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// The keep-latest rule for cumulative session files (<see cref="ICumulativeCopies"/>): of a client's files with one
    /// copy identity, only the one written last is read (then the larger, then the later path: deterministic). The
    /// counter only grows, so the latest copy holds all of the session; reading two would count it twice. Runs on the
    /// discovered list, before -Since passes over old files, so an old copy never stands in for a newer one.
    /// </summary>
    internal static class LatestCopies
    {
        /// <summary>Removes superseded copies from <paramref name="files"/>; calls <paramref name="onSuperseded"/> for each with the copy kept.</summary>
        public static void Keep(List<SourceFile> files, Action<SourceFile, SourceFile> onSuperseded)
        {
            var groups = files
                .Select(f => (File: f, Identity: f.Client is ICumulativeCopies copies ? copies.CopyIdentity(f.Path) : null))
                .Where(x => x.Identity != null)
                .GroupBy(x => (x.File.Client.Id, x.Identity!))
                .Where(g => g.Count() > 1);
            var superseded = new HashSet<SourceFile>();
            foreach (var group in groups)
            {
                var latest = group.Select(x => x.File)
                    .OrderByDescending(f => f.LastWriteUtc)
                    .ThenByDescending(f => f.Length)
                    .ThenByDescending(f => f.Path, StringComparer.Ordinal)
                    .First();
                foreach (var (file, _) in group)
                {
                    if (!ReferenceEquals(file, latest))
                    {
                        superseded.Add(file);
                        onSuperseded(file, latest);
                    }
                }
            }

            if (superseded.Count > 0)
            {
                files.RemoveAll(superseded.Contains);
            }
        }
    }
}
