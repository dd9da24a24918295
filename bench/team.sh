#!/usr/bin/env bash
# The team database at scale (issue 17): Send-TokenUsage ships a generated Claude Code history of N messages to a real
# PostgreSQL through a loopback proxy that adds latency, parallel (the defaults: 4 connections, 16 MB in flight) against
# serial (one batch at a time: -ThrottleLimit 1 and -MaxInFlightBytes of one batch, so each batch is awaited before the
# next is read), on the same data with the same batches.
#   bench/team.sh [messages, default 1000000] [files, default 1000]      LATENCIES="0 5 20" (ms per round trip)
# Each run is a fresh pwsh process under /usr/bin/time, into an empty database; the history is read from a warm per-file
# cache so both senders get the same input as fast as the reader gives it. Prints per run: messages/s, MB/s (the
# sender's batch bytes, and the bytes the proxy forwarded to the server), peak RSS, and checks that the database holds
# every message and every token. The in-flight bytes over time (Send-TokenUsage -Verbose) of each run go to
# out/bench-team/trace-<latency>-<mode>.txt.
# Then the sender alone (TokUsage.Bench team: messages made in-process, no log reading) compares the two ways to write a
# batch, one INSERT … SELECT FROM unnest(arrays) ON CONFLICT against COPY into a temporary table merged with INSERT …
# ON CONFLICT, each parallel and serial, at each latency.
# Needs: Debian's postgresql, python3, /usr/bin/time, dotnet pwsh (dotnet tool restore), the module built (build.ps1).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
messages="${1:-1000000}"
files="${2:-1000}"
latencies="${LATENCIES:-0 5 20}"
history="$repo/out/bench-store/$messages-$files"
logs="$history/projects"
work="$repo/out/bench-team"
module="${TOKUSAGE_MODULE_UNDER_TEST:-$repo/out/TokUsage/TokUsage.psd1}"
export TOKUSAGE_TEST_PGDATA="$work/pg" TOKUSAGE_TEST_PGPORT=54339
proxy_port=54340
mkdir -p "$work"

if [ ! -f "$history/expected" ]; then
  rm -rf "$history"
  mkdir -p "$logs"
  python3 "$repo/bench/claude-history.py" "$logs" "$messages" "$files" "$history/expected"
fi
read -r count tokens < "$history/expected"

bash "$repo/tests/postgres.sh" start >/dev/null
proxy_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
  bash "$repo/tests/postgres.sh" stop || true
}
trap cleanup EXIT
sql() { psql -h 127.0.0.1 -p "$TOKUSAGE_TEST_PGPORT" -U postgres -tA -v ON_ERROR_STOP=1 "$@"; }

cache="$work/cache"
(cd "$repo" && TOKUSAGE_MODULE="$module" dotnet pwsh -NoProfile -NonInteractive -Command \
  "Import-Module \$env:TOKUSAGE_MODULE; Get-TokenUsage -Path '$logs' -CachePath '$cache' -NoStore | Out-Null")
echo "history: $count messages in $files transcripts ($(du -sm "$logs" | cut -f1) MB), $tokens tokens; cache warm"
echo "machine: $(nproc) cores, PostgreSQL $(sql -d postgres -c 'SHOW server_version')"

for latency in $latencies; do
  python3 "$repo/bench/delay-proxy.py" "$proxy_port" "$TOKUSAGE_TEST_PGPORT" "$latency" "$work/proxy-stats" &
  proxy_pid=$!
  sleep 0.5
  for mode in parallel serial; do
    sql -d postgres -c "DROP DATABASE IF EXISTS bench WITH (FORCE)" -c "CREATE DATABASE bench" >/dev/null
    sql -d bench -c "SELECT 1" >/dev/null
    before="$(cut -d' ' -f1 "$work/proxy-stats")"
    options=""
    [ "$mode" = serial ] && options="-ThrottleLimit 1 -MaxInFlightBytes 2MB"
    trace="$work/trace-$latency-$mode.txt"
    out="$(cd "$repo" && TOKUSAGE_MODULE="$module" /usr/bin/time -f "peak RSS %M KB, wall %e s" dotnet pwsh -NoProfile -NonInteractive -Command "
      Import-Module \$env:TOKUSAGE_MODULE
      \$r = Get-TokenUsage -Path '$logs' -CachePath '$cache' -NoStore | Send-TokenUsage -ConnectionString 'Host=127.0.0.1;Port=$proxy_port;Database=bench;Username=postgres' $options -Verbose 4> '$trace'
      '{0} {1} {2} {3} {4}' -f \$r.Added, \$r.Elapsed.TotalSeconds, \$r.Bytes, \$r.PeakInFlightBytes, \$r.Batches" 2>&1)"
    sleep 0.6
    after="$(cut -d' ' -f1 "$work/proxy-stats")"
    read -r added seconds bytes peak batches <<<"$(echo "$out" | head -1)"
    stored="$(sql -d bench -c 'SELECT count(*), sum(input + output + cache_read + cache_write) FROM tokusage_message')"
    check="ok"
    [ "$stored" = "$count|$tokens" ] || check="MISMATCH: database holds $stored, expected $count|$tokens"
    python3 - "$latency" "$mode" "$added" "$seconds" "$bytes" "$((after - before))" "$peak" "$batches" "$(echo "$out" | tail -1)" "$check" <<'PY'
import sys
latency, mode, added, seconds, sent, wire, peak, batches, rss, check = sys.argv[1:]
added, seconds, sent, wire, peak = int(added), float(seconds), int(sent), int(wire), int(peak)
print(f"latency {latency} ms, {mode:8}: {added} msgs in {seconds:.1f} s = {added / seconds:,.0f} msg/s, "
      f"{sent / seconds / 1e6:.1f} MB/s batches ({wire / seconds / 1e6:.1f} MB/s to the server), {batches} batches, "
      f"peak in flight {peak / 1e6:.1f} MB, {rss} | {check}")
PY
  done
  kill "$proxy_pid"
  wait "$proxy_pid" 2>/dev/null || true
  proxy_pid=""
done

bench_dll="$repo/bench/TokUsage.Bench/bin/Release/net10.0/TokUsage.Bench.dll"
for latency in $latencies; do
  python3 "$repo/bench/delay-proxy.py" "$proxy_port" "$TOKUSAGE_TEST_PGPORT" "$latency" "$work/proxy-stats" &
  proxy_pid=$!
  sleep 0.5
  for method in unnest copy; do
    for mode in parallel serial; do
      sql -d postgres -c "DROP DATABASE IF EXISTS bench WITH (FORCE)" -c "CREATE DATABASE bench" >/dev/null
      options="--throttle 4 --in-flight 16777216"
      [ "$mode" = serial ] && options="--throttle 1 --in-flight 2097152"
      echo "latency $latency ms, sender alone: $(dotnet "$bench_dll" team --connection "Host=127.0.0.1;Port=$proxy_port;Database=bench;Username=postgres" --messages "$count" --method "$method" $options)"
    done
  done
  kill "$proxy_pid"
  wait "$proxy_pid" 2>/dev/null || true
  proxy_pid=""
done
