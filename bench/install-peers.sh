#!/usr/bin/env bash
# Installs the peer tools (ccusage 20.0.24, tokscale 4.17.0; native linux-x64 builds) into a folder for parity checks
# and benchmarks. Never commit that folder. Usage: bench/install-peers.sh [folder]   (default .peers)
set -euo pipefail
dir=${1:-.peers}
mkdir -p "$dir"
npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error \
  ccusage@20.0.24 @ccusage/ccusage-linux-x64@20.0.24 @tokscale/cli-linux-x64-gnu@4.17.0
chmod +x "$dir"/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage "$dir"/node_modules/@tokscale/cli-linux-x64-gnu/bin/tokscale
echo "ccusage:  $dir/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
echo "tokscale: $dir/node_modules/@tokscale/cli-linux-x64-gnu/bin/tokscale"
