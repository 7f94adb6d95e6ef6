// Runs node's built-in test runner over the *.test.ts files below the given folders (TypeScript via tsx).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

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
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...passthrough, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
