#!/usr/bin/env bash
# The Claude Code status line (issues 18 and 20): Get-TokenUsageStatusLine on a generated history whose transcripts were
# last written ten days ago, plus one live session of ten messages in the last hour, with a warm per-file cache.
#   bench/statusline.sh [files, default 4000] [runs, default 7]
# Builds the history once (out/bench-statusline/<files>/home, the repo's corpus generator), then prints:
#   1. in-session: one pwsh runs the status line once to warm up, then <runs> more, each timed (median, min, max);
#   2. each step of one in-session answer (the same calls Get-TokenUsageStatusLine makes), timed after the warm-up;
#   3. the walk's floor: the same tree listed and stat'ed by bench/walk-floor.c (C), when a compiler is here;
#   4. whole process, as Claude Code runs it (<runs> fresh pwsh processes reading the JSON on standard input), with
#      peak RSS, and the same pwsh doing nothing (the host floor).
# The answer is checked against the live session's messages (its cost must be the same in every run).
# Needs: dotnet (the repo's tool manifest: dotnet tool restore), python3, /usr/bin/time; run build.ps1 -Task Build first.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
files="${1:-4000}"
runs="${2:-7}"
work="$repo/out/bench-statusline/$files"
home="$work/home"
module="${TOKUSAGE_MODULE_UNDER_TEST:-$repo/out/TokUsage/TokUsage.psd1}"
bench_dll="$repo/bench/TokUsage.Bench/bin/Release/net10.0/TokUsage.Bench.dll"
[ -f "$bench_dll" ] || dotnet build -c Release "$repo/bench/TokUsage.Bench" -nologo -v quiet >&2

if [ ! -f "$work/session.json" ]; then
  rm -rf "$work"
  mkdir -p "$work"
  dotnet "$bench_dll" corpus --kind claude --files "$files" --out "$home" > "$work/corpus.json"
  find "$home/.claude" -type f -exec touch -d '10 days ago' {} +
  python3 - "$home" "$work/session.json" <<'EOF'
import datetime, json, os, sys, uuid
home, out = sys.argv[1:3]
session = str(uuid.UUID(int=0x5EED))
folder = os.path.join(home, ".claude", "projects", "-home-dev-live")
os.makedirs(folder, exist_ok=True)
transcript = os.path.join(folder, session + ".jsonl")
now = datetime.datetime.now(datetime.timezone.utc)
with open(transcript, "w") as f:
    for i in range(10):
        at = (now - datetime.timedelta(minutes=55 - 5 * i)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        f.write(json.dumps({"type": "assistant", "sessionId": session, "cwd": "/home/dev/live", "timestamp": at,
                            "requestId": f"req_live_{i}", "message": {"id": f"msg_live_{i}", "model": "claude-sonnet-4-5-20250929",
                            "usage": {"input_tokens": 1000 + i, "output_tokens": 200, "cache_read_input_tokens": 30000,
                                      "cache_creation_input_tokens": 500}}}) + "\n")
json.dump({"session_id": session, "transcript_path": transcript, "cwd": "/home/dev/live",
           "model": {"id": "claude-sonnet-4-5-20250929", "display_name": "Sonnet 4.5"}}, open(out, "w"))
EOF
fi

# `dotnet pwsh` finds its tool package and the CLI's own files under the user's home: keep them there.
export NUGET_PACKAGES="${NUGET_PACKAGES:-$HOME/.nuget/packages}" DOTNET_CLI_HOME="${DOTNET_CLI_HOME:-$HOME}"
export HOME="$home" XDG_CACHE_HOME="$work/cache" XDG_CONFIG_HOME="$work/config" TOKUSAGE_MODULE="$module" TOKUSAGE_RUNS="$runs"
export TOKUSAGE_JSON="$work/session.json"
echo "history: $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['files'])" "$work/corpus.json") transcripts ten days old, one live session"

cd "$repo"
dotnet pwsh -NoProfile -NonInteractive -Command '
Import-Module $env:TOKUSAGE_MODULE
$json = Get-Content -Raw $env:TOKUSAGE_JSON
$info = $json | ConvertFrom-Json
$first = $json | Get-TokenUsageStatusLine   # warm-up: fills the cache on the first run of the history
$times = foreach ($i in 1..[int]$env:TOKUSAGE_RUNS) {
  $clock = [Diagnostics.Stopwatch]::StartNew()
  $line = $json | Get-TokenUsageStatusLine
  $clock.Elapsed.TotalMilliseconds
  if ($line -ne $first -and ($line -split " \| ")[1] -ne ($first -split " \| ")[1]) { throw "the session cost changed between runs: $first / $line" }
}
$sorted = @($times | Sort-Object)
"in-session: median {0:N1} ms (min {1:N1}, max {2:N1}) over {3} runs; line: {4}" -f $sorted[[int]($sorted.Count / 2)], $sorted[0], $sorted[-1], $sorted.Count, $line
$quiet = @{ WarningAction = "SilentlyContinue"; ErrorAction = "SilentlyContinue" }
$folder = Split-Path -Parent $info.transcript_path
$steps = [ordered]@{
  "session (its project folder)" = { Get-TokenUsage -LiteralPath $folder -Client claude @quiet | Where-Object SessionId -EQ $info.session_id | Measure-TokenUsage -By Session -Total:$false | Out-Null }
  "today and the block (-Since yesterday)" = { $u = @(Get-TokenUsage -Client claude -Since ((Get-Date).Date.AddDays(-1)) @quiet); $u | Measure-TokenUsage -By Block -Total:$false | Out-Null }
  "the walk alone (Get-TokenUsageSource)" = { Get-TokenUsageSource -Client claude @quiet | Out-Null }
}
foreach ($step in $steps.GetEnumerator()) {
  $t = foreach ($i in 1..[int]$env:TOKUSAGE_RUNS) { (Measure-Command $step.Value).TotalMilliseconds }
  $s = @($t | Sort-Object)
  "  {0}: median {1:N1} ms" -f $step.Key, $s[[int]($s.Count / 2)]
}
'

# The floor under the walk: the same tree listed and stat'ed by a C program (bench/walk-floor.c), when a C compiler is here.
if command -v cc > /dev/null; then
  cc -O2 -o "$work/walk-floor" "$repo/bench/walk-floor.c"
  for relative in 0 1; do
    echo "walk floor in C, $("$work/walk-floor" "$home/.claude/projects" "$relative" | sort -t' ' -k6 -n | sed -n 3p)  (median of 5)"
  done
fi

whole() {  # whole <label> <command>: median wall seconds and peak RSS of $runs fresh processes
  local label="$1"; shift
  local times=()
  for _ in $(seq "$runs"); do
    times+=("$( { /usr/bin/time -f "%e %M" "$@" < "$TOKUSAGE_JSON" > /dev/null; } 2>&1 | tail -1)")
  done
  printf '%s\n' "${times[@]}" | python3 -c "import statistics,sys; r=[l.split() for l in sys.stdin if l.strip()]; w=sorted(float(a) for a,_ in r); m=sorted(int(b) for _,b in r); print(f'$label: median {statistics.median(w):.2f} s (min {w[0]:.2f}, max {w[-1]:.2f}), peak RSS median {statistics.median(m)/1024:.0f} MB')"
}
whole "whole process (fresh pwsh, JSON on stdin)" dotnet pwsh -NoProfile -NonInteractive -Command 'Import-Module $env:TOKUSAGE_MODULE; $input | Get-TokenUsageStatusLine'
whole "host floor (the same pwsh, exit 0)" dotnet pwsh -NoProfile -NonInteractive -Command 'exit 0'
