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
    /// <para>Ownership: a taken <see cref="ParsedFile"/> belongs to the consumer. Cancelling the token (Ctrl+C) makes
    /// workers stop at their next buffer read and <see cref="TryTakeNext"/> throw <see cref="OperationCanceledException"/>.</para>
    /// </summary>
    internal sealed class ScanPipeline : IDisposable
    {
        private readonly IReadOnlyList<SourceFile> _files;
        private readonly Func<SourceFile, CancellationToken, ParsedFile> _parse;
        private readonly long _byteBudget;
        private readonly CancellationTokenSource _stop;
        private readonly BlockingCollection<int> _work = new BlockingCollection<int>();
        private readonly BlockingCollection<(int Index, ParsedFile File)> _done = new BlockingCollection<(int, ParsedFile)>();
        private readonly Dictionary<int, ParsedFile> _reorder = new Dictionary<int, ParsedFile>();
        private readonly Thread[] _workers;
        private int _nextAdmit;
        private int _nextTake;
        private long _admittedBytes;

        public ScanPipeline(IReadOnlyList<SourceFile> files, Func<SourceFile, CancellationToken, ParsedFile> parse, int workers, long byteBudget, CancellationToken cancel)
        {
            _files = files;
            _parse = parse;
            _byteBudget = Math.Max(1, byteBudget);
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            Admit();
            _workers = new Thread[Math.Max(1, Math.Min(workers, files.Count))];
            for (var i = 0; i < _workers.Length; i++)
            {
                _workers[i] = new Thread(Work) { IsBackground = true, Name = "TokUsage parser " + (i + 1) };
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

                if (_reorder.TryGetValue(_nextTake, out var ready))
                {
                    _reorder.Remove(_nextTake);
                    var size = _files[_nextTake].Length;
                    _admittedBytes -= size;
                    BytesTaken += size;
                    _nextTake++;
                    Admit();
                    next = ready;
                    return true;
                }

                if (!_done.TryTake(out var item, millisecondsTimeout, _stop.Token))
                {
                    next = null;
                    return false;
                }

                _reorder.Add(item.Index, item.File);
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

            _work.Dispose();
            _done.Dispose();
            _stop.Dispose();
        }

        private void Admit()
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

        private void Work()
        {
            try
            {
                foreach (var index in _work.GetConsumingEnumerable(_stop.Token))
                {
                    var file = _files[index];
                    ParsedFile result;
                    try
                    {
                        result = _parse(file, _stop.Token);
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

                    _done.Add((index, result));
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
