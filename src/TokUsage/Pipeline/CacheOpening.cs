using System.Threading.Tasks;
using TokUsage.Caching;
using TokUsage.Clients;
using System.Linq;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// The run's usage cache, opened (SQLite loaded, the database checked) on a pool thread while the pipeline thread
    /// walks the folders. The pipeline thread then either takes it (and owns it from then on) or abandons it.
    /// </summary>
    internal sealed class CacheOpening
    {
        private readonly ScanRequest _request;
        private readonly Task<(UsageCache? Cache, string? Problem)>? _opening;

        private CacheOpening(ScanRequest request, Task<(UsageCache?, string?)>? opening)
        {
            _request = request;
            _opening = opening;
        }

        /// <summary>Starts opening the cache, unless the run has none (-NoCache, or no client of the run is cached).</summary>
        public static CacheOpening Start(ScanRequest request)
        {
            var wanted = request.CacheDirectory != null && request.Clients.Any(c => c is ISnapshotClient);
            return new CacheOpening(request, wanted ? Task.Run(() => (UsageCache.TryOpen(request.CacheDirectory!, out var problem), problem)) : null);
        }

        /// <summary>
        /// Waits for the cache and hands it over; null when the run has none or it cannot be used here (a warning when
        /// -CachePath named it, else a verbose line).
        /// </summary>
        public UsageCache? Take(IScanSink sink)
        {
            if (_opening is null)
            {
                return null;
            }

            var (cache, problem) = _opening.GetAwaiter().GetResult();
            if (cache is null)
            {
                var message = ScanText.CacheUnusable(_request.CacheDirectory!, problem);
                if (_request.CacheRequired)
                {
                    sink.Warning(message);
                }
                else if (sink.WantsVerbose)
                {
                    sink.Verbose(message);
                }
            }

            return cache;
        }

        /// <summary>Closes the cache once it is open, without waiting for it (the run ended before it needed it).</summary>
        public void Abandon() => _opening?.ContinueWith(t => t.Result.Cache?.Dispose(), TaskScheduler.Default);
    }
}
