using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using TokUsage.Clients;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// Parses files on worker threads and hands the results back in file order.
    /// <para>Threads: the constructor, <see cref="TryTakeNext"/> and <see cref="Dispose"/> belong to one consumer
    /// thread (the cmdlet's pipeline thread), which alone does all bookkeeping; workers only parse and post.</para>
    /// <para>Memory: a file is admitted to the workers only while the source bytes admitted but not yet taken stay within
    /// the byte budget (a file larger than the budget is admitted alone), so a slow consumer stops the workers instead
    /// of piling up results, whatever the file sizes.</para>
    /// <para>Pieces: a reader may hand on pieces of a source before its end (<see cref="ParsedFile.ReleaseTo"/>, a
    /// database read session by session). They are taken in order before the source's last piece, and a worker posting a
    /// piece first waits until the consumer has taken its previous one, so a source in flight holds at most the piece
    /// being read and one waiting. No deadlock: workers take files in order, so the file the consumer waits for is
    /// finished, being read by a worker that is not waiting, or the one whose pieces the consumer is taking.</para>
    /// <para>Workers: the first starts at once, the others when a file needs reading (a result not served from the cache):
    /// a warm run's lookups are cheaper than handing them between threads, and on a small machine extra workers only
    /// take time from the consumer (docs/performance.md, issue 20).</para>
    /// <para>Ownership: a taken <see cref="ParsedFile"/> belongs to the consumer. Cancelling the token (Ctrl+C) makes
    /// workers stop at their next buffer read and <see cref="TryTakeNext"/> throw <see cref="OperationCanceledException"/>.</para>
    /// </summary>
    internal sealed class ScanPipeline : IDisposable
    {
        private readonly IReadOnlyList<SourceFile> _files;
        private readonly Func<SourceFile, Action<ParsedFile>, CancellationToken, ParsedFile> _parse;
        private readonly long _byteBudget;
        private readonly CancellationTokenSource _stop;
        private readonly BlockingCollection<int> _work = new BlockingCollection<int>();
        private readonly BlockingCollection<Posted> _done = new BlockingCollection<Posted>();
        private readonly Dictionary<int, Queue<Posted>> _reorder = new Dictionary<int, Queue<Posted>>();
        private readonly Thread[] _workers;
        private readonly SemaphoreSlim[] _taken;
        private readonly ManualResetEventSlim _readingStarted = new ManualResetEventSlim(false);
        private int _nextAdmit;
        private int _nextTake;
        private long _admittedBytes;

        /// <param name="parse">Reads one file on a worker; the action it is given hands on an earlier piece of it.</param>
        public ScanPipeline(IReadOnlyList<SourceFile> files, Func<SourceFile, Action<ParsedFile>, CancellationToken, ParsedFile> parse, int workers, long byteBudget, CancellationToken cancel)
        {
            _files = files;
            _parse = parse;
            _byteBudget = Math.Max(1, byteBudget);
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            StartFilesWithinBudget();
            _workers = new Thread[Math.Max(1, Math.Min(workers, files.Count))];
            _taken = new SemaphoreSlim[_workers.Length];
            for (var i = 0; i < _workers.Length; i++)
            {
                var taken = new SemaphoreSlim(1, 1);
                _taken[i] = taken;
                var first = i == 0;
                _workers[i] = new Thread(() => Work(taken, first)) { IsBackground = true, Name = "TokUsage parser " + (i + 1) };
                _workers[i].Start();
            }
        }

        /// <summary>Source bytes of the files taken so far.</summary>
        public long BytesTaken { get; private set; }

        /// <summary>Number of files taken so far.</summary>
        public int FilesTaken => _nextTake;

        /// <summary>Source bytes admitted but not yet taken (never above the budget, except for one oversized file).</summary>
        public long BytesInFlight => _admittedBytes;

        /// <summary>
        /// Waits up to <paramref name="millisecondsTimeout"/> for the next file in order. Returns false on time-out
        /// (so the caller can report progress); true with <paramref name="next"/> set, or null when all files are taken.
        /// </summary>
        public bool TryTakeNext(int millisecondsTimeout, out ParsedFile? next)
        {
            while (true)
            {
                // After Ctrl+C nothing more is handed out, even results already parsed.
                _stop.Token.ThrowIfCancellationRequested();

                if (_nextTake == _files.Count)
                {
                    next = null;
                    return true;
                }

                if (_reorder.TryGetValue(_nextTake, out var queue) && queue.Count > 0)
                {
                    var posted = queue.Dequeue();
                    if (posted.File.Continued)
                    {
                        posted.Taken!.Release(); // its worker may post the next piece
                        next = posted.File;
                        return true;
                    }

                    _reorder.Remove(_nextTake);
                    var size = _files[_nextTake].Length;
                    _admittedBytes -= size;
                    BytesTaken += size;
                    _nextTake++;
                    StartFilesWithinBudget();
                    next = posted.File;
                    return true;
                }

                if (!_done.TryTake(out var item, millisecondsTimeout, _stop.Token))
                {
                    next = null;
                    return false;
                }

                if (!_reorder.TryGetValue(item.Index, out var pieces))
                {
                    pieces = new Queue<Posted>();
                    _reorder.Add(item.Index, pieces);
                }

                pieces.Enqueue(item);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            if (!_work.IsAddingCompleted)
            {
                _work.CompleteAdding();
            }

            foreach (var worker in _workers)
            {
                worker.Join();
            }

            foreach (var taken in _taken)
            {
                taken.Dispose();
            }

            _readingStarted.Dispose();

            _work.Dispose();
            _done.Dispose();
            _stop.Dispose();
        }

        private void StartFilesWithinBudget()
        {
            while (_nextAdmit < _files.Count)
            {
                var size = _files[_nextAdmit].Length;
                if (_admittedBytes > 0 && _admittedBytes + size > _byteBudget)
                {
                    return;
                }

                _admittedBytes += size;
                _work.Add(_nextAdmit++);
            }

            if (!_work.IsAddingCompleted)
            {
                _work.CompleteAdding();
            }
        }

        /// <param name="taken">This worker's: a posted piece takes it, the consumer gives it back when it takes the piece,
        /// so one piece per worker waits at most. Disposed with the pipeline, as the consumer may release it after the worker ended.</param>
        /// <param name="first">The worker that starts at once; the others wait until a file needs reading (or the end).</param>
        private void Work(SemaphoreSlim taken, bool first)
        {
            try
            {
                if (!first)
                {
                    _readingStarted.Wait(_stop.Token);
                }

                foreach (var index in _work.GetConsumingEnumerable(_stop.Token))
                {
                    var file = _files[index];
                    void PostPiece(ParsedFile piece)
                    {
                        _readingStarted.Set();
                        taken.Wait(_stop.Token);
                        _done.Add(new Posted(index, piece, taken));
                    }

                    ParsedFile result;
                    try
                    {
                        result = _parse(file, PostPiece, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    catch (Exception e)
                    {
                        // A reader bug must not take the host process down: report it as this file's error.
                        result = new ParsedFile(file, string.Empty, string.Empty) { Error = e };
                    }

                    if (!result.FromCache && !_readingStarted.IsSet)
                    {
                        _readingStarted.Set();
                    }

                    _done.Add(new Posted(index, result, null));
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }

        /// <summary>A worker's result: a file's last (or only) piece, or an earlier one with the semaphore its worker waits on.</summary>
        private readonly struct Posted
        {
            public Posted(int index, ParsedFile file, SemaphoreSlim? taken)
            {
                Index = index;
                File = file;
                Taken = taken;
            }

            public int Index { get; }

            public ParsedFile File { get; }

            public SemaphoreSlim? Taken { get; }
        }
    }
}
