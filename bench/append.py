#!/usr/bin/env python3
"""append.py <transcript> <lines>: appends <lines> new Claude Code assistant messages (150 tokens each: 100 input,
50 output, ~1 KB of text) to a transcript, as a live session does. Used by bench/run.sh outside the timing."""
import json, sys, time, uuid
path, count = sys.argv[1], int(sys.argv[2])
with open(path, "a", encoding="utf-8") as f:
    for _ in range(count):
        mid = uuid.uuid4().hex
        f.write(json.dumps({
            "type": "assistant",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "requestId": "req_bench_" + mid,
            "message": {"id": "msg_bench_" + mid, "model": "claude-sonnet-4-5-20250929", "role": "assistant",
                        "content": [{"type": "text", "text": "appended " * 110}],
                        "usage": {"input_tokens": 100, "output_tokens": 50}},
        }, separators=(",", ":")) + "\n")
