/** Scripts full of shell around the iptables calls: no syntax findings for the shell, the right call is linted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintRules, Linter } from '../../src/core/lint/engine';
import { LINT_FIXTURES } from './lint-helpers';

const SHELL = join(LINT_FIXTURES, 'shell');

for (const f of ['firewall.sh', 'provision.sh']) {
  test(`shell/${f}: no syntax errors, warnings or infos for the shell around the rules`, () => {
    const res = lintRules(readFileSync(join(SHELL, f), 'utf8'));
    const syntax = res.diagnostics.filter((d) => d.code.startsWith('syntax/') && d.code !== 'syntax/multiple-commands');
    assert.deepEqual(syntax, []);
    assert.ok(res.ruleCount >= 5);
  });
}

test('the changing call of a line is its rule: -C || -I, if ! -C; then -A; fi, redirections, sudo -E, $IPT', () => {
  const l = new Linter();
  l.lint(readFileSync(join(SHELL, 'firewall.sh'), 'utf8'));
  assert.equal(l.ruleAt(7)?.op, 'I', 'iptables -C … || iptables -I …');
  assert.equal(l.ruleAt(7)?.target?.name, 'RETURN');
  assert.equal(l.ruleAt(16)?.op, 'A', 'if ! iptables -C …; then iptables -A …; fi');
  assert.equal(l.ruleAt(16)?.chain, 'INPUT');
  assert.equal(l.ruleAt(6)?.op, 'D', 'iptables -D … 2>/dev/null || true');
  l.lint(readFileSync(join(SHELL, 'provision.sh'), 'utf8'));
  assert.equal(l.ruleAt(0), undefined, 'IPT=/sbin/iptables is an assignment, not a call');
  assert.equal(l.ruleAt(1)?.chain, 'INPUT', '$IPT -A INPUT');
  assert.equal(l.ruleAt(2)?.target?.name, 'ACCEPT', '&>/dev/null');
  assert.equal(l.ruleAt(3)?.target?.name, 'DROP', '>/dev/null 2>&1 || echo');
  assert.equal(l.ruleAt(5)?.op, 'I', 'sudo -E iptables -w');
});

test('a rule with a variable in an address or port is unknown: no finding is claimed about it', () => {
  const text = 'iptables -I DOCKER-USER -i $EXT_IF ! -s $ADMIN_NET -j DROP\niptables -I DOCKER-USER -p tcp --dport "$PORT" -j DROP\n';
  const res = lintRules(text);
  assert.deepEqual(res.diagnostics.filter((d) => d.severity !== 'info'), []);
  // without the variables the same first rule drops replies (missing ESTABLISHED)
  assert.ok(lintRules('iptables -I DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP\n').diagnostics.some((d) => d.code === 'docker-user/missing-established'));
});

test('every iptables call of a `;`-joined line is linted (wg-quick PostUp); one after `||` (runs only on failure) is said (info)', () => {
  const res = lintRules('PostUp = iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE; iptables -A DOCKER-USER -j ACCEPT\n');
  assert.deepEqual(res.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.span.start}-${d.span.end}`), ['docker-user/accept-all 63-96']);
  // its fix edits its own command only
  assert.deepEqual(res.diagnostics.find((d) => d.code === 'docker-user/accept-all')?.fixes.flatMap((f) => f.edits.map((e) => `${e.range.start.character}-${e.range.end.character} ${e.newText}`)), ['90-96 RETURN']);
  const or = lintRules('iptables -N X || iptables -A DOCKER-USER -j ACCEPT\n');
  assert.ok(or.diagnostics.some((d) => d.code === 'syntax/multiple-commands' && d.severity === 'info'));
});

test('a line-wide fix (delete, move) is not offered on a line that runs several commands: it would take the others with it', () => {
  const text = 'iptables -I DOCKER-USER -s 10.0.0.1 -j DROP\niptables -A FORWARD -i wg0 -j ACCEPT; iptables -I DOCKER-USER -s 10.0.0.1 -j DROP\n';
  const dup = lintRules(text).diagnostics.find((d) => d.code === 'rules/duplicate');
  assert.ok(dup);
  assert.deepEqual(dup.fixes, []);
  // the same duplicate on a line of its own keeps its "delete the line" fix
  assert.equal(lintRules('iptables -I DOCKER-USER -s 10.0.0.1 -j DROP\niptables -I DOCKER-USER -s 10.0.0.1 -j DROP\n').diagnostics.find((d) => d.code === 'rules/duplicate')?.fixes.length, 1);
});

test('iptables inside a container (`$SUDO docker exec c iptables …`, `docker exec -u root c …`, `kubectl exec pod -- …`) is the rule; no syntax error for the wrapper (holdout: en-wg-lab)', () => {
  const text = [
    '$SUDO docker exec wgcore iptables -I DOCKER-USER -i eth0 -j DROP',
    'docker exec -u root wgcore iptables -I DOCKER-USER -i eth0 -p tcp --dport 8008 -j RETURN',
    'kubectl exec -n net fw-0 -- iptables -A DOCKER-USER -j RETURN',
  ].join('\n');
  const res = lintRules(text);
  assert.deepEqual(res.diagnostics.filter((d) => d.code.startsWith('syntax/')), []);
  assert.equal(res.ruleCount, 3);
});

test('bundled short options as getopt reads them (`iptables -nL DOCKER-USER`, `-nvL`) are a listing, not an unknown option (holdout: en-mssql)', () => {
  for (const line of ['if ! iptables -nL DOCKER-USER >/dev/null 2>&1; then', 'iptables -nvL FORWARD']) {
    const res = lintRules(line);
    assert.deepEqual(res.diagnostics.filter((d) => d.severity !== 'info'), [], line);
  }
  // but -L takes the rest of its bundle as its chain: `-Ln DOCKER-USER` lists chain "n" with rule number
  // "DOCKER-USER", which iptables 1.8.9 refuses ("Invalid rule number `DOCKER-USER'", checked in a scratch netns)
  assert.ok(lintRules('iptables -Ln DOCKER-USER').diagnostics.some((d) => d.severity === 'error'));
});
