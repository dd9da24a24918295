using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TokUsage.Tests.Support
{
    /// <summary>
    /// A minimal HTTP/1.1 server on 127.0.0.1 with scripted responses per path, written on a raw socket so a test can
    /// also send what real servers sometimes do: a body cut off before its Content-Length, an ETag, a 304.
    /// </summary>
    public sealed class LocalHttpServer : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly ConcurrentDictionary<string, Reply> _routes = new ConcurrentDictionary<string, Reply>(StringComparer.Ordinal);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        public LocalHttpServer()
        {
            _listener.Start();
            Task.Run(AcceptLoop);
        }

        public sealed record Reply(int Status, byte[] Body, string? ETag = null, int? CutAfter = null, string? Location = null);

        /// <summary>Requests served, with their If-None-Match header (null when absent).</summary>
        public ConcurrentQueue<(string Path, string? IfNoneMatch)> Requests { get; } = new ConcurrentQueue<(string, string?)>();

        public Uri Url(string path) => new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}");

        public void Serve(string path, Reply reply) => _routes[path] = reply;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => Handle(client));
            }
        }

        private void Handle(TcpClient client)
        {
            using (client)
            using (var stream = client.GetStream())
            {
                var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
                var requestLine = reader.ReadLine() ?? string.Empty;
                string? ifNoneMatch = null;
                string? line;
                while (!string.IsNullOrEmpty(line = reader.ReadLine()))
                {
                    if (line.StartsWith("If-None-Match:", StringComparison.OrdinalIgnoreCase))
                    {
                        ifNoneMatch = line.Substring("If-None-Match:".Length).Trim();
                    }
                }

                var path = requestLine.Split(' ').Length > 1 ? requestLine.Split(' ')[1] : "/";
                Requests.Enqueue((path, ifNoneMatch));
                var reply = _routes.TryGetValue(path, out var r) ? r : new Reply(404, Encoding.UTF8.GetBytes("not found"));
                if (reply.ETag != null && ifNoneMatch == reply.ETag)
                {
                    reply = new Reply(304, Array.Empty<byte>(), reply.ETag);
                }

                var head = new StringBuilder()
                    .Append($"HTTP/1.1 {reply.Status} {Reason(reply.Status)}\r\n")
                    .Append("Content-Type: application/json\r\n")
                    .Append("Connection: close\r\n");
                if (reply.Status != 304)
                {
                    head.Append($"Content-Length: {reply.Body.Length}\r\n");
                }

                if (reply.ETag != null)
                {
                    head.Append($"ETag: {reply.ETag}\r\n");
                }

                if (reply.Location != null)
                {
                    head.Append($"Location: {reply.Location}\r\n");
                }

                var headBytes = Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
                try
                {
                    stream.Write(headBytes, 0, headBytes.Length);
                    if (reply.Status != 304)
                    {
                        stream.Write(reply.Body, 0, Math.Min(reply.CutAfter ?? reply.Body.Length, reply.Body.Length));
                    }

                    stream.Flush();
                }
                catch (IOException)
                {
                    // the client gave up; nothing to do
                }
            }
        }

        private static string Reason(int status) => status switch
        {
            200 => "OK",
            304 => "Not Modified",
            404 => "Not Found",
            500 => "Internal Server Error",
            _ => "Status",
        };
    }
}
