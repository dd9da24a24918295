#!/usr/bin/env bash
# The system calls of one warm run (issue 20): `Get-TokenUsage | Measure-TokenUsage -By Day` in a fresh host over a
# generated Claude Code history whose per-file cache the first run fills, counted by strace for the second run.
#   bench/syscalls.sh [files, default 4000]
# Prints strace's summary (calls by system call: the cache's locks and page reads, the walk's stats and listings).
# Counts, not times: strace slows every call, so its seconds say nothing about a run without it.
# Needs: dotnet (the repo's tool manifest), strace; run build.ps1 -Task Build first.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
files="${1:-4000}"
work="$repo/out/bench-syscalls/$files"
module="${TOKUSAGE_MODULE_UNDER_TEST:-$repo/out/TokUsage/TokUsage.psd1}"
bench_dll="$repo/bench/TokUsage.Bench/bin/Release/net10.0/TokUsage.Bench.dll"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"  # the tool manifest's pwsh, found while HOME is the generated one
cli_home="${DOTNET_CLI_HOME:-$HOME}"
command -v strace > /dev/null || { echo "strace is needed (apt-get install strace)" >&2; exit 1; }
[ -f "$bench_dll" ] || dotnet build -c Release "$repo/bench/TokUsage.Bench" -nologo -v quiet >&2
if [ ! -f "$work/corpus.json" ]; then
  rm -rf "$work"
  mkdir -p "$work"
  dotnet "$bench_dll" corpus --kind claude --files "$files" --out "$work/home" > "$work/corpus.json"
fi

rm -rf "$work/cache"
script='Import-Module $env:TOKUSAGE_MODULE; $t = 0; Get-TokenUsage -Client claude -WarningAction SilentlyContinue | Measure-TokenUsage -By Day | ForEach-Object { $t += $_.TotalTokens }; $t'
run() {
  HOME="$work/home" XDG_CACHE_HOME="$work/cache" TOKUSAGE_MODULE="$module" \
    NUGET_PACKAGES="$packages" DOTNET_CLI_HOME="$cli_home" \
    "$@" dotnet pwsh -NoProfile -NonInteractive -Command "$script"
}
(cd "$repo" && run env) > /dev/null       # fills the cache
(cd "$repo" && run strace -f -c -o "$work/strace.txt" -e trace=fcntl,pread64,openat,statx,newfstatat,getdents64) > "$work/tokens.txt"
echo "tokens: $(tail -1 "$work/tokens.txt") (generator: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tokens"])' "$work/corpus.json"))"
cat "$work/strace.txt"
