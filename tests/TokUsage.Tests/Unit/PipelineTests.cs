using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using TokUsage.Clients;
using TokUsage.Clients.Claude;
using TokUsage.Hosting;
using TokUsage.Pipeline;
using TokUsage.Tests.Support;
using Xunit;
using TokUsage.Discovery;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Tests.Unit
{
    public sealed class PipelineTests
    {
        private static List<SourceFile> Files(int count, Func<int, long> size) =>
            Enumerable.Range(0, count).Select(i => new SourceFile(ClaudeSource.Instance, $"/f/{i:D5}.jsonl", size(i), DateTime.UtcNow, "/f")).ToList();

        [Fact]
        public void ResultsComeBackInFileOrderWhateverTheParseTimes()
        {
            var files = Files(200, i => 10);
            var random = new Random(3);
            var delays = files.Select(_ => random.Next(0, 3)).ToArray();
            using var pipeline = new ScanPipeline(files, (f, _, _) =>
            {
                Thread.Sleep(delays[int.Parse(Path.GetFileNameWithoutExtension(f.Path))]);
                return new ParsedFile(f, "s", "p");
            }, workers: 4, byteBudget: 1000, CancellationToken.None);
            var order = new List<string>();
            while (true)
            {
                if (!pipeline.TryTakeNext(50, out var next))
                {
                    continue;
                }

                if (next is null)
                {
                    break;
                }

                order.Add(next.Source.Path);
            }

            Assert.Equal(files.Select(f => f.Path), order);
        }

        /// <summary>
        /// A source read in pieces (a database handed on session by session): its pieces come out in order before its
        /// last piece and before the next file, and a worker waits until its previous piece was taken before posting
        /// another, so a slow consumer holds at most one waiting piece per worker.
        /// </summary>
        [Fact]
        public void PiecesOfASourceComeOutInOrderAndAWorkerWaitsForEachToBeTaken()
        {
            var files = Files(3, i => 10);
            var posted = 0;
            using var pipeline = new ScanPipeline(files, (f, release, _) =>
            {
                if (f.Path.EndsWith("00001.jsonl", StringComparison.Ordinal))
                {
                    for (var i = 0; i < 5; i++)
                    {
                        release(Piece(f, i));
                        Interlocked.Increment(ref posted);
                    }
                }

                return new ParsedFile(f, "last", "p");
            }, workers: 2, byteBudget: 1000, CancellationToken.None);

            Thread.Sleep(300); // nothing taken yet: the worker reading file 1 posted one piece and waits
            Assert.Equal(1, Volatile.Read(ref posted));

            var order = new List<string>();
            while (pipeline.TryTakeNext(5000, out var next) && next != null)
            {
                order.Add($"{Path.GetFileNameWithoutExtension(next.Source.Path)}:{next.SessionId}:{next.Continued}");
            }

            Assert.Equal(new[]
            {
                "00000:last:False",
                "00001:piece0:True", "00001:piece1:True", "00001:piece2:True", "00001:piece3:True", "00001:piece4:True", "00001:last:False",
                "00002:last:False",
            }, order);
        }

        /// <summary>A continued piece of <paramref name="f"/>, as a reader's <see cref="ParsedFile.Close"/> makes one.</summary>
        private static ParsedFile Piece(SourceFile f, int i)
        {
            ParsedFile? piece = null;
            var source = new ParsedFile(f, "piece" + i, "p");
            source.ReleaseTo(p => piece = p, 1);
            source.Part("s", "p");
            source.Rows.Add(new MessageRow { Tokens = new TokenCounts { Input = 1 }, Kind = source.Rows.Kind("m", false, 1m, CostSource.Calculated, true, true), Part = ParsedFile.RowPart(source.Parts.First()) });
            source.Close("s");
            return piece!;
        }

        /// <summary>
        /// A warm run's results all come from the cache: one worker serves them (more would only take time from the
        /// consumer on a small machine). The first file that needs reading starts the others.
        /// </summary>
        [Theory]
        [InlineData(-1, 1)]
        [InlineData(0, 3)]
        [InlineData(30, 3)]
        public void WorkersBeyondTheFirstStartWhenAFileNeedsReading(int firstRead, int expectedThreads)
        {
            var files = Files(120, i => 10);
            var threads = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            using var pipeline = new ScanPipeline(files, (f, _, _) =>
            {
                var index = files.IndexOf(f);
                threads.TryAdd(Thread.CurrentThread.Name!, index);
                Thread.Sleep(5);
                return new ParsedFile(f, "s", "p") { FromCache = firstRead < 0 || index < firstRead };
            }, workers: 3, byteBudget: long.MaxValue, CancellationToken.None);
            var taken = 0;
            while (pipeline.TryTakeNext(Timeout.Infinite, out var next) && next != null)
            {
                taken++;
            }

            Assert.Equal(files.Count, taken);
            Assert.Equal(expectedThreads, threads.Count);
            Assert.All(threads.Where(t => t.Key != "TokUsage parser 1"), t => Assert.True(t.Value > firstRead, $"{t.Key} started at file {t.Value}"));
        }

        [Fact]
        public void ASlowConsumerStopsTheWorkersAtTheByteBudget()
        {
            var files = Files(60, i => i == 7 ? 5000 : 100); // one file larger than the budget
            var parsed = 0;
            using var pipeline = new ScanPipeline(files, (f, _, _) => { Interlocked.Increment(ref parsed); return new ParsedFile(f, "s", "p"); }, workers: 2, byteBudget: 1000, CancellationToken.None);
            var maxInFlight = 0L;
            for (var taken = 0; taken < files.Count;)
            {
                Thread.Sleep(2); // the consumer is slow
                Assert.True(pipeline.TryTakeNext(1000, out var next));
                taken++;
                maxInFlight = Math.Max(maxInFlight, pipeline.BytesInFlight);
                Assert.True(pipeline.BytesInFlight <= 1000 || pipeline.BytesInFlight == 5000, $"in flight: {pipeline.BytesInFlight}");
                Assert.True(Volatile.Read(ref parsed) - taken <= 11, "workers ran ahead of the budget"); // 1000 bytes / 100 + the one being parsed
            }

            Assert.True(maxInFlight > 0);
        }

        [Fact]
        public void CancellationStopsPromptlyAndAReaderCrashBecomesAFileError()
        {
            var files = Files(1000, i => 10);
            using var cancel = new CancellationTokenSource();
            var started = 0;
            var pipeline = new ScanPipeline(files, (f, _, token) =>
            {
                Interlocked.Increment(ref started);
                if (f.Path.EndsWith("00001.jsonl", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("reader bug");
                }

                token.WaitHandle.WaitOne(20);
                token.ThrowIfCancellationRequested();
                return new ParsedFile(f, "s", "p");
            }, workers: 2, byteBudget: 1_000_000, cancel.Token);
            Assert.True(pipeline.TryTakeNext(5000, out var first) && first!.Error is null);
            Assert.True(pipeline.TryTakeNext(5000, out var second) && second!.Error is InvalidOperationException);
            cancel.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => pipeline.TryTakeNext(5000, out _));
            // Dispose joins the workers: it must return (a hang is the failure, not a slow machine), and no reader may
            // start after the cancel — each of the 1000 files would otherwise take its 20 ms.
            var startedAtCancel = Volatile.Read(ref started);
            var dispose = new Thread(pipeline.Dispose);
            dispose.Start();
            Assert.True(dispose.Join(TimeSpan.FromSeconds(60)), "the workers were not joined");
            Assert.True(Volatile.Read(ref started) <= startedAtCancel + 2, $"{Volatile.Read(ref started) - startedAtCancel} readers started after the cancel");
        }

        [Fact]
        public void DedupGateKeepsOneLanePerClient()
        {
            var gate = new DedupGate();
            var key = MessageKey.Of(new byte[] { 1, 2, 3 });
            Assert.True(gate.TryClaim("claude", gate.ClaimedKeysOf("claude"), key, default));
            Assert.False(gate.TryClaim("claude", gate.ClaimedKeysOf("claude"), key, default));
            Assert.True(gate.TryClaim("codex", gate.ClaimedKeysOf("codex"), key, default));
        }

        /// <summary>
        /// A crafted chain of resumed sessions, each file copying the next one's session: every file waits, and the last
        /// file's passing releases the whole chain. Released iteratively (a recursive release overflowed the stack), each
        /// file once, the chain in order from its end.
        /// </summary>
        [Fact]
        public void AChainOfFiftyThousandResumedSessionsIsReleasedWithoutExhaustingTheStack()
        {
            const int n = 50_000;
            var files = Enumerable.Range(0, n).Select(i => new SourceFile(ClaudeSource.Instance, $"/p/s{i:D6}.jsonl", 1, DateTime.UnixEpoch, "/p")).ToList();
            var admission = new SessionAdmission(files);
            var passed = new List<ParsedFile>();
            for (var i = 0; i < n; i++)
            {
                var parsed = new ParsedFile(files[i], $"s{i:D6}", "p") { ReferencedSessions = i + 1 < n ? new[] { $"s{i + 1:D6}" } : Array.Empty<string>() };
                passed.AddRange(admission.Offer(parsed));
            }

            passed.AddRange(admission.Drain());
            Assert.Equal(n, passed.Count);
            Assert.Equal(Enumerable.Range(0, n).Reverse().Select(i => files[i].Path), passed.Select(p => p.Source.Path));
        }

        [Fact]
        public void ASideChainLineOfAResponseAlreadyCountedIsAReplayedCopyWhateverItsKey()
        {
            var gate = new DedupGate();
            var lane = gate.ClaimedKeysOf("claude");
            var response = MessageKey.Of(new byte[] { 9 });
            MessageKey Key(string requestId) => MessageKey.Of(System.Text.Encoding.UTF8.GetBytes("msg_1:" + requestId));
            MessageRow Row(ResponseIdentity identity)
            {
                var row = default(MessageRow);
                identity.ApplyTo(ref row);
                return row;
            }

            Assert.True(gate.TryClaim("claude", lane, Key("req_parent"), Row(new ResponseIdentity(response, sidechain: false))));
            Assert.False(gate.TryClaim("claude", lane, Key("req_btw"), Row(new ResponseIdentity(response, sidechain: true))));   // the /btw replay
            Assert.True(gate.TryClaim("claude", lane, Key("req_other"), Row(new ResponseIdentity(response, sidechain: false)))); // not a side chain: its key rules
            Assert.True(gate.TryClaim("claude", lane, Key("req_x"), Row(new ResponseIdentity(MessageKey.Of(new byte[] { 8 }), sidechain: true)))); // a side chain's own answer
            Assert.True(gate.TryClaim("codex", gate.ClaimedKeysOf("codex"), Key("req_btw"), Row(new ResponseIdentity(response, sidechain: true)))); // per client
        }

        /// <summary>
        /// The gate's pre-pass over a file (<see cref="DedupGate.Prepare"/>) only reads: two gates given the same files,
        /// one prepared before each file and one not, claim exactly the same messages, copies, side-chain replays and
        /// family-scoped keys included.
        /// </summary>
        [Fact]
        public void PreparingAFileBeforeClaimingItChangesNoClaim()
        {
            var random = new Random(5);
            MessageKey Small(int n) => new MessageKey((ulong)n * 0x9E3779B97F4A7C15UL, (ulong)n);
            MessageRow Row(bool hasKey, MessageKey key, ResponseIdentity response = default)
            {
                var row = new MessageRow { Key = key, Flags = hasKey ? RowFlags.HasKey : RowFlags.None };
                response.ApplyTo(ref row);
                return row;
            }

            var files = Enumerable.Range(0, 300).Select(_ =>
            {
                var rows = new MessageRows();
                for (var i = random.Next(0, 40); i > 0; i--)
                {
                    var hasKey = random.Next(10) > 0;
                    var response = random.Next(3) == 0 ? new ResponseIdentity(Small(random.Next(400)), sidechain: random.Next(2) == 0) : default;
                    rows.Add(Row(hasKey, hasKey ? Small(random.Next(3000)) : default, response));
                }

                return (Rows: rows, Scope: random.Next(4) == 0 ? Small(random.Next(5)) : (MessageKey?)null);
            }).ToList();

            List<bool> Claims(bool prepare)
            {
                var gate = new DedupGate();
                var lane = gate.ClaimedKeysOf("claude");
                var claims = new List<bool>();
                foreach (var (rows, scope) in files)
                {
                    if (prepare)
                    {
                        gate.Prepare("claude", lane, rows, scope);
                    }

                    for (var i = 0; i < rows.Count; i++)
                    {
                        if (rows[i].HasKey)
                        {
                            claims.Add(gate.TryClaim("claude", lane, DedupGate.ClaimKey(rows[i], scope), rows[i]));
                        }
                    }
                }

                claims.Add(lane.Count == claims.Count(c => c));
                return claims;
            }

            var plain = Claims(prepare: false);
            Assert.Contains(false, plain.Take(plain.Count - 1)); // the files hold copies, so the comparison means something
            Assert.Equal(plain, Claims(prepare: true));
            Assert.Equal(Small(7).Scoped(Small(2)), DedupGate.ClaimKey(Row(true, Small(7)), Small(2)));
            Assert.Equal(Small(7), DedupGate.ClaimKey(Row(true, Small(7)), null));
        }

        /// <summary>
        /// A file's model lists (its Models and UnpricedModels): each model once, in ordinal order, only of kinds a row
        /// still uses; a model with fast and standard rows is one model.
        /// </summary>
        [Fact]
        public void AFilesModelsAreItsRowsDistinctModelsInOrder()
        {
            var rows = new MessageRows();
            var kinds = new[]
            {
                rows.Kind("m-b", true, 1m, CostSource.Calculated, priced: true, listed: true),
                rows.Kind("m-a", false, 1m, CostSource.Calculated, priced: true, listed: true),
                rows.Kind("m-b", false, 1m, CostSource.Calculated, priced: true, listed: true),
                rows.Kind("z-unpriced", false, 1m, CostSource.None, priced: false, listed: true),
                rows.Kind("y-hidden", false, 1m, CostSource.None, priced: false, listed: false),
            };
            rows.Kind("unused", false, 1m, CostSource.Calculated, priced: true, listed: true);
            foreach (var kind in kinds.Concat(kinds.Reverse()))
            {
                rows.Add(new MessageRow { Kind = kind });
            }

            rows.Models(out var listed, out var unpriced);
            Assert.Equal(new[] { "m-a", "m-b", "z-unpriced" }, listed);
            Assert.Equal(new[] { "y-hidden", "z-unpriced" }, unpriced);
        }

        /// <summary>
        /// The compact form (issue 20): a log's rows pass the gate and the date window in place and become its output's
        /// rows — no copy — in time order (equal times in file order), each identified; the public entries are made from
        /// them, the same objects on every read.
        /// </summary>
        [Fact]
        public void AFilesRowsPassTheGateInPlaceAndBecomeItsOutput()
        {
            var file = new SourceFile(ClaudeSource.Instance, "/logs/a.jsonl", 100, DateTime.UtcNow, "/logs");
            var parsed = new ParsedFile(file, "a", "/work/app");
            var prices = TokUsage.Pricing.PriceBook.Embedded;
            const string model = "claude-sonnet-4-5-20250929";
            void Add(string? id, string time, long input)
            {
                var row = TokUsage.Pricing.MessagePricing.Row(parsed.Rows, DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture), model, new TokenCounts { Input = input }, prices.Resolve(model), false);
                if (id != null)
                {
                    row.Key = MessageKey.Of(System.Text.Encoding.UTF8.GetBytes(id));
                    row.Flags = RowFlags.HasKey;
                }

                parsed.Rows.Add(row);
            }

            Add("m1", "2026-03-01T10:00:00Z", 1);
            Add("m2", "2026-03-01T09:00:00Z", 2);
            Add("m1", "2026-03-01T11:00:00Z", 4);  // a copy of m1: the gate drops it
            Add(null, "2026-03-01T09:00:00Z", 8);  // no identity: a place key; the same time as m2, after it in the file
            Add("m3", "2025-06-01T09:00:00Z", 16); // before -Since: claimed, not reported
            var rows = parsed.Rows;
            var sink = new ListSink();
            var emitter = new UsageEmitter(new DateWindow(TimeZoneInfo.Utc, new DateTime(2026, 1, 1), null), sink);
            emitter.Emit(parsed);

            var output = Assert.Single(sink.Files);
            Assert.Same(rows, output.Rows);
            Assert.Equal(new long[] { 2, 8, 1 }, output.Entries.Select(e => e.InputTokens));
            Assert.Equal(11, output.TotalTokens);
            Assert.True(output.AllIdentified);
            Assert.Equal(4, emitter.ClaimedKeysOf("claude").Count); // m1, m2, the place key and m3
            Assert.Same(output.Entries[0], output.Entries.First());
            Assert.Equal(output.Entries.Sum(e => e.Cost), output.Cost);
            Assert.Equal(new[] { model }, output.Models);
        }

        [Fact]
        public void KeyTableHoldsEveryKeyOnceThroughGrowthIncludingTheAllZeroKey()
        {
            var set = new KeyTable(4);
            var map = new KeyTable(4, withValues: true);
            var made = KeyTable.Prefaulted(4);
            var random = new Random(11);
            var keys = Enumerable.Range(0, 200_000).Select(_ => new MessageKey((ulong)random.NextInt64(), (ulong)random.NextInt64())).ToList();
            keys.Add(new MessageKey(0, 0));
            keys.Add(new MessageKey(0, 5)); // shares the empty marker's first half
            keys.Add(new MessageKey(1UL << 40, 0));
            for (var i = 0; i < keys.Count; i++)
            {
                Assert.True(set.Add(keys[i]));
                Assert.True(map.TryAdd(keys[i], i, out _));
                Assert.True(made.Add(keys[i]));
            }

            Assert.All(keys, k => Assert.True(made.Contains(k)));
            Assert.Equal(keys.Count, made.Count);

            Assert.All(keys, k => Assert.False(set.Add(k)));
            Assert.All(keys, k => Assert.True(set.Contains(k)));
            for (var i = 0; i < keys.Count; i++)
            {
                Assert.False(map.TryAdd(keys[i], -1, out var existing));
                Assert.Equal(i, existing); // the position given first survives growth and the second add
            }

            Assert.False(set.Contains(new MessageKey(3, 3)));
            Assert.Equal(keys.Count, set.Count);
            Assert.Equal(keys.Count, map.Count);
        }

        [Fact]
        public void AClearedKeyTableHoldsNothingOfBeforeAndFillsAsANewOne()
        {
            var map = new KeyTable(withValues: true);
            var random = new Random(8);
            var before = Enumerable.Range(0, 300).Select(_ => new MessageKey((ulong)random.NextInt64(), (ulong)random.NextInt64())).Append(new MessageKey(0, 0)).ToList();
            for (var i = 0; i < before.Count; i++)
            {
                Assert.True(map.TryAdd(before[i], i, out _));
            }

            var slots = map.Slots;
            map.Clear();
            Assert.Equal(0, map.Count);
            Assert.Equal(slots, map.Slots); // the arrays are kept
            Assert.All(before, k => Assert.False(map.Contains(k)));

            // Refilled with some of the same keys at other positions: each key holds its new position.
            for (var i = 0; i < 100; i++)
            {
                Assert.True(map.TryAdd(before[before.Count - 1 - i], i, out _));
            }

            for (var i = 0; i < 100; i++)
            {
                Assert.False(map.TryAdd(before[before.Count - 1 - i], -1, out var existing));
                Assert.Equal(i, existing);
            }

            Assert.Equal(100, map.Count);
        }

        [Fact]
        public void KeyTableReserveMakesRoomInOneMoveAndKeepsEveryKey()
        {
            var table = new KeyTable();
            var random = new Random(5);
            var keys = Enumerable.Range(0, 1000).Select(_ => new MessageKey((ulong)random.NextInt64(), (ulong)random.NextInt64())).Append(new MessageKey(0, 0)).ToList();
            keys.ForEach(k => Assert.True(table.Add(k)));
            var slots = table.Slots;

            table.Reserve(10);
            Assert.Equal(slots, table.Slots); // room enough: nothing moves

            table.Reserve(100_000);
            Assert.Equal(131_072, table.Slots); // the least power of two holding 100,000 keys at most 85 % full
            Assert.Equal(keys.Count, table.Count);
            Assert.All(keys, k => Assert.True(table.Contains(k)));
            Assert.True(table.Room >= 100_000 - keys.Count);
            for (var i = 0; i < 99_000; i++)
            {
                table.Add(new MessageKey((ulong)random.NextInt64(), (ulong)random.NextInt64()));
            }

            Assert.Equal(131_072, table.Slots); // the keys reserved for came without a doubling
        }

        /// <summary>
        /// A run without the last run's table sizes (the first run, or one narrowed by dates or folders): once an eighth of its
        /// logs' bytes are claimed, a table about to grow grows once, to what the rest of the bytes promise, instead of
        /// doubling on the way (each doubling leaves the array before it as garbage). Claims are the same either way; a table
        /// made ahead at the last run's size is left as it is when the keys fit.
        /// </summary>
        [Fact]
        public void AGateProjectsItsTablesFromTheBytesClaimedInsteadOfDoublingThemToTheEnd()
        {
            const int files = 200, keysPerFile = 500;
            var sources = Enumerable.Range(0, files).Select(i => new SourceFile(ClaudeSource.Instance, $"/p/s{i:D4}.jsonl", 1000, DateTime.UnixEpoch, "/p")).ToList();
            MessageRows RowsOf(int file)
            {
                var rows = new MessageRows();
                for (var m = 0; m < keysPerFile; m++)
                {
                    // every file repeats its predecessor's last 10 messages (a resumed session's copies)
                    var id = (ulong)(file * (keysPerFile - 10) + m + 1);
                    rows.Add(new MessageRow { Key = new MessageKey(id * 0x9E3779B97F4A7C15UL, id), Response = new MessageKey(id * 0xC2B2AE3D27D4EB4FUL, id), Flags = RowFlags.HasKey | RowFlags.ResponseKnown });
                }

                return rows;
            }

            (int Claimed, List<int> Sizes, KeyTable Table) Run(DedupGate gate)
            {
                var claimedCount = 0;
                var sizes = new List<int>();
                var table = gate.ClaimedKeysOf("claude");
                for (var f = 0; f < files; f++)
                {
                    var rows = RowsOf(f);
                    gate.MakeRoom(sources[f], table, rows);
                    gate.Prepare("claude", table, rows, null);
                    for (var i = 0; i < rows.Count; i++)
                    {
                        claimedCount += gate.TryClaim("claude", table, rows[i].Key, rows[i]) ? 1 : 0;
                    }

                    sizes.Add(table.Slots);
                }

                return (claimedCount, sizes, table);
            }

            var unique = files * (keysPerFile - 10) + 10;
            var projecting = new DedupGate();
            projecting.Expect(sources);
            var projected = Run(projecting);
            var doubling = Run(new DedupGate());
            Assert.Equal(unique, doubling.Claimed);
            Assert.Equal(unique, projected.Claimed);

            // After the 25th file (25,000 of 200,000 bytes, an eighth) the table took its final size at once.
            var sample = 25;
            Assert.True(projected.Sizes.Skip(sample).Distinct().Count() <= 2, string.Join(",", projected.Sizes.Distinct()));
            Assert.Equal(131_072, projected.Sizes[^1]); // 98,010 keys at most 85 % full
            Assert.True(doubling.Sizes.Skip(sample).Distinct().Count() > 3); // what it replaces: a doubling at every power of two
            Assert.Equal(unique, projecting.TableSizes()["claude/responses"]);

            // Tables made ahead at the last run's size, the history unchanged: the keys fit, nothing moves.
            var ahead = new DedupGate();
            ahead.Adopt(GateTables.For(new Dictionary<string, int> { ["claude"] = unique, ["claude/responses"] = unique }, new[] { "claude" }));
            ahead.Expect(sources);
            var made = ahead.ClaimedKeysOf("claude").Slots;
            var warm = Run(ahead);
            Assert.Equal(unique, warm.Claimed);
            Assert.All(warm.Sizes, size => Assert.Equal(made, size));
        }

        /// <summary>
        /// A run of the whole history gets the tables of its own clients made ahead at the last run's sizes, and the gate
        /// claims into them. A table of a client not in the run is never made.
        /// </summary>
        [Fact]
        public void GateTablesAreMadeAheadOnlyForTheRunsOwnClients()
        {
            var sizes = new Dictionary<string, int> { ["claude"] = 5000, [DedupGate.ResponsesTableName("claude")] = 4000, ["codex"] = 3000 };
            var made = GateTables.For(sizes, new[] { "claude", "gemini" });
            Assert.Equal(new[] { "claude" }, made.Claimed.Keys);
            Assert.Equal(new[] { "claude" }, made.Responses.Keys);

            var gate = new DedupGate();
            gate.Adopt(made);
            var claimed = gate.ClaimedKeysOf("claude");
            Assert.Same(made.Claimed["claude"], claimed);
            var row = new MessageRow { Key = new MessageKey(1, 2), Response = new MessageKey(3, 4), Flags = RowFlags.HasKey | RowFlags.ResponseKnown };
            Assert.True(gate.TryClaim("claude", claimed, row.Key, row));
            Assert.False(gate.TryClaim("claude", claimed, row.Key, row));
            Assert.Equal(new Dictionary<string, int> { ["claude"] = 1, ["claude/responses"] = 1 }, gate.TableSizes());
            Assert.Equal(1, made.Responses["claude"].Count);
        }

        /// <summary>
        /// A table size past what is backed ahead (a damaged meta row, which the cache caps at 16M keys: 512 MB of table)
        /// is made plainly: it costs address space, not memory, until keys fill it.
        /// </summary>
        [Fact]
        public void AnAbsurdTableSizeCostsAddressSpaceNotMemory()
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            process.Refresh();
            var before = process.WorkingSet64;
            var tables = GateTables.For(new Dictionary<string, int> { ["claude"] = 16 * 1024 * 1024 }, new[] { "claude" });
            process.Refresh();
            var grown = process.WorkingSet64 - before;
            Assert.True(grown < 256L * 1024 * 1024, $"the working set grew by {grown / (1024 * 1024)} MB");
            Assert.True(tables.Claimed["claude"].Add(new MessageKey(1, 2)));
            GC.KeepAlive(tables);
        }

        private sealed class ListSink : IScanSink
        {
            public List<UsageFile> Files { get; } = new();
            public List<ScanProgress> Progress { get; } = new();
            public List<string> Warnings { get; } = new();
            public bool WantsVerbose => false;
            public void File(UsageFile file) => Files.Add(file);
            public void Error(ScanError error) => throw new Xunit.Sdk.XunitException(error.Path + ": " + error.Exception);
            public void Verbose(string message) => throw new InvalidOperationException("verbose text built while not wanted");
            public void Warning(string message) => Warnings.Add(message);
            void IScanSink.Progress(ScanProgress progress) => Progress.Add(progress);
        }

        [Fact]
        public void ScannerReportsThrottledProgressEndingWithCompletedAndSkipsOldFilesForSince()
        {
            using var dir = new TempDir();
            var home = TokUsage.TestData.ClaudeHomeGenerator.Generate(dir.Path, new TokUsage.TestData.ClaudeHomeOptions { Sessions = 30, Seed = 9 });
            var read = new ReadOptions(TokUsage.Pricing.PriceBook.Embedded, DateWindow.All);
            var request = new ScanRequest(new[] { ClaudeSource.Instance }, new[] { new ScanTarget(home.ProjectsDir, true) }, ClientEnvironment.FromProcess(), read, 2)
            {
                ProgressInterval = TimeSpan.FromTicks(1),
            };
            var sink = new ListSink();
            new UsageScanner(request).Run(sink, CancellationToken.None);
            Assert.NotEmpty(sink.Progress);
            Assert.True(sink.Progress.Last().Completed);
            Assert.Equal(100, sink.Progress.Last().Percent);
            Assert.Equal(TokUsage.TestData.ExpectedTotals.Of(home.Messages).Total, sink.Files.Sum(f => f.TotalTokens));

            // -Since: files last written more than a day before are not even discovered.
            var cutoff = home.Messages.Max(m => m.Timestamp).UtcDateTime.Date.AddDays(-3);
            var since = new ScanRequest(request.Clients, request.Targets, request.Environment, new ReadOptions(read.Prices, new DateWindow(TimeZoneInfo.Utc, cutoff, null)), 2);
            var discovered = new FileDiscovery(since).Discover(sink);
            Assert.All(discovered, f => Assert.True(f.LastWriteUtc >= cutoff.AddDays(-1)));
            Assert.True(discovered.Count < home.Files.Count);
        }

        /// <summary>
        /// One history under two folders (a backup named beside the live folder, or <c>~/.claude</c> and
        /// <c>~/.config/claude</c> both holding it): each log's copies are read one after the other, so a resumed session's
        /// file waits for its original's copies and not for every file of the folders between them (with whole paths
        /// ordered, a warm run of a 16k-file history under four folders peaked at twice one folder's memory). Totals, by
        /// session too, are the one folder's.
        /// </summary>
        [Fact]
        public void CopiesOfOneHistoryUnderTwoFoldersAreReadSideBySideAndCountOnce()
        {
            using var dir = new TempDir();
            var home = TokUsage.TestData.ClaudeHomeGenerator.Generate(dir.Combine("home"), new TokUsage.TestData.ClaudeHomeOptions { Sessions = 30, Seed = 11, ResumeRate = 0.4 });
            var live = home.ProjectsDir;
            var backup = dir.Combine("backup", "projects");
            foreach (var file in Directory.EnumerateFiles(live, "*", SearchOption.AllDirectories))
            {
                var copy = backup + file.Substring(live.Length);
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }

            var read = new ReadOptions(TokUsage.Pricing.PriceBook.Embedded, DateWindow.All);
            ScanRequest Request(params string[] roots) =>
                new ScanRequest(new[] { ClaudeSource.Instance }, roots.Select(r => new ScanTarget(r, true)).ToArray(), ClientEnvironment.FromProcess(), read, 2);

            // The folders as a user may name them: one with a trailing separator, one through "..".
            var named = new[] { live + Path.DirectorySeparatorChar, Path.Combine(dir.Path, "backup", "..", "backup", "projects") };
            var order = new FileDiscovery(Request(named)).Discover(new ListSink()).Select(f => f.Path).ToList();
            Assert.Equal(2 * home.Files.Count, order.Count);
            for (var i = 0; i < order.Count; i += 2)
            {
                var below = order[i].Substring(backup.Length); // the backup's copy first: its whole path sorts first
                Assert.Equal(backup + below, order[i]);
                Assert.Equal(live + below, order[i + 1]);
            }

            Assert.Contains(home.ResumedFrom, pair => string.CompareOrdinal(pair.Key, pair.Value) < 0); // some resumed files wait

            var both = new ListSink();
            new UsageScanner(Request(live, backup)).Run(both, CancellationToken.None);
            var one = new ListSink();
            new UsageScanner(Request(live)).Run(one, CancellationToken.None);
            Assert.Equal(TokUsage.TestData.ExpectedTotals.Of(home.Messages).Total, both.Files.Sum(f => f.TotalTokens));
            static Dictionary<string, long> BySession(ListSink sink) =>
                sink.Files.GroupBy(f => f.SessionId).ToDictionary(g => g.Key, g => g.Sum(f => f.TotalTokens));
            Assert.Equal(BySession(one).OrderBy(p => p.Key, StringComparer.Ordinal), BySession(both).OrderBy(p => p.Key, StringComparer.Ordinal));
        }

        /// <summary>
        /// An agent's cleanup deleting a log while the folders are listed (issue: hostile inputs, 6): the scan counts the
        /// other files instead of losing the whole report. The file rule deletes each third file as the walk meets it.
        /// </summary>
        [Fact]
        public void AFileDeletedWhileTheFoldersAreListedCountsNothingAndLosesNothingElse()
        {
            using var dir = new TempDir();
            var home = TokUsage.TestData.ClaudeHomeGenerator.Generate(dir.Path, new TokUsage.TestData.ClaudeHomeOptions { Sessions = 12, Seed = 4 });
            var doomed = home.Files.Where((_, i) => i % 3 == 0).ToHashSet(StringComparer.Ordinal);
            var racing = new TokUsage.Clients.Common.FileClient(
                "claude",
                _ => Array.Empty<ScanRoot>(),
                path =>
                {
                    if (doomed.Contains(path) && File.Exists(path))
                    {
                        File.Delete(path); // the cleanup wins the race between listing and stat
                    }

                    return ClaudeSource.Instance.IsUsageFile(path);
                },
                ClaudeSource.Instance.Read,
                ".claude");
            var read = new ReadOptions(TokUsage.Pricing.PriceBook.Embedded, DateWindow.All);
            var request = new ScanRequest(new IClientSource[] { racing }, new[] { new ScanTarget(home.ProjectsDir, true) }, ClientEnvironment.FromProcess(), read, 2);
            var sink = new ListSink();
            new UsageScanner(request).Run(sink, CancellationToken.None);
            Assert.NotEmpty(doomed);
            Assert.DoesNotContain(sink.Files, f => doomed.Contains(f.Path));

            // The same as a scan of what the cleanup left.
            var after = new ListSink();
            var plain = new ScanRequest(new[] { ClaudeSource.Instance }, request.Targets, request.Environment, read, 2);
            new UsageScanner(plain).Run(after, CancellationToken.None);
            Assert.NotEmpty(after.Files);
            // (The racing client is not Claude Code: it admits every file in path order, so a message copied between files
            // can be owned by another file than Claude Code's rules say, and the totals are what must agree.)
            Assert.Equal((after.Files.Sum(f => f.TotalTokens), after.Files.Sum(f => f.Cost)), (sink.Files.Sum(f => f.TotalTokens), sink.Files.Sum(f => f.Cost)));
        }

        [Fact]
        public void DependencyResolverAnswersOnlyForShippedAssembliesAndTheModulesOwnRequests()
        {
            using var dir = new TempDir();
            var deps = Directory.CreateDirectory(dir.Combine("dependencies")).FullName;
            File.WriteAllBytes(Path.Combine(deps, "System.Memory.dll"), new byte[] { 0 });
            var resolver = new DependencyResolver(dir.Path, deps);
            var requested = "System.Memory, Version=4.0.1.1, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51";
            Assert.Equal(Path.Combine(deps, "System.Memory.dll"), resolver.Find(requested, dir.Combine("TokUsage.dll")));
            Assert.Equal(Path.Combine(deps, "System.Memory.dll"), resolver.Find(requested, null));
            Assert.Null(resolver.Find(requested, "/other/module/Other.dll"));
            Assert.Null(resolver.Find("Newtonsoft.Json, Version=13.0.0.0", dir.Combine("TokUsage.dll")));
            Assert.False(DependencyResolver.IsNeeded); // .NET: the runtime serves System.Text.Json
        }
    }
}
