/**
 * The kernel judges the linter's syntax verdicts on every literal rule of the real-world corpora: each `-A`/`-I` rule
 * of test/fixtures/lint/** (corpus, holdouts, dumps; read without our parser, ./corpusRules.ts) is given to the real
 * iptables in a throw-away network namespace (`unshare -rn`, ./oracleRunner.ts). The linter must give a syntax error
 * on a rule's line exactly when iptables refuses the rule.
 * Not compared (the environment, not the rule, decides; counted and printed):
 *  - an address iptables must look up in DNS (`host/network \`name' not found`): there is no network here;
 *  - a match this kernel or this iptables lacks (IPVS; xtables-addons' geoip): a host that has it accepts the rule;
 *  - a user or group name (`--uid-owner userx`) this machine has no entry for: the host it was written for may have.
 *  - an ip6tables rule iptables refuses: the linter keeps IPv6 lines out of the IPv4 rule set and judges them only
 *    for their family-neutral findings, not their syntax (it must still give no error on one ip6tables accepts).
 * Counted apart (the linter says why it gives no error): a refused line of read-only output (a dump's syntax is said
 * as info), and the line a pasted text was cut inside (`lint/truncated`).
 * Not asserted on: the declaration codes (an undeclared chain or target, a target one letter from a builtin): the
 * runner creates any missing chain, as a running host has Docker's; the lint corpora's own tests judge those.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintRules } from '../../src/core/lint';
import { corpusRules, type CorpusRule } from './corpusRules';

const ROOT = join(__dirname, '..', '..');
const CORPORA = join(ROOT, 'test', 'fixtures', 'lint');
const DECLARATION_CODES = new Set(['syntax/unknown-chain', 'syntax/unknown-target', 'syntax/target-typo']);

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (unshare -rn)';
  for (const bin of ['unshare', 'iptables', 'ip6tables', 'ipset']) if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) return `${bin} not installed`;
  return spawnSync('unshare', ['-rn', 'true']).status === 0 ? undefined : 'unshare -rn refused here';
}

/** Why the environment decides this refusal (see the header), or undefined. */
function environment(said: string): string | undefined {
  if (/host\/network `[^']*' not found/.test(said)) return 'DNS name';
  if (/Extension ipvs revision 0 not supported/.test(said)) return 'no IPVS in this kernel';
  // `--uid-owner userx`: a user (group) name this machine does not have; the host the rule was written for may
  if (/owner: Bad value for "--(?:uid|gid)-owner" option: "[A-Za-z_][\w.-]*"/.test(said)) return 'user or group name';
  if (/Couldn't load match `(geoip|account|condition|ipp2p|pknock|psd|quota2|lscan|dhcpmac|fuzzy|iface|ipv4options|length2|gradm)'/.test(said)) return 'xtables-addons match';
  return undefined;
}

/**
 * The syntax errors the linter gives on each line (1-based) of each file, and what it says instead of an error where a
 * refusal is not the writer's: a syntax diagnostic on read-only output (a dump or listing, info by design), and
 * `lint/truncated` on the line a pasted text was cut inside (`-A FORWARD -o docker0 -`, the post's last line).
 */
function lintErrors(files: string[]): { errors: Map<string, string[]>; said: Map<string, string[]> } {
  const errors = new Map<string, string[]>();
  const said = new Map<string, string[]>();
  const push = (m: Map<string, string[]>, key: string, code: string) => m.set(key, [...(m.get(key) ?? []), code]);
  for (const file of files) {
    const res = lintRules(readFileSync(file, 'utf8'));
    for (const d of res.diagnostics) {
      const key = `${file}:${d.span.line + 1}`;
      if (d.severity === 'error' && d.code.startsWith('syntax/')) push(errors, key, d.code);
      else if ((res.kind !== 'proposal' && d.code.startsWith('syntax/')) || d.code === 'lint/truncated') push(said, key, d.code);
    }
  }
  return { errors, said };
}

const SKIP = skipReason();

test('the linter gives a syntax error on a real-world rule exactly when the kernel (iptables 1.8 in a fresh netns) refuses it', { skip: SKIP, timeout: 240_000 }, () => {
  const rules = corpusRules(CORPORA);
  const r = spawnSync('unshare', ['-rn', process.execPath, '--import', 'tsx', join(__dirname, 'oracleRunner.ts')], { cwd: ROOT, input: JSON.stringify(rules), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const kernel = JSON.parse(r.stdout) as { ok: boolean; said: string }[];
  assert.equal(kernel.length, rules.length);
  const { errors, said } = lintErrors([...new Set(rules.map((x) => x.file))]);
  const where = (x: CorpusRule) => `${x.file.slice(CORPORA.length + 1)}:${x.line}`;
  const wrongErrors: string[] = [];
  const missed: string[] = [];
  const skipped = new Map<string, number>();
  rules.forEach((x, k) => {
    const codes = errors.get(`${x.file}:${x.line}`) ?? [];
    const env = kernel[k].ok ? undefined : x.binary === 'ip6tables' ? 'ip6tables rule (its syntax is not judged)' : environment(kernel[k].said);
    if (env) skipped.set(env, (skipped.get(env) ?? 0) + 1);
    else if (kernel[k].ok && codes.some((c) => !DECLARATION_CODES.has(c))) wrongErrors.push(`${where(x)} ${codes.join(',')} (iptables accepts: ${x.op} ${x.chain} ${x.rest.join(' ')})`);
    else if (!kernel[k].ok && codes.length === 0 && said.has(`${x.file}:${x.line}`)) skipped.set('said as cut or in read-only output', (skipped.get('said as cut or in read-only output') ?? 0) + 1);
    else if (!kernel[k].ok && codes.length === 0) missed.push(`${where(x)} iptables: ${kernel[k].said}`);
  });
  const refused = kernel.filter((v) => !v.ok).length;
  console.log(`kernel oracle: ${rules.length} literal rules from ${errors.size ? new Set(rules.map((x) => x.file)).size : 0} files; iptables refused ${refused}; not compared: ${[...skipped].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}`);
  assert.deepEqual(wrongErrors, [], 'syntax errors on rules iptables accepts');
  assert.deepEqual(missed, [], 'rules iptables refuses with no syntax error from the linter');
  // the corpora hold refused rules (typos, placeholders, bad ports): the comparison is not vacuous
  assert.ok(refused - [...skipped.values()].reduce((a, b) => a + b, 0) >= 10, `only ${refused} refused rules`);
});
