#!/usr/bin/env bash
# Fuzzes one reader family (or all) with AFL++ through SharpFuzz for a given time, then prints what AFL++ counted.
#   tools/fuzz.sh <claude|codex|agents|databases|prices|codec|all, or a comma-separated list> [seconds per family, default 600]
# With all, FUZZ_JOBS families (default: one per core) run at once; FUZZ_SECONDS_<family> overrides the time of one.
# Needs afl-fuzz (Debian: apt-get install afl++). Builds tools/TokUsage.Fuzz into out/fuzz/bin, instruments its copy of
# TokUsage.dll (the module's own build is untouched), writes seeds from the generators, and leaves AFL++'s findings in
# out/fuzz/findings/<family>. A crash or hang found is replayed with
#   dotnet out/fuzz/plain/TokUsage.Fuzz.dll replay <family> out/fuzz/findings/<family>/default/crashes/id:*
# and is kept as a regression input under tests/FuzzRegressions/<family>/ (the suite replays those).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
family="${1:?family: claude, codex, agents, databases, prices, codec, a comma-separated list, or all}"
seconds="${2:-600}"
out="$root/out/fuzz"
command -v afl-fuzz >/dev/null || { echo "afl-fuzz is not installed (Debian: apt-get install afl++)" >&2; exit 1; }

cd "$root"
dotnet tool restore >/dev/null
rm -rf "$out/bin" "$out/plain"
dotnet publish tools/TokUsage.Fuzz -c Release -o "$out/plain" --nologo -v quiet
cp -r "$out/plain" "$out/bin"
dotnet sharpfuzz "$out/bin/TokUsage.dll"   # instrumented code only runs under afl-fuzz: seeds and replays use plain/

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
IFS=, read -r -a families <<<"$family"   # one family, several (claude,codex) or all
[ "$family" = all ] && families=(claude codex agents databases prices codec)
jobs="${FUZZ_JOBS:-$(nproc)}"   # one afl-fuzz per core

fuzz_one() {
  local f="$1"
  local override="FUZZ_SECONDS_$f"
  local secs="${!override:-$seconds}"   # e.g. FUZZ_SECONDS_databases=800: slower families get longer
  rm -rf "$out/seeds/$f" "$out/findings/$f"
  mkdir -p "$out/findings"
  TOKUSAGE_FUZZ_WORK="$out/work-$f" dotnet "$out/plain/TokUsage.Fuzz.dll" seeds "$f" "$out/seeds/$f"
  if [ -d "tests/FuzzRegressions/$f" ]; then cp tests/FuzzRegressions/"$f"/* "$out/seeds/$f/" 2>/dev/null || true; fi
  TOKUSAGE_FUZZ_WORK="$out/work-$f" afl-fuzz -i "$out/seeds/$f" -o "$out/findings/$f" -t 10000 -m none -V "$secs" \
    -- dotnet "$out/bin/TokUsage.Fuzz.dll" "$f" >"$out/afl-$f.log" 2>&1 || true
  local stats="$out/findings/$f/default/fuzzer_stats"
  if [ -f "$stats" ]; then
    awk -v f="$f" -F' *: *' '/^(execs_done|execs_per_sec|saved_crashes|saved_hangs|corpus_count|run_time)/ { v[$1]=$2 } END { printf "%s: %s execs in %s s (%s/s), corpus %s, crashes %s, hangs %s\n", f, v["execs_done"], v["run_time"], v["execs_per_sec"], v["corpus_count"], v["saved_crashes"], v["saved_hangs"] }' "$stats"
  else
    echo "$f: afl-fuzz did not start; see $out/afl-$f.log" >&2
    tail -20 "$out/afl-$f.log" >&2
  fi
}

running=0
for f in "${families[@]}"; do
  fuzz_one "$f" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
