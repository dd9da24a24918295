#!/usr/bin/env bash
# The floors under a warm run (issue 20): what a Claude Code history's warm run costs beyond the parts no design that
# stats every log and hands one object per log down the pipeline can leave out.
#   bench/floors.sh [--files N (default 16000) | --home DIR (a home holding .claude, e.g. bench/run.sh's corpus)] [--runs R (default 4)]
# Prints, in one pwsh session after two warm-up runs (medians of R rounds, seconds):
#   whole     Get-TokenUsage | Measure-TokenUsage -By Day, the warm run itself;
#   walk      Get-TokenUsageSource: the folders walked and every log stat'ed, nothing read;
#   collect   Get-TokenUsage into a variable (every file's object kept, so more memory than a streamed run);
#   fold      the variable through Measure-TokenUsage -By Day: the objects handed down and folded, nothing read;
#   hand      the variable through ForEach-Object {}: the objects handed down alone;
# then, over R fresh processes, the first run's time and the JIT compiling during it ([System.Runtime.JitInfo]);
# then the dedup gate alone at the history's size (TokUsage.Bench gate, tables made ahead as a warm run makes them).
# Needs: dotnet (the repo's tool manifest: dotnet tool restore), python3; run build.ps1 -Task Build first.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
files=16000
runs=4
home=""
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --home) home=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
module="${TOKUSAGE_MODULE_UNDER_TEST:-$repo/out/TokUsage/TokUsage.psd1}"
bench_dll="$repo/bench/TokUsage.Bench/bin/Release/net10.0/TokUsage.Bench.dll"
[ -f "$bench_dll" ] || dotnet build -c Release "$repo/bench/TokUsage.Bench" -nologo -v quiet >&2
if [ -n "$home" ]; then
  work="$repo/out/bench-floors/$(basename "$home")"
  mkdir -p "$work"
else
  work="$repo/out/bench-floors/$files"
  home="$work/home"
  mkdir -p "$work"
  [ -d "$home/.claude" ] || dotnet "$bench_dll" corpus --kind claude --files "$files" --out "$home" > "$work.corpus.json"
fi

# `dotnet pwsh` finds its tool package and the CLI's own files under the user's home: keep them there.
export NUGET_PACKAGES="${NUGET_PACKAGES:-$HOME/.nuget/packages}" DOTNET_CLI_HOME="${DOTNET_CLI_HOME:-$HOME}"
export HOME="$home" XDG_CACHE_HOME="$work/cache" XDG_CONFIG_HOME="$work/config" TOKUSAGE_MODULE="$module" TOKUSAGE_RUNS="$runs"
cd "$repo"
find "$home/.claude" -type f -exec cat {} + > /dev/null # the page cache holds the logs, as in bench/run.sh

median() { python3 -c 'import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(v):.3f} ({min(v):.3f}-{max(v):.3f})")' "$@"; }

echo "== in one session (seconds, median (min-max) of $runs)"
dotnet pwsh -NoProfile -Command '
  Import-Module $env:TOKUSAGE_MODULE
  function Time([scriptblock]$work) { $clock = [Diagnostics.Stopwatch]::StartNew(); $null = & $work; $clock.Elapsed.TotalSeconds }
  1..2 | ForEach-Object { $null = Get-TokenUsage -Client claude -WarningAction SilentlyContinue | Measure-TokenUsage -By Day }
  foreach ($round in 1..[int]$env:TOKUSAGE_RUNS) {
    $whole = Time { Get-TokenUsage -Client claude -WarningAction SilentlyContinue | Measure-TokenUsage -By Day }
    $walk = Time { Get-TokenUsageSource -Client claude }
    $clock = [Diagnostics.Stopwatch]::StartNew(); $files = Get-TokenUsage -Client claude -WarningAction SilentlyContinue; $collect = $clock.Elapsed.TotalSeconds
    $fold = Time { $files | Measure-TokenUsage -By Day }
    $hand = Time { $files | ForEach-Object { } }
    "$whole $walk $collect $fold $hand $($files.Count)"
  }' > "$work/session.txt"
for column in whole:1 walk:2 collect:3 fold:4 hand:5; do
  echo "${column%%:*} $(median $(cut -d' ' -f"${column##*:}" "$work/session.txt"))"
done
echo "objects $(head -1 "$work/session.txt" | cut -d' ' -f6)"

echo "== fresh processes: the first run, and the JIT compiling during it (seconds)"
: > "$work/fresh.txt"
for _ in $(seq "$runs"); do
  dotnet pwsh -NoProfile -Command '
    Import-Module $env:TOKUSAGE_MODULE
    $jit = [System.Runtime.JitInfo]::GetCompilationTime($false)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $null = Get-TokenUsage -Client claude -WarningAction SilentlyContinue | Measure-TokenUsage -By Day
    "$($clock.Elapsed.TotalSeconds) $(([System.Runtime.JitInfo]::GetCompilationTime($false) - $jit).TotalSeconds)"' >> "$work/fresh.txt"
done
echo "run $(median $(cut -d' ' -f1 "$work/fresh.txt"))"
echo "jit $(median $(cut -d' ' -f2 "$work/fresh.txt"))"

echo "== the dedup gate alone"
# The generator's count of messages (its corpus.json: beside a --files corpus, or beside a bench/run.sh home); else the
# distinct request ids, about one a message (slow on gigabytes; the gate's time per message does not need it exact).
summary="$work.corpus.json"
[ -f "$summary" ] || summary="${home%/}.json"
if [ -f "$summary" ]; then
  messages=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["messages"])' "$summary")
else
  messages=$(find "$home/.claude" -name '*.jsonl' -exec grep -oh '"requestId":"[^"]*"' {} + | sort -u | wc -l)
fi
count=$(find "$home/.claude" -name '*.jsonl' | wc -l)
dotnet "$bench_dll" gate --messages "$messages" --files "$count"
