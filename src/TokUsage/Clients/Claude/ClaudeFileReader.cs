using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Hosting;
using TokUsage.Parsing;
using TokUsage.Pipeline;
using TokUsage.Pricing;

namespace TokUsage.Clients.Claude
{
    /// <summary>
    /// Reads one Claude Code transcript on a worker thread. Claude Code writes one line per content block of a message,
    /// each repeating the message's usage (growing while streaming), so lines with one <c>message.id:requestId</c> are
    /// merged by per-field maximum; timestamp and model come from the most complete line (earliest on ties). Lines
    /// without a <c>"usage"</c> property name are not parsed, only checked to be object-shaped, so damaged lines are
    /// counted everywhere.
    /// </summary>
    internal static class ClaudeFileReader
    {
        [MethodImpl(Jit.Optimized)]
        public static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var (sessionId, project) = ClaudePaths.SessionAndProject(file.Path, file.ScanRoot);
            var result = new ParsedFile(file, sessionId, project);
            var pending = new List<Pending>();
            var byKey = new KeyTable();
            try
            {
                using var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
                using var lines = new JsonlLineReader(stream, 0, cancel);
                var parser = new ClaudeLineParser();
                while (true)
                {
                    var read = lines.Read(out var line);
                    if (read == LineRead.EndOfFile)
                    {
                        break;
                    }

                    if (read == LineRead.Oversized)
                    {
                        result.Skip(lines.LineNumber, $"line longer than {lines.MaxLineBytes / (1024 * 1024)} MB", options.MaxSkippedSamples);
                        continue;
                    }

                    if (JsonLines.IsBlank(line))
                    {
                        continue;
                    }

                    if (!ClaudeLineParser.MayHaveUsage(line))
                    {
                        if (!JsonLines.LooksLikeObject(line))
                        {
                            result.Skip(lines.LineNumber, lines.LastLineTerminated ? "not a JSON object (damaged line)" : "torn last line (file still being written?)", options.MaxSkippedSamples);
                        }

                        continue;
                    }

                    switch (parser.Parse(line, out var message, out var damage))
                    {
                        case LineKind.Damaged:
                            result.Skip(lines.LineNumber, lines.LastLineTerminated ? damage! : "torn last line (file still being written?)", options.MaxSkippedSamples);
                            break;
                        case LineKind.Usage:
                            Merge(pending, byKey, message);
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is System.Security.SecurityException)
            {
                result.Error = e;
                return result;
            }

            foreach (var p in pending)
            {
                var model = p.Message.Model;
                var (cost, source) = Recording.Price(options, model, p.Message.Tokens, p.Message.Fast);
                var entry = new UsageEntry(p.Message.Timestamp, model, p.Message.Tokens, cost, source);
                result.Entries.Add(new KeyedEntry(p.Message.HasKey, p.Message.Key, entry, source != CostSource.None || ModelNames.IsSynthetic(model)));
            }

            return result;
        }

        [MethodImpl(Jit.Optimized)]
        private static void Merge(List<Pending> pending, KeyTable byKey, in ClaudeMessage message)
        {
            if (!message.HasKey)
            {
                pending.Add(new Pending(message));
                return;
            }

            if (byKey.TryAdd(message.Key, pending.Count, out var index))
            {
                pending.Add(new Pending(message));
                return;
            }

            var merged = pending[index];
            if (message.Tokens.Total > merged.BestTotal)
            {
                merged.BestTotal = message.Tokens.Total;
                merged.Message.Timestamp = message.Timestamp;
                merged.Message.Model = message.Model;
            }

            merged.Message.Tokens.MaxWith(message.Tokens);
            merged.Message.Fast |= message.Fast;
        }

        private sealed class Pending
        {
            public Pending(in ClaudeMessage message)
            {
                Message = message;
                BestTotal = message.Tokens.Total;
            }

            public ClaudeMessage Message;
            public long BestTotal;
        }
    }
}
