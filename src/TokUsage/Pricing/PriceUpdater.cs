using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;

namespace TokUsage.Pricing
{
    /// <summary>Why a price refresh failed; the stored table is untouched whenever this is thrown.</summary>
    internal sealed class PriceUpdateException : Exception
    {
        public PriceUpdateException(string errorId, string message, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
        }

        /// <summary>PriceDownloadFailed (network, HTTP status, cut-off body) or InvalidPriceTable (not a LiteLLM table).</summary>
        public string ErrorId { get; }
    }

    /// <summary>What a refresh did.</summary>
    internal sealed class PriceUpdateResult
    {
        public PriceUpdateResult(PriceTable table, bool changed)
        {
            Table = table;
            Changed = changed;
        }

        public PriceTable Table { get; }

        /// <summary>False when the server said the stored table is current (HTTP 304) and nothing was written.</summary>
        public bool Changed { get; }
    }

    /// <summary>
    /// Downloads LiteLLM's price JSON, validates it and stores the converted table (Update-TokenPrice). Nothing is
    /// written unless the download is complete and is a LiteLLM table; the previous table stays in force otherwise.
    /// Runs on the calling thread; cancellation stops the download.
    /// </summary>
    internal static class PriceUpdater
    {
        public const string DefaultUri = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json";

        /// <summary>LiteLLM's file is a few MB; anything far larger is not it.</summary>
        public const long MaxBytes = 64L * 1024 * 1024;

        /// <summary>LiteLLM lists thousands of priced chat models; fewer than this is an error page or a fragment.</summary>
        public const int MinModels = 100;

        private static readonly Lazy<HttpClient> Client = new Lazy<HttpClient>(() =>
        {
            // Redirects are followed by Download, which checks where each one leads.
            var handler = new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate, AllowAutoRedirect = false };
            var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.UserAgent.ParseAdd("TokUsage-PowerShell/" + typeof(PriceUpdater).Assembly.GetName().Version);
            return client;
        });

        /// <summary>
        /// Refreshes the table stored at <paramref name="storePath"/> from <paramref name="uri"/> (http, https or file).
        /// Without <paramref name="force"/> the stored table's ETag is sent, and an unchanged table is not downloaded again.
        /// </summary>
        public static PriceUpdateResult Update(Uri uri, string storePath, bool force, TimeSpan timeout, CancellationToken cancel)
        {
            var stored = force ? null : PriceStore.TryLoad(storePath, out _);
            var etag = stored?.Refresh is { } refresh && refresh.Uri == uri.AbsoluteUri ? refresh.ETag : null;
            var (body, newTag, notModified) = Download(uri, etag, timeout, cancel);
            if (notModified && stored != null)
            {
                return new PriceUpdateResult(stored, false);
            }

            var retrieved = DateTimeOffset.UtcNow;
            var compact = Validate(body!, uri, retrieved, newTag);
            PriceStore.Save(storePath, compact);
            return new PriceUpdateResult(PriceTable.Parse(compact, storePath), true);
        }

        /// <summary>Converts and checks a download; returns the compact table to store. Throws InvalidPriceTable.</summary>
        internal static byte[] Validate(byte[] body, Uri uri, DateTimeOffset retrieved, string? etag)
        {
            string compact;
            try
            {
                compact = LiteLlmConverter.Convert(body, retrieved.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), new RefreshInfo(uri.AbsoluteUri, retrieved, etag));
            }
            catch (JsonException e)
            {
                throw new PriceUpdateException("InvalidPriceTable", $"'{uri}' did not return a LiteLLM price table: its content is not valid JSON ({e.Message}). The price table in force is unchanged.", e);
            }
            catch (InvalidDataException e)
            {
                throw new PriceUpdateException("InvalidPriceTable", $"'{uri}' did not return a usable price table: {e.Message}. The price table in force is unchanged.", e);
            }
            catch (InvalidOperationException e)
            {
                throw new PriceUpdateException("InvalidPriceTable", $"'{uri}' did not return a usable price table: {Parsing.JsonLines.BadString}. The price table in force is unchanged.", e);
            }

            var bytes = System.Text.Encoding.UTF8.GetBytes(compact);
            var table = PriceTable.Parse(bytes, null);
            if (table.Models.Count < MinModels)
            {
                throw new PriceUpdateException("InvalidPriceTable", $"'{uri}' did not return a LiteLLM price table: it prices {table.Models.Count} chat models where LiteLLM's prices thousands. The price table in force is unchanged.");
            }

