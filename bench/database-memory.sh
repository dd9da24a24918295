#!/usr/bin/env bash
# Peak memory of reading one large OpenCode database (issue 21: a history database must not be held whole).
#   bench/database-memory.sh [messages, default 1000000] [sessions, default 100] [runs, default 3]
# Generates (once, into out/bench-db/) an opencode.db in OpenCode 1.2's message/session schema: the sessions written
# one after another, as people work, every message a finished assistant message of Anthropic usage. Then runs
#   Get-TokenUsage -Path opencode.db | Measure-TokenUsage -By Session
# in a fresh pwsh under /usr/bin/time (module from out/TokUsage: run build.ps1 first) and prints wall seconds, peak RSS
# and the fold's total tokens, which must equal the generator's.
# Needs: python3 (its sqlite3), /usr/bin/time, dotnet pwsh (dotnet tool restore).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
messages="${1:-1000000}"
sessions="${2:-100}"
runs="${3:-3}"
work="$repo/out/bench-db"
db="$work/opencode-$messages-$sessions/opencode.db"
mkdir -p "$(dirname "$db")"

if [ ! -f "$db" ]; then
  python3 - "$db" "$messages" "$sessions" <<'PY'
import json, sqlite3, sys
path, messages, sessions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
db = sqlite3.connect(path + ".tmp")
db.executescript("""
CREATE TABLE session (id text PRIMARY KEY, directory text NOT NULL, title text);
CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, time_created integer, data text NOT NULL);
CREATE INDEX message_session_idx ON message(session_id);
""")
per = messages // sessions
total = 0
start = 1767225600000  # 2026-01-01
for s in range(sessions):
    sid = f"ses_{s:05d}"
    db.execute("INSERT INTO session VALUES (?, ?, ?)", (sid, f"/home/dev/project{s % 7}", f"session {s}"))
    rows = []
    for m in range(per):
        created = start + (s * per + m) * 20_000
        usage = {"input": 1200 + m % 50, "output": 300 + m % 17, "reasoning": 0, "cache": {"read": 20000 + m, "write": 500}}
        total += usage["input"] + usage["output"] + usage["cache"]["read"] + usage["cache"]["write"]
        data = {"id": f"msg_{s}_{m}", "sessionID": sid, "role": "assistant", "modelID": "claude-sonnet-4-5-20250929",
                "providerID": "anthropic", "mode": "build", "path": {"cwd": f"/home/dev/project{s % 7}", "root": f"/home/dev/project{s % 7}"},
                "cost": 0, "time": {"created": created, "completed": created + 4000}, "tokens": usage, "finish": "stop"}
        rows.append((f"msg_{s}_{m}", sid, created, json.dumps(data)))
    db.executemany("INSERT INTO message VALUES (?, ?, ?, ?)", rows)
db.commit()
db.close()
import os
os.replace(path + ".tmp", path)
with open(os.path.join(os.path.dirname(path), "expected-tokens"), "w") as f:
    f.write(str(total))
PY
fi

expected="$(cat "$(dirname "$db")/expected-tokens")"
module="${TOKUSAGE_MODULE_UNDER_TEST:-$repo/out/TokUsage/TokUsage.psd1}"
script='Import-Module $env:TOKUSAGE_MODULE; $t = 0; Get-TokenUsage -Path $env:TOKUSAGE_DB -NoCache | Measure-TokenUsage -By Session | ForEach-Object { $t += $_.TotalTokens }; $t'
echo "database: $db ($(du -m "$db" | cut -f1) MB, $messages messages in $sessions sessions); expected tokens $expected"
for run in $(seq 1 "$runs"); do
  out="$(cd "$repo" && TOKUSAGE_MODULE="$module" TOKUSAGE_DB="$db" /usr/bin/time -f "%e s, peak RSS %M KB" dotnet pwsh -NoProfile -NonInteractive -Command "$script" 2>&1)"
  tokens="$(echo "$out" | head -1)"
  [ "$tokens" = "$expected" ] || { echo "run $run: total $tokens, expected $expected" >&2; echo "$out" >&2; exit 1; }
  echo "run $run: $(echo "$out" | tail -1), tokens $tokens"
done
