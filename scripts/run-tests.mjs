// Runs node's built-in test runner over the *.test.ts files below the given folders (TypeScript via tsx).
// node:test runs the files of one run in path order (test/lab-faults before test/lab): folders after `--then` run in
// a second run, after the first one (the lab's fault injections must not disturb the other lab tests).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const args = process.argv.slice(2);
const passthrough = args.filter((a) => a.startsWith('--') && a !== '--then');
const phases = [[]];
for (const a of args) {
  if (a === '--then') phases.push([]);
  else if (!a.startsWith('--')) phases.at(-1).push(a);
}

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  if (!statSync(dir).isDirectory()) return dir.endsWith('.test.ts') ? [...out, dir] : out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const runs = phases.map((roots) => roots.flatMap((r) => walk(r, []))).filter((files) => files.length > 0);
if (runs.length === 0) {
  console.error(`no test files under ${phases.flat().join(', ')}`);
  process.exit(1);
}
// TAP on stdout as before, and the failures and counts (one JSON line each) in a file, repeated at the end.
const failDir = mkdtempSync(join(tmpdir(), 'swarmnet-failures-'));
let status = 0;
const records = [];
runs.forEach((files, i) => {
  const file = join(failDir, `run${i}.jsonl`);
  const reporters = [
    '--test-reporter=tap', '--test-reporter-destination=stdout',
    `--test-reporter=${new URL('./failure-reporter.mjs', import.meta.url).href}`, `--test-reporter-destination=${file}`,
  ];
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...reporters, ...passthrough, ...files], { stdio: 'inherit' });
  if (r.status !== 0) status = r.status ?? 1;
  if (existsSync(file)) records.push(...readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
});
rmSync(failDir, { recursive: true, force: true });
printSummary(records, runs.length);
process.exit(status);

function printSummary(records, runCount) {
  // A suite fails when a subtest does: list the tests that failed themselves (the innermost), not their suites.
  const failures = records.filter((f) => f.name !== undefined && !/^\d+ subtests? failed$/.test(f.message));
  if (runCount > 1) {
    const total = (what) => records.filter((x) => x.count === what).reduce((n, x) => n + x.n, 0);
    console.log(`\n# all ${runCount} runs: tests ${total('tests')}, pass ${total('pass')}, fail ${total('fail')}, cancelled ${total('cancelled')}, skipped ${total('skipped')}`);
  }
  if (failures.length === 0) return;
  console.log(`\n# failed tests (${failures.length}):`);
  for (const f of failures) {
    const where = f.file ? relative(process.cwd(), f.file) : '?';
    console.log(`# ✖ ${where} › ${f.name}\n#     ${f.message}`);
  }
}
