using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using TokUsage.Clients;
using TokUsage.Discovery;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Pipeline
{
    /// <summary>The usage store's part of a run: what it holds that the logs no longer do. Pipeline thread only.</summary>
    internal static class ArchiveReplay
    {
        /// <summary>
        /// After the logs: the stored messages no log of this run holds — their log is gone, or shrank since the save —
        /// come back as <see cref="UsageFile.Archived"/> objects, one per source and session, priced by this run's prices
        /// (the store keeps tokens). A source whose log is still here, at least as long as when it was saved, holds its
        /// messages itself and is passed over without reading its rows; a database (many sessions, rows deleted in place)
        /// is always checked row by row against the gate. Streams one source at a time.
        /// </summary>
        public static void Replay(IStoredHistory history, ScanRequest request, IReadOnlyDictionary<string, long> present, UsageEmitter emitter, CancellationToken cancel)
        {
            var clients = request.Clients.ToDictionary(c => c.Id, StringComparer.Ordinal);
            foreach (var source in history.Sources(clients.Keys))
            {
                cancel.ThrowIfCancellationRequested();
                var client = clients[source.Client];
                if (!InTargets(request, source.Path, client))
                {
                    continue;
                }

                if (present.TryGetValue(source.Path, out var length) && length >= source.Length && !(client is IReleasesSessions))
                {
                    continue;
                }

                var clientKeys = emitter.ClaimedKeysOf(source.Client);
                MessageRows? session = null;
                string? sessionId = null;
                string project = string.Empty;
                void Flush()
                {
                    if (session != null && session.Count > 0)
                    {
                        var file = emitter.File(session, source.Client, source.Path, sessionId!, project, 0, archived: true);
                        emitter.WarnUnpriced(file.UnpricedModels);
                        emitter.Report(file);
                    }

                    session = null;
                }

                var rows = 0;
                foreach (var stored in history.Messages(source))
                {
                    if ((++rows & 4095) == 0)
                    {
                        cancel.ThrowIfCancellationRequested(); // a database's source can hold a million rows
                    }

                    if (clientKeys.Contains(stored.Key) || !request.Read.Dates.Includes(stored.Timestamp))
                    {
                        continue; // a log of this run counted it, or it is outside the window
                    }

                    if (session is null || !string.Equals(sessionId, stored.Session, StringComparison.Ordinal))
                    {
                        Flush();
                        session = new MessageRows();
                        sessionId = stored.Session;
                        project = stored.Project;
                    }

                    var quote = stored.ReportedCost > 0 ? null : request.Read.Prices.Resolve(stored.Model);
                    var row = MessagePricing.Row(session, stored.Timestamp, stored.Model, stored.Tokens, quote, stored.Fast, stored.ReportedCost, stored.Markup);
                    row.SetClientKey(true, stored.Key);
                    row.Flags |= RowFlags.Identified; // the store keeps the key its run claimed
                    session.Add(row);
                }

                Flush();
            }
        }

        /// <summary>True when a stored source lies under what this run reads: the default folders, or a -Path target.</summary>
        private static bool InTargets(ScanRequest request, string path, IClientSource client)
        {
            if (request.Targets is null)
            {
                return true;
            }

            foreach (var target in request.Targets)
            {
                if (target.Clients != null && !target.Clients.Contains(client))
                {
                    continue;
                }

                if (PathFacts.PathComparer.Equals(path, target.Path))
                {
                    return true;
                }

                var folder = target.Path.EndsWith("/", StringComparison.Ordinal) || target.Path.EndsWith("\\", StringComparison.Ordinal) ? target.Path : target.Path + System.IO.Path.DirectorySeparatorChar;
                if (target.IsDirectory && path.StartsWith(folder, PathFacts.PathComparison))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
