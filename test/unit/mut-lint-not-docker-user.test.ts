/**
 * swarm/not-docker-user (src/core/lint/rules/notDockerUser.ts): container filtering in FORWARD, INPUT or Docker's
 * own chains, where it does not work, and the move to DOCKER-USER. Expected answers written from Docker's FORWARD
 * layout (DOCKER-USER jumped to first, Docker's ACCEPTs after it; Docker's chains rewritten on restart) before
 * running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LintContext } from '../../src/core/lint/types';
import { assertFix, at, dump, raw } from './mut-lint-helpers';

const CODE = 'swarm/not-docker-user';
const APPENDED = "Rule in FORWARD instead of DOCKER-USER: appended to FORWARD it runs after Docker's own FORWARD rules (Docker ≤ 27: per-bridge ACCEPTs in FORWARD; ≥ 28: the jumps to DOCKER-INGRESS and DOCKER-FORWARD), which already ACCEPT traffic to containers and to the Swarm ingress network, so it never sees that traffic. Put container/published-port filtering in DOCKER-USER.";
const INSERTED = 'Rule in FORWARD instead of DOCKER-USER: inserted into FORWARD it runs before DOCKER-USER only until Docker re-inserts its jump at the top (daemon restart, network changes). Put container/published-port filtering in DOCKER-USER.';
const OWN = (c: string): string => `${c} is Docker's own chain: Docker flushes and rewrites it whenever networks, services or the daemon restart (all versions), so this rule silently disappears (and may run after Docker's ACCEPTs). Rules that filter container and Swarm ingress traffic belong in DOCKER-USER, which Docker jumps to first and never touches.`;
const BEFORE = "This ACCEPT of Docker bridge traffic runs before FORWARD's jump to DOCKER-USER: DOCKER-USER never sees that traffic, so no filtering there applies to it (and every container port, published or not, is open to routed traffic). Put container access policy in DOCKER-USER and leave FORWARD to Docker.";
const TO_CONTAINERS = 'This rule matches traffic to containers, which is forwarded (FORWARD → DOCKER-USER), never delivered to INPUT: it has no effect. Put it in DOCKER-USER.';

test('not-docker-user: a script\'s FORWARD, DOCKER and INPUT rules, each with its reason and move', () => {
  const lines = [
    'iptables -A FORWARD -p tcp --dport 8080 -j DROP', // 1: appended: after Docker's ACCEPTs
    'iptables -I FORWARD -p tcp --dport 8080 -j DROP', // 2: inserted: until Docker re-inserts its jump
    'iptables -A FORWARD -j DROP', // a catch-all default deny
    'iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP', // Docker-like INVALID drop: a default
    'iptables -A FORWARD -i wg0 -o eth0 -j DROP', // routing between two non-Docker interfaces
    'iptables -A FORWARD -i wg0 -o docker0 -j DROP', // 6: to a Docker bridge
    'iptables -A FORWARD -i docker0 -j ACCEPT', // 7: before the script's own jump below
    'iptables -A FORWARD -j DOCKER-USER',
    'iptables -A FORWARD -s $NET -j DROP', // 9: a variable address: still a FORWARD filter, whatever its value
    'iptables -A DOCKER -p tcp --dport 80 -j DROP', // 10: Docker's chain
    'iptables -A DOCKER -j RETURN', // a copy of Docker's own RETURN
    'iptables -A INPUT -i eth0 -d 172.18.0.5 -j DROP', // 12: a container address in INPUT (`-o docker0` in INPUT: iptables refuses it)
    'iptables -A INPUT -d 172.17.0.5 -j DROP', // 13: a container address in INPUT
    'iptables -A INPUT -d 192.168.1.5 -j DROP',
    'iptables -A INPUT ! -d 172.17.0.5 -j DROP',
    'iptables -A FORWARD -i docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', // what Docker has itself
    'iptables -A FORWARD -p tcp --dport 8080 -j LOG', // not a deny
    'iptables -D FORWARD -p tcp --dport 8080 -j DROP',
    'iptables -A FORWARD -i $WAN_IF -o $LAN_IF -j DROP', // variable interfaces: whether containers are concerned is unknown
    'iptables -I FORWARD -p tcp --dport 25565 -j NFQUEUE --queue-num 1', // 20: a userspace blocklist's verdict, inserted
  ];
  const text = `${lines.join('\n')}\n`;
  const ds = raw(text, CODE);
  assert.deepEqual(at(ds), ['1:12-19', '2:12-19', '6:12-19', '7:12-19', '9:12-19', '10:12-18', '12:12-17', '13:12-17', '20:12-19']);
  assert.deepEqual(ds.map((d) => d.message), [APPENDED, INSERTED, APPENDED, BEFORE, APPENDED, OWN('DOCKER'), TO_CONTAINERS, TO_CONTAINERS, INSERTED]);
  assert.ok(ds.every((d) => d.severity === 'warning'));
  const ins = 'Insert the rule into DOCKER-USER (-I DOCKER-USER)';
  const move = 'Move the rule to DOCKER-USER';
  assert.deepEqual(ds.map((d) => d.fixes.map((f) => f.title)), [[ins], [move], [ins], [], [ins], [ins], [ins], [ins], [move]]);
  assertFix(text, ds[0], 0, text.replace(lines[0], 'iptables -I DOCKER-USER -p tcp --dport 8080 -j DROP'), undefined, 'iptables -I DOCKER-USER -p tcp --dport 8080 -j DROP');
  assertFix(text, ds[1], 0, text.replace(lines[1], 'iptables -I DOCKER-USER -p tcp --dport 8080 -j DROP'), undefined, 'iptables -I DOCKER-USER -p tcp --dport 8080 -j DROP');
  assertFix(text, ds[7], 0, text.replace(lines[12], 'iptables -I DOCKER-USER -d 172.17.0.5 -j DROP'), undefined, 'iptables -I DOCKER-USER -d 172.17.0.5 -j DROP');
});

test('not-docker-user: a restore file: an ACCEPT of bridge traffic above FORWARD\'s jump, a REJECT after it, a rule in DOCKER-INGRESS', () => {
  const text = `*filter
:FORWARD DROP [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -i docker0 -o eth0 -j ACCEPT
-A FORWARD -j DOCKER-USER
-A FORWARD -i docker0 -o eth1 -j ACCEPT
-A FORWARD -p tcp --dport 8080 -j REJECT
-A DOCKER-INGRESS -p tcp --dport 8080 -j DROP
COMMIT
`;
  const ds = raw(text, CODE);
  // line 6 is after the jump: Docker's own rules accept that traffic too (said only for scripts' appends)
  assert.deepEqual(at(ds), ['4:3-10', '7:3-10', '8:3-17']);
  assert.deepEqual(ds.map((d) => d.message), [BEFORE, APPENDED, OWN('DOCKER-INGRESS')]);
  assert.deepEqual(ds.map((d) => d.fixes.map((f) => f.title)), [[], ['Move the rule to DOCKER-USER'], ['Move the rule to DOCKER-USER']]);
  assertFix(text, ds[2], 0, text.replace('-A DOCKER-INGRESS -p tcp', '-A DOCKER-USER -p tcp'), undefined, '-A DOCKER-USER -p tcp --dport 8080 -j DROP');
});

test('not-docker-user: in a dump it is information, without a fix; Docker\'s own rules in it are not judged', () => {
  const ds = raw(dump('-A FORWARD -p tcp -m tcp --dport 8080 -j DROP', '-A DOCKER -p tcp -m tcp --dport 81 -j DROP'), CODE);
  assert.deepEqual(at(ds), ['7:3-10']);
  assert.equal(ds[0].severity, 'info');
  assert.equal(ds[0].message, APPENDED);
  assert.deepEqual(ds[0].fixes, []);
});

test('not-docker-user: INPUT rules to a node\'s own Docker networks (context) are to containers; other private ranges are not', () => {
  const ctx: LintContext = { networks: [{ name: 'ov0', driver: 'overlay', subnets: ['10.0.1.0/24'] }] };
  const text = 'iptables -A INPUT -d 10.0.1.7 -j DROP\niptables -A INPUT -d 172.17.0.5 -j DROP\n';
  assert.deepEqual(at(raw(text, CODE, ctx)), ['1:12-17']);
});
