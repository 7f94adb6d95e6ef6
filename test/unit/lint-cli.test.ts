/** `swarmnet lint` through the real CLI entry: output format, exit codes, --json, --context. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers';
import { LINT_FIXTURES } from './lint-helpers';

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'lint', ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('swarmnet lint prints file:line:col: severity code message and exits 1 on errors', () => {
  const f = join(LINT_FIXTURES, 'broken', 'drop-2377.rules');
  const r = cli(f);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1: error swarm/cuts-control-plane This DROP cuts Swarm traffic`, 'm'));
});

test('warnings only → exit 0; good files → no output', () => {
  const w = cli(join(LINT_FIXTURES, 'broken', 'duplicate.rules'));
  assert.equal(w.code, 0);
  assert.match(w.out, /:4:1: warning rules\/duplicate /);
  const g = cli(join(LINT_FIXTURES, 'good', 'docker-docs-restrict.rules'));
  assert.equal(g.code, 0);
  assert.equal(g.out, '');
});

test('--json and --context (node-aware)', () => {
  const r = cli('--json', '--context', join(LINT_FIXTURES, 'contexts', 'node-a.json'), join(LINT_FIXTURES, 'broken', 'unknown-interface.rules'));
  assert.equal(r.code, 0, r.err);
  const parsed = JSON.parse(r.out) as { file: string; kind: string; diagnostics: { code: string; span: { line: number } }[] }[];
  assert.equal(parsed.length, 1);
  assert.equal(parsed[0].kind, 'proposal');
  assert.ok(parsed[0].diagnostics.some((d) => d.code === 'node/unknown-interface' && d.span.line === 3));
});

test('unreadable file → exit 2 with a message', () => {
  const r = cli('/nonexistent/x.rules');
  assert.equal(r.code, 2);
  assert.match(r.err, /nonexistent/);
});

test('text output shows each quick fix under its finding (not only --json)', () => {
  const r = cli(join(LINT_FIXTURES, 'broken', 'missing-established.rules'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /:3:1: warning docker-user\/missing-established .*\n    fix: Insert a RELATED,ESTABLISHED RETURN rule before it\n      line 3: insert "-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN" as a new line before it\n/);
});

test('--table: nat rules in -S text are linted as nat (and inferred without it: said as info)', () => {
  const f = join(LINT_FIXTURES, 'real-dumps', 'lab-node1-host-nat.S.txt');
  const t = cli('--table', 'nat', f);
  assert.equal(t.code, 0, t.err);
  assert.doesNotMatch(t.out, /error|warning/);
  const inferred = cli(f);
  assert.equal(inferred.code, 0, inferred.err);
  assert.match(inferred.out, /info lint\/table-inferred Read as the nat table/);
  assert.doesNotMatch(inferred.out, /error|warning/);
  assert.equal(cli('--table', 'bogus', f).code, 2);
});
