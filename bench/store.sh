#!/usr/bin/env bash
# The usage store at scale (issue 16): saving a generated Claude Code history of N messages, saving it again, and reading
# it back after the logs are gone.
#   bench/store.sh [messages, default 1000000] [files, default 1000]
# Generates (once, into out/bench-store/) N messages in `files` transcripts, then in fresh pwsh processes under
# /usr/bin/time (module from out/TokUsage: run build.ps1 first), each printing its wall time and peak RSS:
#   1. Get-TokenUsage -NoCache | Save-TokenUsage          into a new store (the rate is messages / wall time)
#   2. the same again                                     (nothing added)
#   3. Get-TokenUsage -NoCache | Measure-TokenUsage        with the transcripts moved away: all from the store
# and checks that every run saw every message and the totals agree.
# Needs: python3, /usr/bin/time, dotnet pwsh (dotnet tool restore).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
messages="${1:-1000000}"
files="${2:-1000}"
work="$repo/out/bench-store/$messages-$files"
logs="$work/projects"
module="${TOKUSAGE_MODULE_UNDER_TEST:-$repo/out/TokUsage/TokUsage.psd1}"

if [ ! -f "$work/expected" ]; then
  rm -rf "$work"
  mkdir -p "$logs"
  python3 "$repo/bench/claude-history.py" "$logs" "$messages" "$files" "$work/expected"
fi

read -r count tokens < "$work/expected"
store="$work/usage.db"
rm -f "$store" "$store-wal" "$store-shm"
echo "history: $count messages in $files transcripts ($(du -sm "$logs" | cut -f1) MB), $tokens tokens"

run() {  # run <label> <script>: prints the script's output line, wall seconds and peak RSS
  local label="$1" script="$2" out
  out="$(cd "$repo" && TOKUSAGE_MODULE="$module" TOKUSAGE_LOGS="$logs" TOKUSAGE_STORE="$store" \
    /usr/bin/time -f "%e s, peak RSS %M KB" dotnet pwsh -NoProfile -NonInteractive -Command "Import-Module \$env:TOKUSAGE_MODULE; $script" 2>&1)"
  echo "$label: $(echo "$out" | head -1) | $(echo "$out" | tail -1)"
}

run "save (new store)" '$r = Get-TokenUsage -Path $env:TOKUSAGE_LOGS -NoCache -NoStore | Save-TokenUsage -StorePath $env:TOKUSAGE_STORE; "added $($r.Added) stored $($r.StoredMessages) in $([math]::Round($r.Elapsed.TotalSeconds, 2)) s = $([math]::Round($r.Added / $r.Elapsed.TotalSeconds)) msg/s"'
run "save again" '$r = Get-TokenUsage -Path $env:TOKUSAGE_LOGS -NoCache -NoStore | Save-TokenUsage -StorePath $env:TOKUSAGE_STORE; "added $($r.Added) already $($r.AlreadyStored) in $([math]::Round($r.Elapsed.TotalSeconds, 2)) s"'
run "read with logs (store passed over)" '$t = Get-TokenUsage -Path $env:TOKUSAGE_LOGS -NoCache -StorePath $env:TOKUSAGE_STORE | Measure-TokenUsage -Total | Where-Object IsTotal; "messages $($t.Messages) tokens $($t.TotalTokens)"'
mv "$logs" "$logs.away"
mkdir -p "$logs"
trap 'rm -rf "$logs"; mv "$logs.away" "$logs"' EXIT
run "read after the logs are gone" '$t = Get-TokenUsage -Path $env:TOKUSAGE_LOGS -NoCache -StorePath $env:TOKUSAGE_STORE -WarningAction SilentlyContinue | Measure-TokenUsage -Total | Where-Object IsTotal; "messages $($t.Messages) tokens $($t.TotalTokens)"'
echo "store: $(du -m "$store" | cut -f1) MB"
