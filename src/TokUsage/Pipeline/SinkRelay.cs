using System;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// Runs a scan's admission (dedup gate, per-file objects, cache bookkeeping) on its own thread while the caller's
    /// thread — PowerShell's pipeline thread, the only one allowed to write to the pipeline — makes the sink calls, in
    /// the order admission made them.
    /// <para>Why: on a warm run the parsers only decode cached records, and one thread doing admission, WriteObject and
    /// the downstream fold was the bottleneck. Split, admission overlaps with the pipeline's own work.</para>
    /// <para>Contract: <see cref="Run"/> returns after the admission thread has ended. It rethrows the admission's
    /// exception on the caller's thread. If a sink call throws (as WriteObject does when the pipeline is stopped), or
    /// <c>cancel</c> fires, admission is stopped through <see cref="Token"/>, and pending calls are dropped. The queue
    /// holds at most <c>capacity</c> calls, so a slow pipeline holds admission back instead of growing memory.</para>
    /// </summary>
    internal sealed class SinkRelay : IScanSink, IDisposable
    {
        private readonly IScanSink _target;
        private readonly BlockingCollection<Action<IScanSink>> _calls;
        private readonly CancellationTokenSource _stop;
        private ExceptionDispatchInfo? _failure;

        private SinkRelay(IScanSink target, int capacity, CancellationToken cancel)
        {
            _target = target;
            _calls = new BlockingCollection<Action<IScanSink>>(capacity);
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            WantsVerbose = target.WantsVerbose;
        }

        /// <summary>Cancelled when the caller cancels or stops draining; the admission must observe it.</summary>
        public CancellationToken Token => _stop.Token;

        public bool WantsVerbose { get; }

        /// <summary>
        /// Runs <paramref name="admission"/> on a new thread, handing it a sink whose calls are made on this thread.
        /// </summary>
        public static void Run(IScanSink target, CancellationToken cancel, Action<IScanSink, CancellationToken> admission, int capacity = 256)
        {
            using var relay = new SinkRelay(target, capacity, cancel);
            var thread = new Thread(() => relay.Admit(admission)) { Name = "TokUsage admission", IsBackground = true };
            thread.Start();
            try
            {
                relay.Drain();
            }
            finally
            {
                relay._stop.Cancel();
                thread.Join();
            }

            relay._failure?.Throw();
        }

        public void File(UsageFile file) => Post(s => s.File(file));

        public void Error(ScanError error) => Post(s => s.Error(error));

        public void Verbose(string message) => Post(s => s.Verbose(message));

        public void Warning(string message) => Post(s => s.Warning(message));

        public void Progress(ScanProgress progress) => Post(s => s.Progress(progress));

        public void Dispose()
        {
            _calls.Dispose();
            _stop.Dispose();
        }

        /// <summary>Admission thread: queues a sink call; throws OperationCanceledException once the run is stopped.</summary>
        private void Post(Action<IScanSink> call) => _calls.Add(call, _stop.Token);

        /// <summary>Admission thread.</summary>
        private void Admit(Action<IScanSink, CancellationToken> admission)
        {
            try
            {
                admission(this, _stop.Token);
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                _calls.CompleteAdding();
            }
        }

        /// <summary>Caller's thread: makes the queued calls until admission has ended.</summary>
        private void Drain()
        {
            foreach (var call in _calls.GetConsumingEnumerable(_stop.Token))
            {
                call(_target);
            }
        }
    }
}
