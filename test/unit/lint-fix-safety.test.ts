/**
 * Fix safety (issue 14 part 2): every quick fix of the real-world corpus and of the broken-files corpus is
 * evaluated with the netfilter evaluator on standard flows, inside Docker's chains in both layouts (≤ 27, ≥ 28);
 * only safe fixes are offered, and a harmful fix (a catch-all REJECT moved into DOCKER-USER) is caught.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintRules } from '../../src/core/lint/engine';
import { checkFix, FixChecker, hostRuleset, standardFlows } from '../../src/core/lint/fixSafety';
import type { LintContext } from '../../src/core/lint/types';
import { REAL_WORLD, loadDir } from '../../scripts/lint-score';
import { LINT_FIXTURES, loadCorpusFile } from './lint-helpers';

function corpus(): { name: string; text: string; context?: LintContext }[] {
  const broken = readdirSync(join(LINT_FIXTURES, 'broken')).filter((f) => f.endsWith('.rules')).map((f) => ({ ...loadCorpusFile(join(LINT_FIXTURES, 'broken'), f), name: `broken/${f}` }));
  return [...loadDir(REAL_WORLD).map((e) => ({ name: `real-world/${e.name}`, text: e.text, context: e.context })), ...broken];
}

test('every fix in the real-world and broken corpora is checked; every offered fix breaks no standard flow in either layout', () => {
  let all = 0;
  let offered = 0;
  const withheld: string[] = [];
  for (const c of corpus()) {
    const unchecked = lintRules(c.text, c.context, { checkFixes: false });
    const checked = lintRules(c.text, c.context);
    const checker = new FixChecker(c.text);
    for (const d of unchecked.diagnostics) {
      for (const f of d.fixes) {
        all++;
        const v = checker.check(f);
        const kept = checked.diagnostics.some((x) => x.code === d.code && x.span.line === d.span.line && x.fixes.some((y) => y.title === f.title));
        assert.equal(kept, v.safe, `${c.name}:${d.span.line + 1} ${d.code} "${f.title}": offered=${kept} safe=${v.safe} ${v.broken.join('; ')}`);
        if (kept) offered++;
        else withheld.push(`${c.name}:${d.span.line + 1} ${d.code} "${f.title}" — ${v.broken.slice(0, 2).join('; ')}`);
      }
    }
  }
  assert.ok(all >= 20, `only ${all} fixes in the corpora`);
  console.log(`fix safety: ${all} fixes checked, ${offered} offered, ${withheld.length} withheld:\n  ${withheld.join('\n  ')}`);
});

test('the harmful fix of issue 14 — a catch-all `-A FORWARD -j REJECT` moved into DOCKER-USER — is caught, in both layouts', () => {
  const text = 'iptables -A FORWARD -j REJECT\n';
  const v = checkFix(text, { title: 'move', edits: [{ range: { start: { line: 0, character: 9 }, end: { line: 0, character: 19 } }, newText: '-I DOCKER-USER' }] });
  assert.equal(v.safe, false);
  assert.ok(v.broken.some((b) => b.startsWith('docker-27: container egress')), v.broken.join('\n'));
  assert.ok(v.broken.some((b) => b.startsWith('docker-28: container egress')), v.broken.join('\n'));
  assert.ok(v.broken.some((b) => b.includes('reply to container egress')));
  // and the linter neither reports the catch-all nor offers that move
  assert.deepEqual(lintRules(text).diagnostics.filter((d) => d.severity !== 'info'), []);
});

test('a safe fix stays safe: inserting RELATED,ESTABLISHED before a DROP only lets more through', () => {
  const text = 'iptables -I DOCKER-USER -i eth0 -j DROP\n';
  const d = lintRules(text).diagnostics.find((x) => x.code === 'docker-user/missing-established');
  assert.ok(d && d.fixes.length === 1);
  assert.ok(checkFix(text, d.fixes[0]).safe);
});

test('the flows a document is judged on include the published ports it accepts explicitly, from the sources it names', () => {
  const { flows, ports } = standardFlows('iptables -I DOCKER-USER -i eth0 -s 198.51.100.0/24 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN\n');
  assert.deepEqual(ports, [8080]);
  const pub = flows.find((f) => f.name.startsWith('published port 8080'));
  assert.ok(pub);
  assert.equal(pub.pkt.src, '198.51.100.1');
  // the accepted published flow passes on both layouts before any fix
  for (const layout of ['docker-27', 'docker-28'] as const) {
    const rs = hostRuleset('iptables -I DOCKER-USER -i eth0 -s 198.51.100.0/24 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j RETURN\niptables -I DOCKER-USER 2 -i eth0 -j DROP\n', layout, [8080]);
    assert.ok(rs.tables.get('filter')?.chains.get('DOCKER-INGRESS')?.rules.length);
  }
});
