#!/usr/bin/env bash
# Parity with ccusage: generates a Claude Code home (hundreds of files: resumed sessions, sub-agents, progress echoes,
# damaged and torn lines), runs `ccusage daily --json --offline` (installed into .peers/ from npm) and TokUsage
# (hosted PowerShell engine, built module) over it, and fails on any day whose tokens differ.
# Usage: bench/parity.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bench/install-peers.sh .peers >/dev/null
export TOKUSAGE_CCUSAGE="$PWD/.peers/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
dotnet test -c Release --filter "FullyQualifiedName~CcusageParityTests" --logger "console;verbosity=normal"
