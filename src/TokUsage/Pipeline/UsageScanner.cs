using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using TokUsage.Caching;
using TokUsage.Clients;
using TokUsage.Discovery;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// One Get-TokenUsage run without PowerShell, from its parts: <see cref="FileDiscovery"/> finds the files,
    /// <see cref="ScanPipeline"/> parses them in parallel (through the cache, <see cref="CacheOpening"/>) and hands them
    /// back in emission order, <see cref="LatestRows"/> and <see cref="SessionAdmission"/> decide when each may pass,
    /// <see cref="UsageEmitter"/> gates and reports them, and <see cref="ArchiveReplay"/> adds what only the store holds.
    /// <para>Threads: <see cref="Run"/> and every sink call happen on the caller's thread (the pipeline thread); only
    /// parsing (and opening the cache) runs on other threads.</para>
    /// </summary>
    internal sealed class UsageScanner
    {
        private readonly ScanRequest _request;

        private readonly Func<GarbageBound> _newGarbageBound;

        public UsageScanner(ScanRequest request)
            : this(request, () => new GarbageBound())
        {
        }

        /// <param name="newGarbageBound">Makes each run's bound on its garbage (a test's, over a heap it sets).</param>
        internal UsageScanner(ScanRequest request, Func<GarbageBound> newGarbageBound)
        {
            _request = request;
            _newGarbageBound = newGarbageBound;
        }

        /// <summary>What the cache did in the last <see cref="Run"/>; null when it ran without one.</summary>
        public CacheReport? CacheReport { get; private set; }

        public void Run(IScanSink sink, CancellationToken cancel)
        {
            var opening = CacheOpening.Start(_request);
            var discovery = new FileDiscovery(_request);
            var garbage = _newGarbageBound(); // from the walk on: its listings are garbage before the first file is read
            List<SourceFile> files;
            try
            {
                files = discovery.Discover(sink, garbage.Check);
            }
            catch
            {
                opening.Abandon();
                throw;
            }

            var emitter = new UsageEmitter(_request.Read.Dates, sink, garbage);
            if (files.Count == 0)
            {
                opening.Take(sink, out _)?.Dispose();
                if (_request.History != null)
                {
                    ArchiveReplay.Replay(_request.History, _request, discovery.Present, emitter, cancel);
                }

                emitter.Finish();
                return;
            }

            var admission = new SessionAdmission(files);
            var latestRows = new LatestRows();
            var totalBytes = files.Sum(f => f.Length);
            var clock = Stopwatch.StartNew();
            var nextProgress = _request.ProgressInterval;
            var progressShown = false;
            long skippedLines = 0;
            var damagedFiles = 0;
            SourceFile? lastDamaged = null;

            using var cache = opening.Take(sink, out var gateTables);
            emitter.Adopt(gateTables);
            emitter.Expect(files);

            // On a worker: the file read, and its sums by kind made (UsageFile's totals and the fold's input), which the
            // pipeline thread, the busier one of a warm run, then finds made unless the dedup gate or the date window drops rows.
            ParsedFile Parse(SourceFile f, Action<ParsedFile> release, CancellationToken token)
            {
                var parsed = cache != null && f.Client is ISnapshotClient cached ? cache.Read(f, cached, _request.Read, token)
                    : f.Client is IReleasesSessions releasing ? releasing.Read(f, _request.Read, release, token)
                    : f.Client.Read(f, _request.Read, token);
                _ = parsed.Rows.ByKind;
                return parsed;
            }

            using (var pipeline = new ScanPipeline(files, Parse, _request.Workers, _request.ByteBudget, cancel))
            {
                while (true)
                {
                    var ready = pipeline.TryTakeNext((int)_request.ProgressInterval.TotalMilliseconds, out var parsed);
                    if (clock.Elapsed >= nextProgress)
                    {
                        sink.Progress(new ScanProgress(pipeline.FilesTaken, files.Count, pipeline.BytesTaken, totalBytes, completed: false));
                        progressShown = true;
                        nextProgress = clock.Elapsed + _request.ProgressInterval;
                    }

                    if (!ready)
                    {
                        continue;
                    }

                    if (parsed is null)
                    {
                        break;
                    }

                    if (parsed.Damaged.Count > 0)
                    {
                        skippedLines += parsed.Damaged.Count;
                        if (!ReferenceEquals(parsed.Source, lastDamaged))
                        {
                            damagedFiles++; // once per source, however many pieces it came in
                            lastDamaged = parsed.Source;
                        }
                    }

                    if (latestRows.Hold(parsed))
                    {
                        continue;
                    }

                    foreach (var admitted in admission.Offer(parsed))
                    {
                        emitter.Emit(admitted);
                    }
                }
            }

            foreach (var admitted in admission.Drain())
            {
                emitter.Emit(admitted);
            }

            foreach (var admitted in latestRows.Release())
            {
                emitter.Emit(admitted);
            }

            if (_request.History != null)
            {
                ArchiveReplay.Replay(_request.History, _request, discovery.Present, emitter, cancel);
            }

            if (cache != null)
            {
                // After a scan of the default folders, rows of files that are gone are dropped; a -Path scan sees too little to
                // tell. Every file discovered is there, read or not (-Since pruned it, a later copy replaced it): only the
                // rows of the others are looked for on disk.
                var seen = _request.Targets is null ? discovery.PresentPaths : null;
                CacheReport = cache.Complete(seen, _request.Clients.Select(c => c.Id).ToList(), _request.WholeHistory ? emitter.TableSizes() : null);
                if (sink.WantsVerbose)
                {
                    sink.Verbose(CacheReport.ToString());
                }
            }

            if (progressShown)
            {
                sink.Progress(new ScanProgress(files.Count, files.Count, totalBytes, totalBytes, completed: true));
            }

            if (skippedLines > 0)
            {
                sink.Warning(ScanText.Damaged(skippedLines, damagedFiles));
            }

            emitter.Finish();
        }
    }
}
