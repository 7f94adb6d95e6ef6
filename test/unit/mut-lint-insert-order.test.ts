/**
 * rules/insert-order (src/core/lint/rules/insertOrder.ts), precisely: an `-I` DROP/REJECT that lands above the
 * ACCEPT/RETURN exceptions written before it, the `-I` it points at, the exceptions it names (at most three, then
 * "…"), and the "append instead" fix where it is safe to offer. Expected answers written from iptables' semantics
 * (`-I CHAIN` = position 1, `-I CHAIN n` = position n) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFix, at, one, raw } from './mut-lint-helpers';

const CODE = 'rules/insert-order';
const APPEND = 'Append (-A) so the rule keeps its place in file order';

test('insert-order: the French hardening guide inserts its DROPs above the ESTABLISHED rule it inserted first (no fix in DOCKER-USER scripts)', () => {
  // test/fixtures/lint/real-world/github-hardening-fr-insert-order.rules
  const text = 'sudo iptables -I DOCKER-USER 1 -j RETURN -m conntrack --ctstate ESTABLISHED,RELATED\nsudo iptables -I DOCKER-USER -p tcp --dport 3306 -j DROP\nsudo iptables -I DOCKER-USER -p tcp --dport 8080 -j DROP\n';
  const ds = raw(text, CODE);
  // the finding points at the `-I` of each DROP
  assert.deepEqual(at(ds), ['2:14-16', '3:14-16']);
  assert.equal(ds[0].severity, 'warning');
  assert.equal(ds[0].message, '-I inserts at position 1 of DOCKER-USER: this DROP lands ABOVE the exception written before it (line 1), which then never apply to what it drops. Insert the exceptions after the DROP, or use positions/-A.');
  assert.deepEqual(ds[0].related, [{ span: { line: 0, start: 0, end: 83 }, message: 'an exception that now runs after the DROP' }]);
  // -A in a DOCKER-USER script lands after Docker's RETURN (≤ 28.2.1): not offered
  assert.deepEqual(ds.map((d) => d.fixes), [[], []]);
});

test('insert-order: an INPUT script that allows the LAN, then inserts the SSH DROP on top: append instead', () => {
  const text = 'iptables -I INPUT -s 192.168.1.0/24 -p tcp --dport 22 -j ACCEPT\niptables -I INPUT -p tcp --dport 22 -j DROP\n';
  const d = one(text, CODE);
  assert.deepEqual(d.span, { line: 1, start: 9, end: 11 });
  assert.equal(d.message, '-I inserts at position 1 of INPUT: this DROP lands ABOVE the exception written before it (line 1), which then never apply to what it drops. Insert the exceptions after the DROP, or use positions/-A.');
  assert.deepEqual(d.fixes.map((f) => f.title), [APPEND]);
  assertFix(text, d, 0, 'iptables -I INPUT -s 192.168.1.0/24 -p tcp --dport 22 -j ACCEPT\niptables -A INPUT -p tcp --dport 22 -j DROP\n', undefined, 'iptables -A INPUT -p tcp --dport 22 -j DROP');
});

const SAVE = `*filter
:INPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -s 192.168.1.0/24 -p tcp --dport 22 -j ACCEPT
-A INPUT -s 10.8.0.0/24 -p tcp --dport 22 -j ACCEPT
-A INPUT -s 10.9.0.0/24 -p tcp --dport 22 -j RETURN
-A INPUT -j ACCEPT
-A INPUT -p udp --dport 53 -j ACCEPT
-I INPUT -p tcp --dport 22 -j DROP
-I INPUT 2 -p tcp --dport 22 -j REJECT
-A INPUT -s 10.7.0.0/24 -p tcp --dport 22 -j ACCEPT
COMMIT
`;

test('insert-order: a restore file: four exceptions named as three and "…", the -I at column 0, position 2 said and not fixed', () => {
  const ds = raw(SAVE, CODE);
  assert.deepEqual(at(ds), ['9:0-2', '10:0-2']);
  // exceptions: lines 3-6 (the unconditional ACCEPT on 7 and the udp/53 one cannot be pushed; line 11 comes after)
  assert.equal(ds[0].message, '-I inserts at position 1 of INPUT: this DROP lands ABOVE the exceptions written before it (lines 3, 4, 5, …), which then never apply to what it drops. Insert the exceptions after the DROP, or use positions/-A.');
  assert.deepEqual(ds[0].related?.map((r) => `${r.span.line + 1}:${r.span.start}-${r.span.end} ${r.message}`), [
    '3:0-61 an exception that now runs after the DROP', '4:0-54 an exception that now runs after the DROP', '5:0-51 an exception that now runs after the DROP']);
  assert.deepEqual(ds[0].fixes.map((f) => f.title), [APPEND]);
  assertFix(SAVE, ds[0], 0, SAVE.replace('-I INPUT -p tcp --dport 22 -j DROP', '-A INPUT -p tcp --dport 22 -j DROP'), undefined, '-A INPUT -p tcp --dport 22 -j DROP');
  // `-I INPUT 2` was placed on purpose: said, not rewritten
  assert.equal(ds[1].message, '-I inserts at position 2 of INPUT: this REJECT lands ABOVE the exceptions written before it (lines 3, 4, 5, …), which then never apply to what it drops. Insert the exceptions after the DROP, or use positions/-A.');
  assert.deepEqual(ds[1].fixes, []);
});

test('insert-order: two exceptions are "exceptions … (lines a, b)" without "…"', () => {
  const text = 'iptables -A INPUT -s 192.168.1.0/24 -p tcp --dport 22 -j ACCEPT\niptables -A INPUT -s 10.8.0.0/24 -p tcp --dport 22 -j RETURN\niptables -I INPUT -p tcp --dport 22 -j DROP\n';
  const d = one(text, CODE);
  assert.match(d.message, /this DROP lands ABOVE the exceptions written before it \(lines 1, 2\), which/);
  assert.equal(d.related?.length, 2);
});

test('insert-order: not reported: an inserted ACCEPT, an insert at an unknown position, unconditional or later or other-chain exceptions, other tables', () => {
  const cases = [
    // an -I ACCEPT above a DROP is what the author wants
    'iptables -A INPUT -p tcp --dport 22 -j DROP\niptables -I INPUT -s 192.168.1.0/24 -p tcp --dport 22 -j ACCEPT\n',
    // `-I CHAIN "$n"`: where it lands is unknown (github-harden-drop-before-return.rules)
    'iptables -A INPUT -s 192.168.1.0/24 -p tcp --dport 22 -j ACCEPT\niptables -I INPUT "$return_line" -p tcp --dport 22 -j DROP\n',
    // the exception has no condition
    'iptables -A INPUT -j ACCEPT\niptables -I INPUT -p tcp --dport 22 -j DROP\n',
    // exceptions written after the -I are above it anyway
    'iptables -I INPUT -p tcp --dport 22 -j DROP\niptables -I INPUT -s 192.168.1.0/24 -p tcp --dport 22 -j ACCEPT\n',
    // an exception in another chain, or in another table's INPUT
    'iptables -A FORWARD -s 192.168.1.0/24 -p tcp --dport 22 -j ACCEPT\niptables -t mangle -A INPUT -s 192.168.1.0/24 -p tcp --dport 22 -j ACCEPT\niptables -I INPUT -p tcp --dport 22 -j DROP\n',
    // the exception cannot overlap the DROP (another port)
    'iptables -A INPUT -s 192.168.1.0/24 -p tcp --dport 80 -j ACCEPT\niptables -I INPUT -p tcp --dport 22 -j DROP\n',
  ];
  for (const text of cases) assert.deepEqual(at(raw(text, CODE)), [], text);
});
