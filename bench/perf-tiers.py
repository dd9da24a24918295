#!/usr/bin/env python3
"""Where a .NET process's CPU samples ran, by the JIT tier of the code: `perf script` output on standard input.

Each sample is given to its innermost managed frame (a runtime helper called from managed code counts for its caller),
then counted by that frame's tier as the runtime's perf map names it: [Optimized] (compiled optimised on first call,
or a method marked so), [OptimizedTier1], [InstrumentedTier*] (profile-guided optimisation collecting its profile),
[QuickJitted] (tier 0), and samples with no managed frame at all (garbage collection, the JIT itself, the kernel).
Prints the counts, then the methods with the most samples in instrumented or tier-0 code: the code a fresh process
runs before .NET has optimised it.

Record (perf maps need the runtime's own flags; W^X off so that perf can read the JIT's code addresses):
    DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -F 2999 -g -o run.data <command>
    perf script -i run.data | bench/perf-tiers.py [how many methods, default 25]
"""
import collections
import re
import signal
import sys

MANAGED = re.compile(r"\[([A-Za-z0-9]+)\](?:\+0x[0-9a-f]+)? \(/tmp/perf-\d+\.map\)")
SLOW = ("Instrumented", "QuickJitted")


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # a pager or head may close the pipe early
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    tiers = collections.Counter()
    slow = collections.Counter()
    samples = 0
    stack = []

    def finish():
        if not stack:
            return
        for frame in stack:
            match = MANAGED.search(frame)
            if match:
                tier = match.group(1)
                tiers[tier] += 1
                if tier.startswith(SLOW):
                    slow[(tier, re.sub(r"\(.*", "", frame)[-100:])] += 1
                return
        tiers["no managed frame"] += 1

    for line in sys.stdin:
        if not line.strip():
            finish()
            stack = []
        elif line[0] not in " \t":
            samples += 1
        else:
            parts = line.strip().split(" ", 1)
            stack.append(parts[1] if len(parts) > 1 else parts[0])
    finish()

    print(f"{samples} samples")
    for tier, count in tiers.most_common():
        print(f"{count:8d}  {100.0 * count / max(samples, 1):5.1f} %  {tier}")
    print(f"\nmost samples in instrumented or tier-0 code:")
    for (tier, method), count in slow.most_common(top):
        print(f"{count:8d}  {tier:26s} {method}")


if __name__ == "__main__":
    main()
