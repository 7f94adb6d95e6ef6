/**
 * swarm/input-published-port (src/core/lint/rules/inputPublishedPort.ts): INPUT rules on published ports never
 * match (the port is DNATed in PREROUTING and forwarded). Expected answers written from Docker's NAT (Swarm ingress
 * DNATs to 172.18.0.2, host-mode publishing to the container) before running the linter. The move fix is offered
 * only for a rule on published ports alone: moved to DOCKER-USER, `--dports 22,8080` would stop protecting SSH and
 * `! --dport 22` would stop being the host's default deny (both were offered before these tests).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LintContext } from '../../src/core/lint/types';
import { assertFix, at, raw } from './mut-lint-helpers';

const CODE = 'swarm/input-published-port';
const CTX: LintContext = { publishedPorts: [
  { port: 8080, protocol: 'tcp', mode: 'ingress', targetPort: 80, service: 'web' },
  { port: 9000, protocol: 'tcp', mode: 'host', targetPort: 9001 },
  { port: 9100, protocol: 'tcp', mode: 'host' },
  { port: 5353, protocol: 'udp', mode: 'ingress' },
] };
const MOVE = 'Move to DOCKER-USER matching the original destination port (conntrack)';

test('input-published-port: ingress and host-mode ports, with service, target port and protocol; the port option is pointed at', () => {
  const lines = [
    'iptables -A INPUT -p tcp --dport 8080 -j DROP',
    'iptables -A INPUT -p tcp --dport 9000 -j DROP',
    'iptables -A INPUT -p tcp --dport 9100 -j DROP',
    'iptables -A INPUT -p udp --dport 5353 -j DROP',
    'iptables -A INPUT -p tcp --dport 5353 -j DROP', // 5353 is published for udp only
    'iptables -D INPUT -p tcp --dport 8080 -j DROP',
    'iptables -A OUTPUT -p tcp --dport 8080 -j DROP',
    'iptables -A INPUT -p tcp --dport 22 -j DROP',
  ];
  const text = `${lines.join('\n')}\n`;
  const ds = raw(text, CODE, CTX);
  assert.deepEqual(at(ds), ['1:25-37', '2:25-37', '3:25-37', '4:25-37']);
  assert.equal(ds[0].severity, 'warning');
  assert.deepEqual(ds.map((d) => d.message), [
    'Port 8080/tcp is a published port (service web): Swarm ingress DNATs it to 172.18.0.2 (ingress_sbox on docker_gwbridge) and forwards it in PREROUTING, so it never reaches INPUT and this rule never matches it. Filter it in DOCKER-USER with -m conntrack --ctorigdstport 8080.',
    'Port 9000/tcp is a published port: it is DNATed to the container port 9001 and forwarded in PREROUTING, so it never reaches INPUT and this rule never matches it. Filter it in DOCKER-USER with -m conntrack --ctorigdstport 9000.',
    'Port 9100/tcp is a published port: it is DNATed to the container and forwarded in PREROUTING, so it never reaches INPUT and this rule never matches it. Filter it in DOCKER-USER with -m conntrack --ctorigdstport 9100.',
    'Port 5353/udp is a published port: Swarm ingress DNATs it to 172.18.0.2 (ingress_sbox on docker_gwbridge) and forwards it in PREROUTING, so it never reaches INPUT and this rule never matches it. Filter it in DOCKER-USER with -m conntrack --ctorigdstport 5353.',
  ]);
  assert.ok(ds.every((d) => d.fixes.map((f) => f.title).join() === MOVE));
  const fixed = 'iptables -I DOCKER-USER -p udp -m conntrack --ctorigdstport 5353 --ctdir ORIGINAL -j DROP';
  assertFix(text, ds[3], 0, text.replace(lines[3], fixed), CTX, fixed);
});

test('input-published-port: a rule that also covers host ports is reported without the move fix', () => {
  const lines = [
    'iptables -A INPUT -p tcp -m multiport --dports 22,8080 -j DROP', // SSH would lose its DROP
    'iptables -A INPUT -p tcp ! --dport 22 -j DROP', // the host's default deny, all but SSH
    'iptables -A INPUT -p tcp -m multiport --dports 8080,9000 -j DROP', // published ports only: moved (no ctorig rewrite for --dports)
    'iptables -A INPUT -p tcp --dport 9000:9100 -j DROP', // a range: also the ports between
  ];
  const text = `${lines.join('\n')}\n`;
  const ds = raw(text, CODE, CTX);
  assert.deepEqual(at(ds), ['1:38-54', '2:27-37', '3:38-56', '4:25-42']);
  assert.match(ds[0].message, /^Port 8080\/tcp is a published port \(service web\)/);
  assert.match(ds[1].message, /^Port 8080\/tcp is a published port/);
  assert.deepEqual(ds.map((d) => d.fixes.length), [0, 0, 1, 0]);
  assertFix(text, ds[2], 0, text.replace(lines[2], 'iptables -I DOCKER-USER -p tcp -m multiport --dports 8080,9000 -j DROP'), CTX, 'iptables -I DOCKER-USER -p tcp -m multiport --dports 8080,9000 -j DROP');
  // ports learned from Docker's own rules in a dump count too (test/fixtures/lint/broken/input-published-from-dump.rules)
  assert.deepEqual(raw('iptables -A INPUT -p tcp --dport 8080 -j DROP\n', CODE), []);
});
