/**
 * Linter benchmark: a 5,000-rule DOCKER-USER file.
 *   goal 1: full lint (cold cache) < 50 ms
 *   goal 2: re-lint after editing one line (warm per-line cache) < 10 ms
 * Prints medians and ratios to the goals; exits 1 when a goal is missed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import type * as LinterModule from '../src/core/lint/linter';
import { makeRules } from '../test/fixtures/lint/generate';

/**
 * The code is measured as it ships: bundled by esbuild like dist/server.js and dist/cli.js. (Under tsx every
 * closure is wrapped by a keepNames helper, which costs more than the parsing itself.)
 */
function loadBundled(): typeof LinterModule {
  const dir = mkdtempSync(join(tmpdir(), 'swarmnet-bench-'));
  const out = join(dir, 'linter.cjs');
  try {
    buildSync({ entryPoints: [resolve(__dirname, '../src/core/lint/linter.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(out) as typeof LinterModule;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const N = 5000;
const GOAL_FULL = 50;
const GOAL_EDIT = 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): number {
  const { Linter, lintRules } = loadBundled();
  const text = makeRules(N);
  const ruleLines = text.split('\n').filter((l) => l.startsWith('-A')).length;
  // warm up the JIT on a different file
  for (let i = 0; i < 3; i++) lintRules(makeRules(N, 99 + i));

  const full: number[] = [];
  let diagCount = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const r = lintRules(text);
    full.push(performance.now() - t0);
    diagCount = r.diagnostics.length;
  }

  const linter = new Linter();
  linter.lint(text);
  const lines = text.split('\n');
  const edit: number[] = [];
  for (let i = 0; i < 21; i++) {
    const at = 100 + ((i * 211) % (N - 200));
    const copy = [...lines];
    copy[at] = `-A DOCKER-USER -i eth0 -s 203.0.113.${i}/32 -p tcp -m conntrack --ctorigdstport ${8000 + i} -j DROP`;
    const edited = copy.join('\n');
    const t0 = performance.now();
    linter.lint(edited);
    edit.push(performance.now() - t0);
    linter.lint(text); // back to the original (also a one-line edit), not timed
  }
  const typing: number[] = [];
  {
    // typing at the end of one line: each keystroke is a new text
    let cur = lines.slice();
    const at = Math.floor(N / 2);
    for (const ch of ' -m comment --comment x') {
      cur = cur.slice();
      cur[at] += ch;
      const t = cur.join('\n');
      const t0 = performance.now();
      linter.lint(t);
      typing.push(performance.now() - t0);
    }
  }
  const fm = median(full);
  const em = median(edit);
  const tm = median(typing);
  console.log(`lint bench: ${ruleLines} rules, ${diagCount} diagnostics`);
  console.log(`  full lint (cold)       median ${fm.toFixed(2)} ms  (goal < ${GOAL_FULL} ms, ratio ${(fm / GOAL_FULL).toFixed(2)} of goal)  runs: ${full.map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`  one-line edit re-lint  median ${em.toFixed(2)} ms  (goal < ${GOAL_EDIT} ms, ratio ${(em / GOAL_EDIT).toFixed(2)} of goal)  max ${Math.max(...edit).toFixed(2)} ms`);
  console.log(`  keystroke re-lint      median ${tm.toFixed(2)} ms  (goal < ${GOAL_EDIT} ms, ratio ${(tm / GOAL_EDIT).toFixed(2)} of goal)`);
  const ok = fm < GOAL_FULL && em < GOAL_EDIT;
  console.log(ok ? 'lint bench: goals met' : 'lint bench: GOAL MISSED');
  return ok ? 0 : 1;
}

if (require.main === module) process.exitCode = main();
