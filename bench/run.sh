#!/usr/bin/env bash
# Side-by-side benchmark: TokUsage (in a fresh PowerShell host process, tools/TokUsage.Host) against ccusage 20.0.24,
# tokscale 4.17.0 (without and with its cache) and `cat` of the same files, on corpora built by the repo's generator
# (bench/TokUsage.Bench corpus): Claude Code histories of ~1k, ~4k and ~16k files shaped like real ones, plus a Codex
# corpus. Prints wall time, CPU time and peak RSS (medians of --runs runs, page cache warm), the ratios the targets in
# docs/performance.md are stated in, and fails if the tools disagree on total tokens.
#
# TokUsage is measured cold (no cache), warm (nothing changed) and after appending to the corpus' largest file.
#
# --tokusage-only measures TokUsage alone (no cat, no peers): for sizes the peers take minutes on, such as the 64k-file
# history of the memory target; the table then also gives each Claude corpus' peak RSS against the smallest one's.
#
# Usage: bench/run.sh [--sizes "1000 4000 16000"] [--codex 1500] [--runs 3] [--work DIR] [--markdown FILE] [--tokusage-only]
# Needs: .NET SDK 10, npm (peers are installed into the work folder, never committed), python3, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
sizes="1000 4000 16000"
codex=1500
runs=3
append_lines=50
work=${TMPDIR:-/tmp}/tokusage-bench
markdown=""
only_tokusage=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --codex) codex=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --markdown) markdown=$2; shift 2 ;;
    --tokusage-only) only_tokusage=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
results="$work/results.tsv"
: > "$results"

echo "== build" >&2
dotnet build -c Release "$repo/TokUsage.sln" -nologo -v quiet >&2
bench_dll="$repo/bench/TokUsage.Bench/bin/Release/net10.0/TokUsage.Bench.dll"
"$repo/bench/host.sh" "$work/host" # the host every TokUsage run below starts in (ReadyToRun, as pwsh ships)
host_dll="$work/host/TokUsage.Host.dll"
module="$repo/out/TokUsage/TokUsage.psd1"

echo "== peers" >&2
[ "$only_tokusage" = 1 ] || "$repo/bench/install-peers.sh" "$work/peers" >/dev/null
ccusage="$work/peers/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
tokscale="$work/peers/node_modules/@tokscale/cli-linux-x64-gnu/bin/tokscale"

# measure <corpus> <tool> <tokens-file> <command...>: runs the command $runs times under /usr/bin/time, appends the
# median wall/CPU/RSS to results.tsv; the command's stdout goes to <tokens-file> (parsed for the token total later).
# When $before is set, it is evaluated before each run, outside the timing. A TokUsage run also prints the seconds its
# pipeline took inside the PowerShell session ("in-session"), kept as a sixth column.
before=""
measure() {
  local corpus=$1 tool=$2 out=$3; shift 3
  local times="$work/times.$$" inside="$work/inside.$$"
  : > "$times"
  : > "$inside"
  for _ in $(seq "$runs"); do
    if [ -n "$before" ]; then eval "$before"; fi
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.$$" "$@" > "$out" 2> "$work/stderr.$$" || { cat "$work/stderr.$$" >&2; exit 1; }
    cat "$work/time.$$" >> "$times"
    sed -n 's/^in-session //p' "$out" >> "$inside"
  done
  python3 - "$corpus" "$tool" "$times" "$inside" >> "$results" <<'EOF'
import statistics, sys
corpus, tool, path, inside = sys.argv[1:5]
rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
wall = statistics.median(r[0] for r in rows)
cpu = statistics.median(r[1] + r[2] for r in rows)
rss = statistics.median(r[3] for r in rows) / 1024
session = [float(l) for l in open(inside) if l.strip()]
print(f"{corpus}\t{tool}\t{wall:.2f}\t{cpu:.2f}\t{rss:.0f}\t" + (f"{statistics.median(session):.3f}" if session else ""))
EOF
}

# tokens <tool> <file>: the total tokens a tool reported.
tokens() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
tool, path = sys.argv[1:3]
text = open(path).read()
if tool == "tokusage":
    print(int(text.strip().splitlines()[-1]))
elif tool.startswith("ccusage"):
    print(json.loads(text)["totals"]["totalTokens"])
