/**
 * swarm/match-after-dnat (src/core/lint/rules/matchAfterDnat.ts), precisely: `--dport <published>` when the
 * published port is DNATed to another container port, and `-d <host address>` (DOCKER-USER sees the packet after
 * nat PREROUTING). Expected answers written from Docker's NAT (host-mode `-p 8000:8080` DNATs to the container's
 * port 8080; a container's egress to the LAN is not DNATed) before running the linter.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LintContext } from '../../src/core/lint/types';
import { LINT_FIXTURES } from './lint-helpers';
import { assertFix, at, dump, offered, one, raw } from './mut-lint-helpers';

const CODE = 'swarm/match-after-dnat';
const COOLIFY = JSON.parse(readFileSync(join(LINT_FIXTURES, 'real-world', 'contexts', 'coolify-8000-8080.json'), 'utf8')) as LintContext;
const NODE_A = JSON.parse(readFileSync(join(LINT_FIXTURES, 'contexts', 'node-a.json'), 'utf8')) as LintContext;
const portMsg = "Packets in DOCKER-USER are already DNATed: published port 8000 now has destination port 8080 (the container's port), so `--dport 8000` never matches it. Use -m conntrack --ctorigdstport 8000 --ctdir ORIGINAL.";

test('match-after-dnat: --dport 8000 on Coolify (8000 → 8080): the option\'s span, the message, the ctorig fix', () => {
  // test/fixtures/lint/real-world/github-coolify-hardening-fr-dport-8000.rules, its last two rules
  const text = 'iptables -I DOCKER-USER -p tcp --dport 8000 -s "$ADMIN_IP" -j RETURN\niptables -A DOCKER-USER -p tcp --dport 8000 -j DROP\n';
  const ds = raw(text, CODE, COOLIFY);
  assert.deepEqual(at(ds), ['1:31-43', '2:31-43']);
  const d = ds[1];
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, portMsg);
  assert.deepEqual(d.fixes.map((f) => f.title), ['Match the original destination port: -m conntrack --ctorigdstport']);
  assertFix(text, d, 0, 'iptables -I DOCKER-USER -p tcp --dport 8000 -s "$ADMIN_IP" -j RETURN\niptables -A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8000 --ctdir ORIGINAL -j DROP\n', COOLIFY,
    'iptables -A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8000 --ctdir ORIGINAL -j DROP');
});

test('match-after-dnat: --dports in multiport is reported without a fix; other protocols, ranges with the container port, equal ports are not', () => {
  const lines = [
    'iptables -I DOCKER-USER -p tcp -m multiport --dports 8000,9000 -j DROP', // reported, no fix (only --dport is rewritten)
    'iptables -I DOCKER-USER -p udp --dport 8000 -j DROP', // 8000 is published for tcp only
    'iptables -I DOCKER-USER -p tcp --dport 8000:8080 -j DROP', // the range holds the container port 8080 too: it matches
    'iptables -I DOCKER-USER -p tcp --dport 6001 -j DROP', // 6001 → 6001: DNAT keeps the port
    'iptables -I DOCKER-USER -p tcp --sport 8000 -j DROP', // a source port is not what DNAT changes
  ];
  const text = `${lines.join('\n')}\n`;
  const ds = raw(text, CODE, COOLIFY);
  assert.deepEqual(at(ds), ['1:44-62']);
  assert.equal(ds[0].message, portMsg.replace("`--dport 8000`", "`--dports 8000`")); // the message names the option as written
  assert.deepEqual(ds[0].fixes, []);
});

test('match-after-dnat: a published port whose container port is unknown is not claimed', () => {
  const ctx: LintContext = { publishedPorts: [{ port: 9100, protocol: 'tcp', mode: 'host' }] };
  assert.deepEqual(raw('iptables -I DOCKER-USER -p tcp --dport 9100 -j DROP\n', CODE, ctx), []);
});

test('match-after-dnat: a published port that is a Swarm port is left to docker-user/swarm-port', () => {
  const ctx: LintContext = { publishedPorts: [{ port: 7946, protocol: 'tcp', targetPort: 80, mode: 'host' }, { port: 2377, protocol: 'tcp', targetPort: 80, mode: 'host' }, { port: 4789, protocol: 'tcp', targetPort: 80, mode: 'host' }] };
  assert.deepEqual(raw('iptables -I DOCKER-USER -p tcp --dport 7946 -j DROP\niptables -I DOCKER-USER -p tcp --dport 2377 -j DROP\niptables -I DOCKER-USER -p tcp --dport 4789 -j DROP\n', CODE, ctx), []);
});

test('match-after-dnat: in a dump the finding has no fix (Docker\'s machine output is not edited)', () => {
  const ds = raw(dump('-A DOCKER-USER -p tcp -m tcp --dport 8000 -j DROP'), CODE, COOLIFY);
  assert.deepEqual(at(ds), ['7:29-41']);
  assert.deepEqual(ds[0].fixes, []);
});

test('match-after-dnat: -d <the node\'s address> (broken/host-ip-after-dnat.rules, node-a)', () => {
  const text = readFileSync(join(LINT_FIXTURES, 'broken', 'host-ip-after-dnat.rules'), 'utf8');
  const d = one(text, CODE, NODE_A);
  assert.deepEqual(d.span, { line: 3, start: 18, end: 30 });
  assert.equal(d.message, '192.168.33.2 is an address of this node (manager1), but packets in DOCKER-USER are already DNATed to 172.18.0.2 (Swarm ingress) or to a container: `-d` never matches them. Use -m conntrack --ctorigdst 192.168.33.2 --ctdir ORIGINAL.');
  assertFix(text, d, 0, text.replace('-d 192.168.33.2 -p tcp', '-m conntrack --ctorigdst 192.168.33.2 --ctdir ORIGINAL -p tcp'), NODE_A,
    '-A DOCKER-USER -m conntrack --ctorigdst 192.168.33.2 --ctdir ORIGINAL -p tcp -m conntrack --ctorigdstport 8080 -j DROP');
  const anonymous: LintContext = { ...NODE_A, nodeName: undefined };
  assert.match(one(text, CODE, anonymous).message, /^192\.168\.33\.2 is an address of this node, but/);
  // the node's second address counts too; an address that is in a Docker network is the container's
  assert.deepEqual(at(raw(text, CODE, { nodeAddresses: ['198.51.100.9', '192.168.33.2'] })), ['4:18-30']);
  assert.deepEqual(raw(text, CODE, { nodeAddresses: ['192.168.33.2'], networks: [{ name: 'lan-macvlan', driver: 'macvlan', subnets: ['192.168.33.0/24'] }] }), []);
});

test('match-after-dnat: `-d 192.168.0.0/16 -j DROP` (containers may not reach the LAN) is egress, not a host address, even when the node is in it', () => {
  // a NixOS config on GitHub: "# Container to local devices\n iptables -I DOCKER-USER -d 192.168.0.0/16 -j DROP"; the
  // same line in several egress-lockdown guides. Forwarded packets to LAN hosts are not DNATed: the rule matches them.
  // (Before this test the linter called 192.168.0.0/16 "an address of this node" and said -d never matches.)
  const text = 'iptables -I DOCKER-USER -d 192.168.0.0/16 -j DROP\niptables -I DOCKER-USER -d 10.0.0.0/8 -j DROP\n';
  assert.deepEqual(raw(text, CODE, { nodeAddresses: ['192.168.1.20', '10.0.3.7'] }), []);
});

test('match-after-dnat: -d <public address> with an incoming interface and no node context; the fix replaces flag and value', () => {
  const lines = [
    'iptables -I DOCKER-USER -i eth0 -d 203.0.113.10 -j DROP', // reported, fix
    'iptables -I DOCKER-USER -i eth0 --destination  203.0.113.11/32 -p tcp -j DROP', // long flag, two spaces: fix from the flag
    'iptables -I DOCKER-USER -i eth0 -d "203.0.113.12" -j DROP', // quoted: reported, the value's text differs: no fix
    'iptables -I DOCKER-USER ! -i eth0 -d 203.0.113.13 -j DROP', // not incoming on an interface
    'iptables -I DOCKER-USER -i eth0 -o eth1 -d 203.0.113.14 -j DROP', // forwarded between two interfaces
    'iptables -I DOCKER-USER -i eth0 -d 192.168.1.15 -j DROP', // private
    'iptables -I DOCKER-USER -i eth0 -d 203.0.112.0/23 -j DROP', // wider than /24
    'iptables -I DOCKER-USER -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED ! -d 203.0.113.16 -j DROP', // negated
    'iptables -I DOCKER-USER -d 203.0.113.17 -j DROP', // no -i: could be egress
    'iptables -I DOCKER-USER -i eth0 -d 203.0.113.0/24 -j DROP', // a /24 on the incoming side: reported
  ];
  const text = `${lines.join('\n')}\n`;
  const ds = raw(text, CODE);
  assert.deepEqual(at(ds), ['1:35-47', '2:47-62', '3:35-49', '10:35-49']);
  assert.equal(ds[0].message, "203.0.113.10 is a public address (the host's, for incoming traffic), but packets in DOCKER-USER are already DNATed to 172.18.0.2 (Swarm ingress) or to a container: `-d` never matches them. Use -m conntrack --ctorigdst 203.0.113.10 --ctdir ORIGINAL.");
  const title = 'Match the original destination address: -m conntrack --ctorigdst';
  assert.deepEqual(ds.map((d) => d.fixes.map((f) => f.title)), [[title], [title], [], [title]]);
  assertFix(text, ds[0], 0, text.replace(lines[0], 'iptables -I DOCKER-USER -i eth0 -m conntrack --ctorigdst 203.0.113.10 --ctdir ORIGINAL -j DROP'), undefined,
    'iptables -I DOCKER-USER -i eth0 -m conntrack --ctorigdst 203.0.113.10 --ctdir ORIGINAL -j DROP');
  assertFix(text, ds[1], 0, text.replace(lines[1], 'iptables -I DOCKER-USER -i eth0 -m conntrack --ctorigdst 203.0.113.11/32 --ctdir ORIGINAL -p tcp -j DROP'), undefined,
    'iptables -I DOCKER-USER -i eth0 -m conntrack --ctorigdst 203.0.113.11/32 --ctdir ORIGINAL -p tcp -j DROP');
  // with the node's addresses known, a public address that is not the node's is not claimed
  assert.deepEqual(raw(lines[0], CODE, { nodeAddresses: ['198.51.100.9'] }), []);
});

test('match-after-dnat: egress rules (-o <external>) and -D lines are not judged; offered fixes keep the flows', () => {
  const text = 'iptables -I DOCKER-USER -o eth0 -p tcp --dport 8000 -j DROP\niptables -D DOCKER-USER -p tcp --dport 8000 -j DROP\n';
  assert.deepEqual(raw(text, CODE, COOLIFY), []);
  const ok = 'iptables -I DOCKER-USER -p tcp --dport 8000 -j DROP\n';
  assert.deepEqual(offered(ok, CODE, COOLIFY).map((d) => d.fixes.length), [1]);
});
