#!/usr/bin/env bash
# Where a warm run's peak memory goes (issue 20's memory target), a step at a time: the peak RSS of fresh host processes
# (tools/TokUsage.Host, published ReadyToRun as bench/run.sh does) that do a little more each, on one corpus home.
#   bench/memory.sh --home DIR [--client claude|codex] [--runs R (default 3)]
# Rows (median and range of R processes, MB):
#   empty       the host running an empty script;
#   import      Import-Module TokUsage;
#   tables      the import, then arrays of the dedup gate's tables at the size the last whole run left in the cache's
#               meta (a power of two of 16-byte slots, at most 85 % full), written once a page: what exact dedup holds;
#   warm        a warm run (Get-TokenUsage | Measure-TokenUsage -By Day), after one run that fills the cache;
#   warm-gen0   the same with the runtime's first-generation budget forced to 4 MB (DOTNET_GCgen0size, a setting of the
#               host process, not the module's): how much of the peak is that budget.
# Needs: dotnet (the repo's tool manifest: dotnet tool restore), python3, /usr/bin/time; run build.ps1 -Task Build first.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
home=""
client=claude
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --home) home=$2; shift 2 ;;
    --client) client=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$home" ] || { echo "--home is required" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$repo/bench/host.sh" "$work/host" # the host every TokUsage run below starts in (ReadyToRun, as pwsh ships)
export HOME="$home" XDG_CACHE_HOME="$work/cache" TOKUSAGE_MODULE="$repo/out/TokUsage/TokUsage.psd1" TOKUSAGE_CLIENT="$client"
find "$home" -type f -exec cat {} + > /dev/null # the page cache holds the corpus, as in bench/run.sh
warm='Import-Module $env:TOKUSAGE_MODULE; $null = Get-TokenUsage -Client $env:TOKUSAGE_CLIENT -WarningAction SilentlyContinue | Measure-TokenUsage -By Day'
dotnet "$work/host/TokUsage.Host.dll" "$warm" > /dev/null # fills the cache and its table sizes

# The gate's tables as the last whole run sized them (DedupGate.TableSizes, kept in the cache's meta).
slots=$(python3 - "$work/cache/TokUsage/usage-cache.db" <<'PY'
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute("SELECT value FROM meta WHERE key = 'messages'").fetchone()
sizes = [int(part.split('=')[1]) for part in (row[0].split() if row else [])]
def slots(keys):
    size = 16
    while size * 0.85 < keys:
        size <<= 1
    return size
print(' '.join(str(slots(k)) for k in sizes))
PY
)
# As plain as a script gets: the arrays in variables, one loop writing a byte a page of each (a loop PowerShell
# compiles, once); no pipeline holding them.
tables='Import-Module $env:TOKUSAGE_MODULE'
touch=''
most=0
t=0
for n in $slots; do
  t=$((t + 1))
  tables="$tables; \$t$t = [byte[]]::new($((n * 16)))"
  touch="$touch if (\$i -lt $((n * 16))) { \$t$t[\$i] = 1 };"
  [ $((n * 16)) -gt $most ] && most=$((n * 16))
done
tables="$tables; for (\$i = 0; \$i -lt $most; \$i += 4096) {$touch }"

peak() { # peak <label> <script> [env...]: the median and range of $runs processes' peak RSS
  local label=$1 script=$2; shift 2
  : > "$work/rss"
  for _ in $(seq "$runs"); do
    env "$@" /usr/bin/time -f "%M" -a -o "$work/rss" dotnet "$work/host/TokUsage.Host.dll" "$script" > /dev/null 2>&1
  done
  python3 - "$label" "$work/rss" <<'PY'
import statistics, sys
values = sorted(int(l) / 1024 for l in open(sys.argv[2]) if l.strip())
print(f"{sys.argv[1]:<10} {statistics.median(values):7.1f} MB  ({values[0]:.1f}-{values[-1]:.1f})")
PY
}

echo "gate tables: $slots slots (16 bytes each)"
peak empty '$null'
peak import 'Import-Module $env:TOKUSAGE_MODULE'
peak tables "$tables"
peak warm "$warm"
peak warm-gen0 "$warm" DOTNET_GCgen0size=0x400000
