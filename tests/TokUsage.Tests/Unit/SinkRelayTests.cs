using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using TokUsage.Pipeline;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>Admission runs on its own thread; every sink call must still be made on the caller's, in order.</summary>
    public sealed class SinkRelayTests
    {
        private sealed class RecordingSink : IScanSink
        {
            public List<(string Message, int Thread)> Calls { get; } = new List<(string, int)>();

            public Action<string>? OnWarning { get; set; }

            public bool WantsVerbose => true;

            public void File(UsageFile file) => Calls.Add(("file " + file.Path, Environment.CurrentManagedThreadId));

            public void Error(ScanError error) => Calls.Add(("error " + error.Path, Environment.CurrentManagedThreadId));

            public void Verbose(string message) => Calls.Add(("verbose " + message, Environment.CurrentManagedThreadId));

            public void Warning(string message)
            {
                Calls.Add(("warning " + message, Environment.CurrentManagedThreadId));
                OnWarning?.Invoke(message);
            }

            public void Progress(ScanProgress progress) => Calls.Add(("progress", Environment.CurrentManagedThreadId));
        }

        [Fact]
        public void CallsArriveInOrderOnTheCallersThread()
        {
            var sink = new RecordingSink();
            var admissionThread = 0;
            SinkRelay.Run(sink, CancellationToken.None, (relay, _) =>
            {
                admissionThread = Environment.CurrentManagedThreadId;
                for (var i = 0; i < 1000; i++)
                {
                    relay.Warning(i.ToString());
                    relay.Verbose("v" + i);
                }
            }, capacity: 4);

            Assert.NotEqual(Environment.CurrentManagedThreadId, admissionThread);
            Assert.Equal(2000, sink.Calls.Count);
            Assert.All(sink.Calls, c => Assert.Equal(Environment.CurrentManagedThreadId, c.Thread));
            for (var i = 0; i < 1000; i++)
            {
                Assert.Equal("warning " + i, sink.Calls[2 * i].Message);
                Assert.Equal("verbose v" + i, sink.Calls[(2 * i) + 1].Message);
            }
        }

        [Fact]
        public void AnAdmissionFailureIsRethrownAfterTheCallsBeforeIt()
        {
            var sink = new RecordingSink();
            var e = Assert.Throws<IOException>(() => SinkRelay.Run(sink, CancellationToken.None, (relay, _) =>
            {
                relay.Warning("before");
                throw new IOException("disk gone");
            }));

            Assert.Equal("disk gone", e.Message);
            Assert.Equal(new[] { "warning before" }, sink.Calls.ConvertAll(c => c.Message));
        }

        [Fact]
        public void ASinkThatThrowsStopsAdmissionEvenWhenItWaitsOnAFullQueue()
        {
            // As WriteObject throws when a downstream Select-Object -First has what it needs.
            var sink = new RecordingSink { OnWarning = m => throw new InvalidOperationException("pipeline stopped") };
            var admissionSawStop = false;
            Assert.Throws<InvalidOperationException>(() => SinkRelay.Run(sink, CancellationToken.None, (relay, token) =>
            {
                try
                {
                    for (var i = 0; ; i++)
                    {
                        relay.Warning(i.ToString());
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    admissionSawStop = true;
                    throw;
                }
            }, capacity: 2));

            Assert.True(admissionSawStop);
            Assert.Single(sink.Calls);
        }

        [Fact]
        public void CancellingStopsBothThreads()
        {
            using var cancel = new CancellationTokenSource();
            var sink = new RecordingSink { OnWarning = m => cancel.Cancel() };
            var admissionEnded = false;
            Assert.ThrowsAny<OperationCanceledException>(() => SinkRelay.Run(sink, cancel.Token, (relay, token) =>
            {
                try
                {
                    relay.Warning("first");
                    token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
                    token.ThrowIfCancellationRequested();
                }
                finally
                {
                    admissionEnded = true;
                }
            }));

            Assert.True(admissionEnded);
        }
    }
}
