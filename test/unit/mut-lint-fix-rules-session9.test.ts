/**
 * The exact findings of two judgments added in session 9 (src/core/lint/rules/shadowed.ts: exceptions appended after
 * the user's own DROP, judged on the chain without Docker's RETURN; afterReturn.ts: an exception is "taken" by a
 * running DROP only when their ports can meet). Expected answers written from first-match semantics and from how
 * DNAT relates --ctorigdstport (before) to --dport (after) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintRules } from '../../src/core/lint/engine';

const of = (text: string, code: string) => lintRules(text).diagnostics.filter((d) => d.code === code);

test('shadowed on Docker ≥ 28.2.2: the message names the deciding DROP\'s line and target, and points at it', () => {
  const text = 'iptables -A DOCKER-USER -i eth0 -j DROP\niptables -A DOCKER-USER -i eth0 -p tcp --dport 8080 -j ACCEPT\n';
  const ds = of(text, 'rules/shadowed');
  assert.equal(ds.length, 1);
  assert.equal(ds[0].severity, 'warning');
  assert.equal(ds[0].message, "Never reached on any Docker version: up to 28.2.1 it is appended behind Docker's RETURN, and from 28.2.2 (no RETURN) the `-j DROP` on line 1 takes every packet this exception matches first. Put the exceptions before the DROP (or insert them with -I after it).");
  assert.deepEqual(ds[0].span.line, 1);
  assert.deepEqual(ds[0].related, [{ span: { line: 0, start: 0, end: 39 }, message: 'the rule that decides first' }]);
  assert.deepEqual(ds[0].fixes, []);
  // a REJECT decides alike
  assert.match(of(text.replace('-j DROP', '-j REJECT'), 'rules/shadowed')[0].message, /the `-j REJECT` on line 1 .* before the REJECT/);
});

test('shadowed on Docker ≥ 28.2.2: only exceptions, only behind the assumed RETURN, only under a DROP of the file, no copies', () => {
  const base = 'iptables -A DOCKER-USER -i eth0 -j DROP\n';
  // a DROP under the DROP: after-return's own warning, not this finding
  assert.deepEqual(of(`${base}iptables -A DOCKER-USER -i eth0 -p tcp --dport 22 -j DROP\n`, 'rules/shadowed'), []);
  // under an ACCEPT: nothing is lost there
  assert.deepEqual(of('iptables -A DOCKER-USER -i eth0 -j ACCEPT\niptables -A DOCKER-USER -i eth0 -p tcp --dport 8080 -j RETURN\n', 'rules/shadowed').filter((d) => d.message.startsWith('Never reached on any')), []);
  // a RETURN exception counts as one
  assert.equal(of(`${base}iptables -A DOCKER-USER -i eth0 -s 10.0.0.0/8 -j RETURN\n`, 'rules/shadowed').length, 1);
  // inserted rules are not behind the RETURN
  assert.deepEqual(of(`${base}iptables -I DOCKER-USER -i eth0 -p tcp --dport 8080 -j ACCEPT\n`, 'rules/shadowed'), []);
  // a copy of the exception: reported once (the copy is rules/duplicate's)
  const copies = of(`${base}iptables -A DOCKER-USER -i eth0 -p tcp --dport 8080 -j ACCEPT\niptables -A DOCKER-USER -i eth0 -p tcp --dport 8080 -j ACCEPT\n`, 'rules/shadowed');
  assert.deepEqual(copies.map((d) => d.span.line), [1]);
  // with the node's real DOCKER-USER (context), the assumed RETURN is not there: nothing of this kind
  assert.deepEqual(lintRules(`${base}iptables -A DOCKER-USER -i eth0 -p tcp --dport 8080 -j ACCEPT\n`, { filterRules: '-N DOCKER-USER\n-A FORWARD -j DOCKER-USER\n' }).diagnostics.filter((d) => d.message.startsWith('Never reached on any')), []);
});

test('after-return: a DROP on the original port and an exception on another port after DNAT do not meet (info); the same port does (warning)', () => {
  const drop = '-A DOCKER-USER -i enp3s0 -p tcp -m conntrack --ctdir ORIGINAL --ctorigdstport 63379 -j DROP\n-A DOCKER-USER -j RETURN\n';
  const sev = (exception: string) => of(`${drop}${exception}\n`, 'docker-user/after-return').map((d) => d.severity);
  assert.deepEqual(sev('-A DOCKER-USER -p tcp --dport 55432 -j ACCEPT'), ['info']);
  // the exception's port is the DROP's original port: a packet sent to 63379 and published 1:1 meets both
  assert.deepEqual(sev('-A DOCKER-USER -p tcp --dport 63379 -j ACCEPT'), ['warning']);
  // ranges that overlap meet; touching ends too
  assert.deepEqual(sev('-A DOCKER-USER -p tcp --dport 63000:63379 -j ACCEPT'), ['warning']);
  assert.deepEqual(sev('-A DOCKER-USER -p tcp --dport 63379:64000 -j ACCEPT'), ['warning']);
  assert.deepEqual(sev('-A DOCKER-USER -p tcp --dport 63380:64000 -j ACCEPT'), ['info']);
  // a negated port of either side proves nothing: may meet
  assert.deepEqual(sev('-A DOCKER-USER -p tcp ! --dport 55432 -j ACCEPT'), ['warning']);
  // the other way round: the exception on the original port, the DROP after DNAT
  const dropAfter = '-A DOCKER-USER -i enp3s0 -p tcp --dport 55432 -j DROP\n-A DOCKER-USER -j RETURN\n';
  assert.deepEqual(of(`${dropAfter}-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 63379 -j ACCEPT\n`, 'docker-user/after-return').map((d) => d.severity), ['info']);
  assert.deepEqual(of(`${dropAfter}-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 55432 -j ACCEPT\n`, 'docker-user/after-return').map((d) => d.severity), ['warning']);
  // both on the original port: the usual overlap rule
  assert.deepEqual(sev('-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 55432 -j ACCEPT'), ['warning']);
});
