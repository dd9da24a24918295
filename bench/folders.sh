#!/usr/bin/env bash
# One Claude Code history under several folders (issue 20's flatness target, read as "the 16k one read four times under
# different roots"): does a run's memory stay flat when the same files are found under N folders?
#   bench/folders.sh --home DIR [--folders N (default 4)] [--rounds R (default 5)] [--mode warm|cold (default warm)]
# DIR is a corpus home holding .claude (bench/run.sh's work folder holds them, or `TokUsage.Bench corpus`). The script
# makes N hard-linked copies of DIR/.claude in a temporary folder (`cp -al`: the same files, so the page cache holds one
# copy of each), names one of them, then all N, in CLAUDE_CONFIG_DIR, and runs
# Get-TokenUsage | Measure-TokenUsage -By Day in fresh host processes (tools/TokUsage.Host, as bench/run.sh), one folder
# and N folders in turn for R rounds; warm runs keep a cache each (one warm-up run first), cold runs delete it before
# each run. Prints each run's in-session time and peak RSS, then per side the medians, and N folders' peak against one
# folder's. The totals of both sides must be equal (every message of the copies is a duplicate): the script fails if not.
# Needs: dotnet (the repo's tool manifest: dotnet tool restore), python3, /usr/bin/time; run build.ps1 -Task Build first.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
home=""
folders=4
rounds=5
mode=warm
while [ $# -gt 0 ]; do
  case "$1" in
    --home) home=$2; shift 2 ;;
    --folders) folders=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$home" ] && [ -d "$home/.claude" ] || { echo "--home must name a folder holding .claude" >&2; exit 2; }
case "$mode" in warm|cold) ;; *) echo "--mode is warm or cold" >&2; exit 2 ;; esac
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$repo/bench/host.sh" "$work/host"
for i in $(seq "$folders"); do
  cp -al "$home/.claude" "$work/folder$i"
done
mkdir -p "$work/home" # a home of its own: only the folders named are read
find "$home/.claude" -type f -exec cat {} + > /dev/null # the page cache holds the corpus, as in bench/run.sh

one="$work/folder1"
all="$(seq -s, -f "$work/folder%g" "$folders")"
script='Import-Module $env:TOKUSAGE_MODULE; $clock = [Diagnostics.Stopwatch]::StartNew(); $tokens = 0; Get-TokenUsage -Client claude -WarningAction SilentlyContinue | Measure-TokenUsage -By Day -Total:$false | ForEach-Object { $tokens += $_.TotalTokens }; "$($clock.Elapsed.TotalSeconds) $tokens"'
export TOKUSAGE_MODULE="$repo/out/TokUsage/TokUsage.psd1" HOME="$work/home"

run() { # run <side> <folders>: one fresh host, its time, tokens and peak RSS appended to $work/<side>
  local side=$1 named=$2
  [ "$mode" = cold ] && rm -rf "$work/cache-$side"
  local out
  out=$(CLAUDE_CONFIG_DIR="$named" XDG_CACHE_HOME="$work/cache-$side" /usr/bin/time -f "%M" -o "$work/time" \
    dotnet "$work/host/TokUsage.Host.dll" "$script")
  echo "$out $(cat "$work/time")" >> "$work/$side"
  echo "$side: in-session ${out%% *} s, peak $(( $(cat "$work/time") / 1024 )) MB"
}

if [ "$mode" = warm ]; then
  run one "$one" > /dev/null
  run all "$all" > /dev/null
  : > "$work/one"
  : > "$work/all"
fi
for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then run one "$one"; run all "$all"; else run all "$all"; run one "$one"; fi
done

python3 - "$work/one" "$work/all" "$folders" "$mode" <<'PY'
import statistics, sys
def side(path):
    rows = [line.split() for line in open(path) if line.strip()]
    return [float(r[0]) for r in rows], {int(r[1]) for r in rows}, [int(r[2]) / 1024 for r in rows]
t1, tok1, m1 = side(sys.argv[1])
tn, tokn, mn = side(sys.argv[2])
n, mode = sys.argv[3], sys.argv[4]
print(f"{mode}, 1 folder:  in-session median {statistics.median(t1):.3f} s, peak RSS median {statistics.median(m1):.1f} MB ({min(m1):.1f}-{max(m1):.1f})")
print(f"{mode}, {n} folders: in-session median {statistics.median(tn):.3f} s, peak RSS median {statistics.median(mn):.1f} MB ({min(mn):.1f}-{max(mn):.1f})")
print(f"peak RSS, {n} folders against 1: {statistics.median(mn) / statistics.median(m1):.2f} x")
if len(tok1) != 1 or tok1 != tokn:
    sys.exit(f"totals differ: 1 folder {sorted(tok1)}, {n} folders {sorted(tokn)}")
print(f"totals equal: {tok1.pop()} tokens")
PY
