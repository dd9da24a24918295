using System;
using System.Collections.Generic;
using TokUsage.Clients;
using TokUsage.Discovery;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Pipeline
{
    /// <summary>Receives what a scan produces. Called on the thread that runs <see cref="UsageScanner.Run"/> only.</summary>
    internal interface IScanSink
    {
        void File(UsageFile file);

        void Error(ScanError error);

        /// <summary>Only called when <see cref="WantsVerbose"/> is true (messages are not built otherwise).</summary>
        void Verbose(string message);

        void Warning(string message);

        void Progress(ScanProgress progress);

        bool WantsVerbose { get; }
    }

    /// <summary>Kinds of non-terminating scan errors; each maps to a stable PowerShell ErrorId.</summary>
    internal enum ScanErrorKind
    {
        FileUnreadable,
        DirectoryUnreadable,
        UnsupportedFile,
    }

    internal sealed class ScanError
    {
        public ScanError(ScanErrorKind kind, string path, Exception exception)
        {
            Kind = kind;
            Path = path;
            Exception = exception;
        }

        public ScanErrorKind Kind { get; }

        public string Path { get; }

        public Exception Exception { get; }
    }

    internal sealed class ScanProgress
    {
        public ScanProgress(int filesDone, int filesTotal, long bytesDone, long bytesTotal, bool completed)
        {
            FilesDone = filesDone;
            FilesTotal = filesTotal;
            BytesDone = bytesDone;
            BytesTotal = bytesTotal;
            Completed = completed;
        }

        public int FilesDone { get; }

        public int FilesTotal { get; }

        public long BytesDone { get; }

        public long BytesTotal { get; }

        public bool Completed { get; }

        public int Percent => BytesTotal <= 0 ? 100 : (int)Math.Min(100, BytesDone * 100 / BytesTotal);
    }

    /// <summary>A file or folder named by -Path/-LiteralPath, already resolved to a file-system path.</summary>
    internal sealed class ScanTarget
    {
        public ScanTarget(string path, bool isDirectory, IReadOnlyList<IClientSource>? clients = null)
        {
            Path = path;
            IsDirectory = isDirectory;
            Clients = clients;
        }

        public string Path { get; }

        public bool IsDirectory { get; }

        /// <summary>The clients whose logs are read here (a piped source names its client); null: the request's clients.</summary>
        public IReadOnlyList<IClientSource>? Clients { get; }
    }

    /// <summary>Everything one Get-TokenUsage run needs. Immutable.</summary>
    internal sealed class ScanRequest
    {
        /// <summary>Source bytes parsed but not yet emitted, at most (see <see cref="ScanPipeline"/>).</summary>
        public const long DefaultByteBudget = 128L * 1024 * 1024;

        public ScanRequest(IReadOnlyList<IClientSource> clients, IReadOnlyList<ScanTarget>? targets, ClientEnvironment environment, ReadOptions read, int workers)
        {
            Clients = clients;
            Targets = targets;
            Environment = environment;
            Read = read;
            Workers = workers;
        }

        public IReadOnlyList<IClientSource> Clients { get; }

        /// <summary>Files and folders to scan instead of the clients' default roots; null for the defaults.</summary>
        public IReadOnlyList<ScanTarget>? Targets { get; }

        public ClientEnvironment Environment { get; }

        public ReadOptions Read { get; }

        /// <summary>
        /// The run reads every log of its clients: their default folders (no <see cref="Targets"/>) and no date window. Only
        /// such a run's dedup tables say how large the next such run's will be (<see cref="GateTables"/>).
        /// </summary>
        public bool WholeHistory => Targets is null && Read.Dates.IsAll;

        public int Workers { get; }

        public long ByteBudget { get; set; } = DefaultByteBudget;

        /// <summary>Folder of the persistent per-file cache (see <see cref="Caching.UsageCache"/>); null: no cache (-NoCache).</summary>
        public string? CacheDirectory { get; set; }

        /// <summary>True when a cache folder was named explicitly (-CachePath): a cache that cannot be used is then a warning.</summary>
        public bool CacheRequired { get; set; }

        /// <summary>Usage kept beyond the logs, read after them (null: -NoStore, or no store yet). Owned by the caller.</summary>
        public IStoredHistory? History { get; set; }

        /// <summary>Minimum time between progress reports; the first comes only after one interval.</summary>
        public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(250);
    }

    /// <summary>
    /// Usage kept beyond the logs (the usage store, see <c>Storage.UsageStore</c>): after the logs are read, its messages
    /// that no log of the run holds any more come back as archived objects. Read on the scanner's thread only.
    /// </summary>
    internal interface IStoredHistory
    {
        /// <summary>The sources of <paramref name="clients"/> the store holds messages of.</summary>
        List<StoredSource> Sources(ICollection<string> clients);

        /// <summary>One source's messages, by session then time, streamed.</summary>
        IEnumerable<StoredMessage> Messages(StoredSource source);
    }

    /// <summary>A log the store holds messages of, and its length when they were last saved.</summary>
    internal sealed class StoredSource
    {
        public StoredSource(long id, string client, string path, long length)
        {
            Id = id;
            Client = client;
            Path = path;
            Length = length;
        }

        public long Id { get; }

        public string Client { get; }

        public string Path { get; }

        public long Length { get; }
    }

    /// <summary>One stored message: what it takes to count and reprice it.</summary>
    internal readonly struct StoredMessage
    {
        public StoredMessage(MessageKey key, DateTimeOffset timestamp, string session, string project, string model, TokenCounts tokens, decimal? reportedCost, bool fast, decimal markup)
        {
            Key = key;
            Timestamp = timestamp;
            Session = session;
            Project = project;
            Model = model;
            Tokens = tokens;
            ReportedCost = reportedCost;
            Fast = fast;
            Markup = markup;
        }

        public MessageKey Key { get; }

        public DateTimeOffset Timestamp { get; }

        public string Session { get; }

        public string Project { get; }

        public string Model { get; }

        public TokenCounts Tokens { get; }

        public decimal? ReportedCost { get; }

        public bool Fast { get; }

        public decimal Markup { get; }
    }
}
