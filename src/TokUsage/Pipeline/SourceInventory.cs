using System;
using System.Collections.Generic;
using TokUsage.Clients;
using TokUsage.Discovery;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// What Get-TokenUsage would scan without -Path: per client, each default folder with its origin, existence and the
    /// files it holds that the client reads — found and owned by <see cref="LogOwnership.WalkDefaultFolders"/>, the walk
    /// Get-TokenUsage reads, so "why is this number wrong" starts from the truth. Runs on the caller's thread.
    /// </summary>
    internal static class SourceInventory
    {
        public static IEnumerable<UsageSource> List(IEnumerable<IClientSource> clients, ClientEnvironment environment, Action<string, Exception> onError)
        {
            var roots = new List<(IClientSource Client, ScanRoot Root, bool Exists)>();
            var files = LogOwnership.WalkDefaultFolders(clients, environment, (client, root, exists) => roots.Add((client, root, exists)), onError, (_, _) => { });
            var counts = new Dictionary<(string Client, ScanRoot Root), (int Files, long Bytes, DateTime? Newest)>();
            foreach (var found in files.Values)
            {
                if (!FileScanner.TryStamp(found.File, out var stamp))
                {
                    continue; // deleted since the folder was listed
                }

                var (length, written) = (stamp.Length, stamp.LastWriteUtc);
                var key = (found.Client.Id, found.Root);
                counts.TryGetValue(key, out var count);
                counts[key] = (count.Files + 1, count.Bytes + length, count.Newest is null || written > count.Newest ? written : count.Newest);
            }

            foreach (var (client, root, exists) in roots)
            {
                counts.TryGetValue((client.Id, root), out var count);
                var lastWrite = count.Newest.HasValue ? new DateTimeOffset(DateTime.SpecifyKind(count.Newest.Value, DateTimeKind.Utc)) : (DateTimeOffset?)null;
                yield return new UsageSource(client.Id, root.Directory, root.Origin, exists, count.Files, count.Bytes, lastWrite);
            }
        }
    }
}
