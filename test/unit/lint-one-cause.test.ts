/**
 * One cause, one finding, and a warning only where the firewall behaves differently from what the rule says
 * (issue 14: precision on published rule sets). Shapes from the holdouts, sources named there; the expected answers
 * follow from netfilter's order of evaluation and Docker's (≤ 28.2.1) final `-j RETURN` in DOCKER-USER.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintRules } from '../../src/core/lint';

const found = (text: string, code: string) => lintRules(text).diagnostics.filter((d) => d.code === code).map((d) => `${d.span.line + 1} ${d.severity}`);

test('after-return: the exceptions of a DROP that never runs either are info; the DROP is the warning', () => {
  // holdout3/so-54769872 and real-world/github-caddy-admin-2019 shape: the whole block appended after Docker's RETURN
  const text = 'iptables -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\niptables -A DOCKER-USER -p tcp --dport 2019 -j ACCEPT\niptables -A DOCKER-USER -j DROP\n';
  assert.deepEqual(found(text, 'docker-user/after-return'), ['1 info', '2 info', '3 warning']);
  const info = lintRules(text).diagnostics.find((d) => d.code === 'docker-user/after-return' && d.span.line === 1);
  assert.match(info?.message ?? '', /Docker's own rules decide this traffic as if the rule were not there/);
});

test('after-return: an exception that never runs while the DROP it was written for does run is a warning naming that DROP', () => {
  // the DROP inserted (it runs), the allowed source appended (after the RETURN): that source is dropped
  const text = 'iptables -I DOCKER-USER -i eth0 -j DROP\niptables -A DOCKER-USER -i eth0 -s 198.51.100.0/24 -j ACCEPT\n';
  assert.deepEqual(found(text, 'docker-user/after-return'), ['2 warning']);
  const d = lintRules(text).diagnostics.find((x) => x.code === 'docker-user/after-return');
  assert.match(d?.message ?? '', /The DROP on line 1 does run, and takes the packets this exception was meant to let through/);
  // a DROP that cannot take the exception's packets (another interface) leaves it harmless: info
  const other = 'iptables -I DOCKER-USER -i eth1 -j DROP\niptables -A DOCKER-USER -i eth0 -s 198.51.100.0/24 -j ACCEPT\n';
  assert.deepEqual(found(other, 'docker-user/after-return'), ['2 info']);
});

test('insert-order: loopback exceptions match no forwarded packet, so a DROP inserted above them moves nothing', () => {
  // holdout3/hardening-heredoc-drop-first-then-accepts: lo / 127.0.0.0/8 ACCEPTs, then metadata DROPs inserted on top
  const text = ['iptables -I DOCKER-USER -j DROP', 'iptables -I DOCKER-USER -i lo -j ACCEPT', 'iptables -I DOCKER-USER -o lo -j ACCEPT', 'iptables -I DOCKER-USER -s 127.0.0.0/8 -j ACCEPT', 'iptables -I DOCKER-USER -d 127.0.0.1 -j ACCEPT', 'iptables -I DOCKER-USER -d 169.254.169.254 -j DROP', ''].join('\n');
  assert.deepEqual(found(text, 'rules/insert-order'), []);
  // the same DROP above a real exception (a LAN source) is still reported
  const real = text.replace('-s 127.0.0.0/8', '-s 192.168.1.0/24').replace('iptables -I DOCKER-USER -j DROP\n', '');
  assert.deepEqual(found(real, 'rules/insert-order'), ['5 warning']);
  // … unless the file builds the chain bottom-up, starting with its catch-all (holdout 6, hypothesis#339: the
  // metadata REJECT is written last on purpose, to land above the container ACCEPTs)
  assert.deepEqual(found(text.replace('-s 127.0.0.0/8', '-s 192.168.1.0/24'), 'rules/insert-order'), []);
  // in INPUT a loopback exception is real (local traffic), so it still counts there
  const input = 'iptables -I INPUT -s 127.0.0.0/8 -j ACCEPT\niptables -I INPUT -d 127.0.0.1 -j DROP\n';
  assert.deepEqual(found(input, 'rules/insert-order'), ['2 warning']);
});

test('shadowed: the exceptions an -I DROP landed above are part of its insert-order finding, not findings of their own', () => {
  // holdout3/kr-docs-insert-accepts-then-insert-drop: two port ACCEPTs inserted, then the DROP inserted above them
  const text = 'sudo iptables -I DOCKER-USER -p tcp --dport 80 -j ACCEPT\nsudo iptables -I DOCKER-USER -p tcp --dport 443 -j ACCEPT\nsudo iptables -I DOCKER-USER -j DROP\n';
  assert.deepEqual(found(text, 'rules/insert-order'), ['3 warning']);
  assert.deepEqual(found(text, 'rules/shadowed'), []);
  // appended in the same order (DROP first), the ACCEPTs are shadowed: reported on them
  const appended = '-A DOCKER-USER -j DROP\n-A DOCKER-USER -p tcp --dport 80 -j ACCEPT\n';
  assert.deepEqual(found(appended, 'rules/shadowed'), ['2 warning']);
});