            return bytes;
        }

        private static (byte[]? Body, string? ETag, bool NotModified) Download(Uri uri, string? etag, TimeSpan timeout, CancellationToken cancel)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(timeout);
            if (uri.IsFile)
            {
                return (ReadFile(uri.LocalPath, timeout, deadline.Token, cancel), null, false);
            }

            try
            {
                using var response = Send(uri, etag, deadline.Token);
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    return (null, etag, true);
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new PriceUpdateException("PriceDownloadFailed", $"'{uri}' answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}. The price table in force is unchanged.");
                }

                var declared = response.Content.Headers.ContentLength;
                if (declared > MaxBytes)
                {
                    throw new PriceUpdateException("InvalidPriceTable", $"'{uri}' sent {declared} bytes; a price table is at most {MaxBytes} bytes. The price table in force is unchanged.");
                }

                using var stream = response.Content.ReadAsStreamAsync().GetAwaiter().GetResult();
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = stream.ReadAsync(chunk, 0, chunk.Length, deadline.Token).GetAwaiter().GetResult()) > 0)
                {
                    buffer.Write(chunk, 0, read);
                    if (buffer.Length > MaxBytes)
                    {
                        throw new PriceUpdateException("InvalidPriceTable", $"'{uri}' sent more than {MaxBytes} bytes; that is not a price table. The price table in force is unchanged.");
                    }
                }

                if (declared.HasValue && buffer.Length != declared.Value)
                {
                    throw new PriceUpdateException("PriceDownloadFailed", $"The download from '{uri}' was cut off after {buffer.Length} of {declared} bytes. The price table in force is unchanged.");
                }

                return (buffer.ToArray(), response.Headers.ETag?.ToString(), false);
            }
            catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
            {
                throw new PriceUpdateException("PriceDownloadFailed", $"The download from '{uri}' did not finish within {timeout.TotalSeconds:0} s. The price table in force is unchanged.", e);
            }
            catch (Exception e) when (e is HttpRequestException || e is IOException)
            {
                var reason = e.InnerException is null ? e.Message : $"{e.Message} ({e.InnerException.Message})";
                throw new PriceUpdateException("PriceDownloadFailed", $"The download from '{uri}' failed: {reason}. The price table in force is unchanged.", e);
            }
        }

        /// <summary>How many redirects a download follows.</summary>
        public const int MaxRedirects = 5;

        /// <summary>
        /// Sends the request and follows redirects that stay on the host the user named, over http or https, never from
        /// https down to http: prices that silently come from elsewhere are prices anyone on the way could set.
        /// </summary>
        private static HttpResponseMessage Send(Uri uri, string? etag, CancellationToken cancel)
        {
            var current = uri;
            for (var hops = 0; ; hops++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                if (etag != null && EntityTagHeaderValueTryParse(etag) is { } tag)
                {
                    request.Headers.IfNoneMatch.Add(tag);
                }

                var response = Client.Value.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel).GetAwaiter().GetResult();
                var status = (int)response.StatusCode;
                if (status < 300 || status >= 400 || status == 304 || response.Headers.Location is null)
                {
                    return response;
                }

                var next = response.Headers.Location.IsAbsoluteUri ? response.Headers.Location : new Uri(current, response.Headers.Location);
                response.Dispose();
                string? refusal = null;
                if (next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp)
                {
                    refusal = $"it redirects to '{next}', which is not an http or https address";
                }
                else if (!string.Equals(next.Host, uri.Host, StringComparison.OrdinalIgnoreCase))
                {
                    refusal = $"it redirects to another host ('{next}'); give that address as -Uri to trust it";
                }
                else if (current.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
                {
                    refusal = $"it redirects from https to plain http ('{next}')";
                }
                else if (hops == MaxRedirects)
                {
                    refusal = $"it redirects more than {MaxRedirects} times";
                }

                if (refusal != null)
                {
                    throw new PriceUpdateException("PriceDownloadFailed", $"'{uri}' was not downloaded: {refusal}. The price table in force is unchanged.");
                }

                current = next;
            }
        }

        /// <summary>
        /// Reads a price file (an air-gapped machine's copy of LiteLLM's table) with the caps a download has: a regular file
        /// only (a FIFO would block, a device such as /dev/zero never ends), at most <see cref="MaxBytes"/>, within the timeout.
        /// </summary>
        private static byte[] ReadFile(string path, TimeSpan timeout, CancellationToken deadline, CancellationToken cancel)
        {
            if (Discovery.FileKinds.Of(path) == Discovery.FileKind.Special)
            {
                throw new PriceUpdateException("InvalidPriceTable", $"'{path}' is not read: {Discovery.FileKinds.SpecialReason}. The price table in force is unchanged.");
            }

            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920);
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
                {
                    deadline.ThrowIfCancellationRequested();
                    buffer.Write(chunk, 0, read);
                    if (buffer.Length > MaxBytes)
                    {
                        throw new PriceUpdateException("InvalidPriceTable", $"'{path}' holds more than {MaxBytes} bytes; that is not a price table. The price table in force is unchanged.");
                    }
                }

                return buffer.ToArray();
            }
            catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
            {
                throw new PriceUpdateException("PriceDownloadFailed", $"Reading '{path}' did not finish within {timeout.TotalSeconds:0} s. The price table in force is unchanged.", e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new PriceUpdateException("PriceDownloadFailed", $"Cannot read '{path}': {e.Message}. The price table in force is unchanged.", e);
            }
        }

        private static System.Net.Http.Headers.EntityTagHeaderValue? EntityTagHeaderValueTryParse(string etag)
        {
            try
            {
                return System.Net.Http.Headers.EntityTagHeaderValue.Parse(etag);
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
