#!/usr/bin/env bash
# The whole test suite on a (set-up) machine: type-check, build, the three-node lab, benchmarks (they print
# their numbers and ratios to the goals), then every test in one node:test run so its summary counts them all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
T0=$(date +%s)
log() { printf '[test %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }

log 'type-check'
npx tsc -p .
log 'build'
npm run --silent build
log 'lab up'
bash scripts/lab.sh up --nodes "${SWARMNET_LAB_NODES:-3}"
log 'benchmarks'
for b in bench/*.ts; do npx tsx "$b"; done
log 'tests'
dirs=(test/unit test/grammar test/lsp test/ssh test/lab test/e2e)
existing=()
for d in "${dirs[@]}"; do [[ -d $d ]] && existing+=("$d"); done
node scripts/run-tests.mjs "${existing[@]}"
