#!/usr/bin/env bash
# Publishes the bench's PowerShell host (tools/TokUsage.Host) into a folder: the one way every bench script runs
# TokUsage in a fresh process, as pwsh would.
#   bench/host.sh <folder>      (then: dotnet <folder>/TokUsage.Host.dll '<script>')
# The host is published ReadyToRun, as pwsh ships its engine: built plainly, the NuGet System.Management.Automation is
# IL only and every run would first JIT the engine (host start 0.37 s instead of 0.14 s, module import 0.14 s instead of
# 0.05 s). TokUsage.dll itself is not precompiled.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: bench/host.sh <folder>}"
case "$(uname -m)" in
  aarch64|arm64) rid=linux-arm64 ;;
  *) rid=linux-x64 ;;
esac
dotnet publish "$repo/tools/TokUsage.Host" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$out" -nologo -v quiet >&2
