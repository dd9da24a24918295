#!/usr/bin/env python3
"""A generated Claude Code history for the benchmarks (bench/store.sh, bench/team.sh).

    claude-history.py LOGS MESSAGES FILES EXPECTED

Writes MESSAGES assistant lines (one model, distinct message and request ids) spread over FILES transcripts in 13
project folders under LOGS, and "<messages> <tokens>" into EXPECTED: the totals every run must find.
"""
import json, os, sys
logs, messages, files, expected = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
per = messages // files
total = 0
for f in range(files):
    project = os.path.join(logs, f"-home-dev-project{f % 13}")
    os.makedirs(project, exist_ok=True)
    session = f"{f:08d}-0000-4000-8000-000000000000"
    with open(os.path.join(project, session + ".jsonl"), "w") as out:
        for m in range(per):
            seconds = (f * per + m) * 7
            stamp = f"2026-{1 + (seconds // 86400 // 28) % 12:02d}-{1 + (seconds // 86400) % 28:02d}T{(seconds // 3600) % 24:02d}:{(seconds // 60) % 60:02d}:{seconds % 60:02d}.000Z"
            usage = {"input_tokens": 3 + m % 40, "output_tokens": 200 + m % 300, "cache_read_input_tokens": 40000 + m, "cache_creation_input_tokens": 900 + m % 50}
            total += sum(usage.values())
            line = {"parentUuid": None, "isSidechain": False, "type": "assistant", "timestamp": stamp, "sessionId": session,
                    "cwd": f"/home/dev/project{f % 13}", "requestId": f"req_{f}_{m}",
                    "message": {"id": f"msg_{f}_{m}", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
                                "content": [{"type": "text", "text": "done"}], "usage": usage}}
            out.write(json.dumps(line) + "\n")
with open(expected, "w") as e:
    e.write(f"{per * files} {total}\n")
