#!/usr/bin/env python3
"""append.py <log> <lines> [claude|codex]: appends <lines> new messages of 150 tokens each (100 input, 50 output) to a
log, as a live session does. Claude Code: assistant messages with ~1 KB of text. Codex CLI: token_count events whose
running total goes on from the rollout's last one (so each is new, not a re-emitted or stale snapshot), each with a
conversation item before it as Codex writes. Used by bench/run.sh outside the timing."""
import json, sys, time, uuid

path, count = sys.argv[1], int(sys.argv[2])
kind = sys.argv[3] if len(sys.argv) > 3 else "claude"
now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def line(obj):
    return json.dumps(obj, separators=(",", ":")) + "\n"


if kind == "claude":
    with open(path, "a", encoding="utf-8") as f:
        for _ in range(count):
            mid = uuid.uuid4().hex
            f.write(line({
                "type": "assistant",
                "timestamp": now,
                "requestId": "req_bench_" + mid,
                "message": {"id": "msg_bench_" + mid, "model": "claude-sonnet-4-5-20250929", "role": "assistant",
                            "content": [{"type": "text", "text": "appended " * 110}],
                            "usage": {"input_tokens": 100, "output_tokens": 50}},
            }))
elif kind == "codex":
    total = {"input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0, "reasoning_output_tokens": 0, "total_tokens": 0}
    with open(path, "rb") as f:
        for raw in f:
            try:
                event = json.loads(raw)
                info = event["payload"]["info"]
                if event.get("type") == "event_msg" and event["payload"].get("type") == "token_count" and info:
                    last_total = info.get("total_token_usage")
                    if last_total and last_total.get("total_tokens", 0) >= total["total_tokens"]:
                        total = {k: int(last_total.get(k, 0) or 0) for k in total}
            except (ValueError, KeyError, TypeError, AttributeError):
                pass
    with open(path, "a", encoding="utf-8") as f:
        for _ in range(count):
            f.write(line({"timestamp": now, "type": "response_item", "payload": {
                "type": "function_call_output", "call_id": "call_" + uuid.uuid4().hex, "output": "appended " * 110}}))
            total["input_tokens"] += 100
            total["output_tokens"] += 50
            total["total_tokens"] += 150
            f.write(line({"timestamp": now, "type": "event_msg", "payload": {"type": "token_count", "info": {
                "total_token_usage": dict(total),
                "last_token_usage": {"input_tokens": 100, "cached_input_tokens": 0, "output_tokens": 50,
                                     "reasoning_output_tokens": 0, "total_tokens": 150}}}}))
else:
    sys.exit("append.py: kind must be claude or codex")