elif tool.startswith("tokscale"):
    d = json.loads(text)
    print(sum(e["input"] + e["output"] + e["cacheRead"] + e["cacheWrite"] + e["reasoning"] for e in d["entries"]))
EOF
}

tokusage_script='Import-Module $env:TOKUSAGE_MODULE; $clock = [Diagnostics.Stopwatch]::StartNew(); $t = 0; Get-TokenUsage -Client $env:TOKUSAGE_CLIENT | Measure-TokenUsage -By Day | ForEach-Object { $t += $_.TotalTokens }; "in-session $($clock.Elapsed.TotalSeconds)"; $t'
export TOKUSAGE_MODULE="$module"

run_corpus() {
  local name=$1 kind=$2 files=$3
  local home="$work/$name"
  echo "== corpus $name ($kind, $files files)" >&2
  dotnet "$bench_dll" corpus --kind "$kind" --files "$files" --out "$home" > "$work/$name.json"
  find "$home" -name '*.jsonl' -print0 > "$work/$name.files"
  local client=claude
  [ "$kind" = codex ] && client=codex

  if [ "$only_tokusage" != 1 ]; then  # cat and the peers
    measure "$name" cat /dev/null sh -c "xargs -0 cat < '$work/$name.files' > /dev/null"

    if [ "$kind" = claude ]; then
      measure "$name" ccusage "$work/$name.ccusage" env HOME="$home" CLAUDE_CONFIG_DIR="$home/.claude" "$ccusage" daily --json --offline
    else
      measure "$name" ccusage "$work/$name.ccusage" env HOME="$home" CODEX_HOME="$home/.codex" "$ccusage" codex daily --json --offline
    fi

    # tokscale without its cache: a fresh config folder for every run; with its cache: one folder, warmed first.
    local fresh="$work/tokscale-fresh"
    measure "$name" tokscale "$work/$name.tokscale" sh -c "rm -rf '$fresh'; TOKSCALE_CONFIG_DIR='$fresh' TOKSCALE_PRICING_CACHE_ONLY=1 '$tokscale' --home '$home' models --json --no-spinner --client $client"
    local warm="$work/tokscale-warm-$name"
    rm -rf "$warm"
    TOKSCALE_CONFIG_DIR="$warm" TOKSCALE_PRICING_CACHE_ONLY=1 "$tokscale" --home "$home" models --json --no-spinner --client $client > /dev/null 2>&1
    measure "$name" tokscale-warm "$work/$name.tokscale-warm" env TOKSCALE_CONFIG_DIR="$warm" TOKSCALE_PRICING_CACHE_ONLY=1 "$tokscale" --home "$home" models --json --no-spinner --client $client
  fi

  # TokUsage cold: no cache at the start of each run (the run fills it); warm: nothing changed since the last run;
  # append: before each run, lines are appended to the corpus' largest file (outside the timing).
  local cache="$work/cache-$name"
  before="rm -rf '$cache'"
  measure "$name" tokusage "$work/$name.tokusage" env HOME="$home" XDG_CACHE_HOME="$cache" TOKUSAGE_CLIENT=$client dotnet "$host_dll" "$tokusage_script"
  before=""
  measure "$name" tokusage-warm "$work/$name.tokusage-warm" env HOME="$home" XDG_CACHE_HOME="$cache" TOKUSAGE_CLIENT=$client dotnet "$host_dll" "$tokusage_script"

  # TokUsage must report exactly the generator's own expected total; ccusage must agree on Claude (its Codex totals
  # count stale snapshots, docs/clients.md); tokscale's difference is reported: it counts the other buckets of lines
  # whose token counts are not numbers, which TokUsage and ccusage skip as damaged.
  local ours truth theirs
  ours=$(tokens tokusage "$work/$name.tokusage")
  truth=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['tokens'])" "$work/$name.json")
  if [ "$ours" != "$truth" ]; then
    echo "MISMATCH $name: tokusage $ours tokens, generator expects $truth" >&2
    exit 1
  fi
  for tool in ccusage tokscale tokscale-warm; do
    [ "$only_tokusage" = 1 ] && break
    theirs=$(tokens "$tool" "$work/$name.$tool")
    if [ "$ours" = "$theirs" ]; then
      continue
    fi
    if [ "$tool" = ccusage ] && [ "$kind" = claude ]; then
      echo "MISMATCH $name: tokusage $ours tokens, ccusage $theirs" >&2
      exit 1
    fi
    echo "$name: $tool reports $theirs tokens, $((theirs - ours)) more than TokUsage and the generator" >&2
  done
  theirs=$(tokens tokusage "$work/$name.tokusage-warm")
  if [ "$theirs" != "$truth" ]; then
    echo "MISMATCH $name: tokusage with a warm cache $theirs tokens, generator expects $truth" >&2
    exit 1
  fi
  echo "$name: TokUsage matches the generator's $truth tokens (cold and warm)" >&2

  local largest
  # The largest log whose last line is complete (a torn last line would swallow the first appended one).
  largest=$(python3 -c "
import os, sys
paths = [p for p in open(sys.argv[1], 'rb').read().decode().split('\0') if p]
def whole(p):
  with open(p, 'rb') as f:
      f.seek(-1, 2)
      return f.read(1) == b'\n'
print(max((p for p in paths if whole(p)), key=os.path.getsize))" "$work/$name.files")
  before="python3 '$repo/bench/append.py' '$largest' $append_lines $kind"
  measure "$name" tokusage-append "$work/$name.tokusage-append" env HOME="$home" XDG_CACHE_HOME="$cache" TOKUSAGE_CLIENT=$client dotnet "$host_dll" "$tokusage_script"
  before=""
  ours=$(tokens tokusage "$work/$name.tokusage-append")
  local expected=$((truth + runs * append_lines * 150))
  if [ "$ours" != "$expected" ]; then
    echo "MISMATCH $name: tokusage after appends $ours tokens, expected $expected" >&2
    exit 1
  fi
  echo "$name: after appending $append_lines messages per run to $(basename "$largest") ($(du -h "$largest" | cut -f1)), TokUsage counts exactly them on top" >&2
}

