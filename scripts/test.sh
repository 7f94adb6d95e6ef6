#!/usr/bin/env bash
# The whole test suite on a (set-up) machine: type-check, build, benchmarks (they print
# their numbers and ratios to the goals), the three-node lab, then every test (two node:test runs: the lab's fault injections last; one summary counts them all).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
T0=$(date +%s)
log() { printf '[test %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }

log 'eslint'
[[ -d tools/eslint/node_modules ]] || npm run --silent setup:eslint
npm run --silent lint:code
log 'type-check'
npx tsc -p .
log 'build'
npm run --silent build
# A bench exits 1 when it misses its goal (printed with its ratio), ≥ 2 when it breaks. A break fails the run; a
# missed goal is reported in the summary (and fails too with SWARMNET_BENCH_STRICT=1: timing on a shared CI
# machine is noisy, correctness is not). The benches that need no lab run before it starts, on a quiet machine.
missed=()
bench() {
  local rc=0
  npx tsx "$1" || rc=$?
  if (( rc == 1 )); then missed+=("$1"); elif (( rc != 0 )); then log "$1 broke (exit $rc)"; exit "$rc"; fi
}
log 'benchmarks (no lab needed)'
for b in bench/*.ts; do [[ $b == bench/discovery.ts || $b == bench/doctor-lab.ts ]] || bench "$b"; done
log 'lab up'
bash scripts/lab.sh up --nodes "${SWARMNET_LAB_NODES:-3}"
log 'benchmark on the lab'
bench bench/discovery.ts; bench bench/doctor-lab.ts
if ((${#missed[@]})); then
  log "benchmarks that missed their goal here: ${missed[*]}"
  [[ "${SWARMNET_BENCH_STRICT:-}" == 1 ]] && exit 1
fi
# Mutation-test figures (docs/mutation.md) whose module changed since the recorded run: a warning, not a failure.
node scripts/mutation.mjs --stale || true
log 'tests'
# (node:test runs one run's files in path order, so test/lab-faults, whose faults must not disturb the other lab
# tests, is a second run after the first; the summary at the end adds up both)
node scripts/run-tests.mjs test/unit test/grammar test/lsp test/kernel test/ssh test/lab test/e2e --then test/lab-faults
