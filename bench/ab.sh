#!/usr/bin/env bash
# Two builds side by side on one corpus, for a change too small for this machine's run-to-run spread (20–30 % within
# minutes on the 2-core bench machines): the rounds alternate the builds and swap their order every round (ABBA), so a
# drift of the machine falls on both; each run is a fresh host process, as in bench/run.sh.
#   bench/ab.sh <commit> --home DIR [--client claude|codex] [--mode cold|warm] [--rounds N]
# <commit> is the build to compare against: it is built in a temporary worktree; the other is this checkout's out/
# (run build.ps1 -Task Build first). --home is a corpus home (bench/run.sh's work folder holds them, or
# `TokUsage.Bench corpus`); cold runs delete their cache before each run, warm runs keep it (one warm-up run first).
# Prints each round, then per build the median in-session time, process CPU, peak RSS and, over the run alone, the
# collector's pauses, the bytes allocated and the collections (which vary far less than times), the pairs the current
# build won, and, where readable, the TLB shootdowns and page faults a run caused (perf stat, /proc/interrupts).
# Needs: dotnet, python3, /usr/bin/time; perf for the fault counts (optional).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
base="${1:?usage: bench/ab.sh <commit> --home DIR [--client C] [--mode cold|warm] [--rounds N]}"
shift
home=""
client=claude
mode=cold
rounds=6
while [ $# -gt 0 ]; do
  case "$1" in
    --home) home=$2; shift 2 ;;
    --client) client=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$home" ] || { echo "--home is required" >&2; exit 2; }
work="$(mktemp -d)"
trap 'git -C "$repo" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git -C "$repo" worktree add -q --detach "$work/base" "$base"
(cd "$work/base" && dotnet tool restore >/dev/null && dotnet pwsh -NoProfile -File ./build.ps1 -Task Build >/dev/null)
"$repo/bench/host.sh" "$work/host" # the host every TokUsage run below starts in (ReadyToRun, as pwsh ships)
find "$home" -type f -exec cat {} + > /dev/null # the page cache holds the corpus, as in bench/run.sh

script='Import-Module $env:TOKUSAGE_MODULE; $pause = [GC]::GetTotalPauseDuration(); $allocated = [GC]::GetTotalAllocatedBytes($true); $collections = [GC]::CollectionCount(0); $clock = [Diagnostics.Stopwatch]::StartNew(); $null = Get-TokenUsage -Client $env:TOKUSAGE_CLIENT -WarningAction SilentlyContinue | Measure-TokenUsage -By Day; $t = $clock.Elapsed.TotalSeconds; "in-session $t $(([GC]::GetTotalPauseDuration() - $pause).TotalMilliseconds) $(([GC]::GetTotalAllocatedBytes($true) - $allocated) / 1MB) $([GC]::CollectionCount(0) - $collections)"'
have_perf=0
perf stat -x, -e task-clock true >/dev/null 2>&1 && have_perf=1
shootdowns() { awk '/TLB/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' /proc/interrupts 2>/dev/null || echo 0; }

run() { # run <build> <module dir>: one fresh process; prints "<build> <in-session> <GC pause ms> <allocated MB> <collections> <cpu s> <faults> <shootdowns> <peak RSS MB>"
  local build=$1 module=$2 cache="$work/cache-$1" before after line cpu faults
  [ "$mode" = cold ] && rm -rf "$cache"
  before=$(shootdowns)
  if [ $have_perf = 1 ]; then
    line=$(HOME="$home" XDG_CACHE_HOME="$cache" TOKUSAGE_CLIENT="$client" TOKUSAGE_MODULE="$module/TokUsage.psd1" \
      perf stat -x, -e task-clock,page-faults -o "$work/stat" /usr/bin/time -f "%M" -o "$work/rss" dotnet "$work/host/TokUsage.Host.dll" "$script" | sed -n 's/^in-session //p')
    cpu=$(awk -F, '/task-clock/ { printf "%.3f", $1 / 1000 }' "$work/stat")
    faults=$(awk -F, '/page-faults/ { print $1 }' "$work/stat")
  else
    line=$(HOME="$home" XDG_CACHE_HOME="$cache" TOKUSAGE_CLIENT="$client" TOKUSAGE_MODULE="$module/TokUsage.psd1" \
      /usr/bin/time -f "%U %S %M" -o "$work/stat" dotnet "$work/host/TokUsage.Host.dll" "$script" | sed -n 's/^in-session //p')
    cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$work/stat")
    awk '{ print $3 }' "$work/stat" > "$work/rss"
    faults=-
  fi
  after=$(shootdowns)
  echo "$build $line $cpu $faults $((after - before)) $(awk '{ printf "%.1f", $1 / 1024 }' "$work/rss")"
}

if [ "$mode" = warm ]; then
  run base "$work/base/out/TokUsage" > /dev/null
  run current "$repo/out/TokUsage" > /dev/null
fi
: > "$work/rounds"
for round in $(seq "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order="base current"; else order="current base"; fi
  for build in $order; do
    if [ "$build" = base ]; then module="$work/base/out/TokUsage"; else module="$repo/out/TokUsage"; fi
    run "$build" "$module" | tee -a "$work/rounds"
  done
done

python3 - "$work/rounds" "$base" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
by = {b: [r for r in rows if r[0] == b] for b in ("base", "current")}
for build, runs in by.items():
    times = [float(r[1]) for r in runs]
    pause = [float(r[2]) for r in runs]
    allocated = [float(r[3]) for r in runs]
    collections = [int(r[4]) for r in runs]
    cpu = [float(r[5]) for r in runs]
    faults = [r[6] for r in runs]
    tlb = [r[7] for r in runs]
    rss = [float(r[8]) for r in runs]
    label = f"{build} ({sys.argv[2]})" if build == "base" else build
    print(f"{label}: in-session median {statistics.median(times):.3f} s ({min(times):.3f}-{max(times):.3f}), "
          f"CPU median {statistics.median(cpu):.2f} s, peak RSS median {statistics.median(rss):.1f} MB ({min(rss):.1f}-{max(rss):.1f}); "
          f"GC pause median {statistics.median(pause):.0f} ms ({min(pause):.0f}-{max(pause):.0f}), allocated {statistics.median(allocated):.0f} MB, "
          f"{statistics.median(collections):.0f} collections; page faults {', '.join(faults)}; TLB shootdowns {', '.join(tlb)}")
pairs = list(zip(by["base"], by["current"]))
won = sum(1 for b, c in pairs if float(c[1]) < float(b[1]))
print(f"current faster in {won} of {len(pairs)} rounds")
EOF
