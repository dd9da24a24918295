using System;
using System.Collections.Generic;
using System.IO;
using TokUsage.Clients;

namespace TokUsage.Discovery
{
    /// <summary>
    /// What Get-TokenUsage would scan without -Path: per client, each root with its origin, existence and file counts —
    /// the same roots and file rules the scanner uses, so "why is this number wrong" starts from the truth.
    /// Runs on the caller's thread.
    /// </summary>
    internal static class SourceInventory
    {
        public static IEnumerable<UsageSource> List(IEnumerable<IClientSource> clients, ClientEnvironment environment, Action<string, Exception> onError)
        {
            foreach (var client in clients)
            {
                foreach (var root in client.DefaultRoots(environment))
                {
                    if (!Directory.Exists(root.Directory))
                    {
                        yield return new UsageSource(client.Id, root.Directory, root.Origin, false, 0, 0, null);
                        continue;
                    }

                    var files = 0;
                    long bytes = 0;
                    DateTime? newest = null;
                    foreach (var info in FileScanner.Walk(root.Directory, client.IsUsageFile, onError, (_, _) => { }, root.Recursive))
                    {
                        if (!FileScanner.TryFacts(info, out var length, out var written))
                        {
                            continue; // deleted since the folder was listed
                        }

                        files++;
                        bytes += length;
                        if (newest is null || written > newest)
                        {
                            newest = written;
                        }
                    }

                    var lastWrite = newest.HasValue ? new DateTimeOffset(DateTime.SpecifyKind(newest.Value, DateTimeKind.Utc)) : (DateTimeOffset?)null;
                    yield return new UsageSource(client.Id, root.Directory, root.Origin, true, files, bytes, lastWrite);
                }
            }
        }
    }
}
