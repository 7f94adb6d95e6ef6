// Runs node's built-in test runner over the *.test.ts files below the given folders (TypeScript via tsx).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passthrough = process.argv.slice(2).filter((a) => a.startsWith('--'));
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
const files = roots.flatMap((r) => walk(r, []));
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
// TAP on stdout as before, and the failures (one JSON line each) in a file, repeated at the end of the output.
const failDir = mkdtempSync(join(tmpdir(), 'swarmnet-failures-'));
const failFile = join(failDir, 'failures.jsonl');
const reporters = [
  '--test-reporter=tap', '--test-reporter-destination=stdout',
  `--test-reporter=${new URL('./failure-reporter.mjs', import.meta.url).href}`, `--test-reporter-destination=${failFile}`,
];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...reporters, ...passthrough, ...files], { stdio: 'inherit' });
printFailures(failFile);
rmSync(failDir, { recursive: true, force: true });
process.exit(r.status ?? 1);

function printFailures(file) {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  // A suite fails when a subtest does: list the tests that failed themselves (the innermost), not their suites.
  const failures = lines.map((l) => JSON.parse(l)).filter((f) => !/^\d+ subtests? failed$/.test(f.message));
  if (failures.length === 0) return;
  console.log(`\n# failed tests (${failures.length}):`);
  for (const f of failures) {
    const where = f.file ? relative(process.cwd(), f.file) : '?';
    console.log(`# ✖ ${where} › ${f.name}\n#     ${f.message}`);
  }
}