for size in $sizes; do
  run_corpus "claude-$size" claude "$size"
done
if [ "$codex" -gt 0 ]; then
  run_corpus "codex-$codex" codex "$codex"
fi

python3 - "$results" "$work" "$markdown" <<'EOF'
import json, os, platform, subprocess, sys
results, work, markdown = sys.argv[1:4]
rows = {}
for line in open(results):
    corpus, tool, wall, cpu, rss, session = line.rstrip("\n").split("\t")
    rows.setdefault(corpus, {})[tool] = (float(wall), float(cpu), float(rss), float(session) if session else None)
cpu_name = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
out = [f"Machine: {cpu_name}, {os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB, {platform.platform()}", ""]
out.append("| corpus | files | GB | messages | tool | wall s | CPU s | peak RSS MB | in-session s | wall / ccusage | wall / cat | wall / tokscale-warm | vs TokUsage cold (wall, in-session) |")
out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for corpus, tools in rows.items():
    meta = json.load(open(os.path.join(work, corpus + ".json")))
    ratio = lambda wall, name: f"{wall / tools[name][0]:.2f}" if name in tools else ""
    cold = tools.get("tokusage")
    for tool, (wall, cpu, rss, session) in tools.items():
        inside = f"{session:.3f}" if session is not None else ""
        versus = ""
        if tool in ("tokusage-warm", "tokusage-append") and cold:
            versus = f"{wall / cold[0]:.2f}, {session / cold[3]:.2f}"
        out.append(f"| {corpus} | {meta['files']} | {meta['bytes'] / 1e9:.2f} | {meta['messages']} | {tool} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {inside} | {ratio(wall, 'ccusage')} | {ratio(wall, 'cat')} | {ratio(wall, 'tokscale-warm')} | {versus} |")
claude = [c for c in rows if c.startswith("claude-")]
if len(claude) > 1:
    base = claude[0]
    out += ["", f"Peak RSS against {base}: " + "; ".join(
        f"{corpus} {tool} {rows[corpus][tool][2] / rows[base][tool][2]:.2f} x"
        for corpus in claude[1:] for tool in ("tokusage", "tokusage-warm") if tool in rows[corpus] and tool in rows[base])]
text = "\n".join(out)
print(text)
if markdown:
    open(markdown, "w").write(text + "\n")
EOF
