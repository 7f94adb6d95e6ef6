/**
 * swarm/not-docker-user (src/core/lint/rules/notDockerUser.ts): the shapes around the main cases — port "exceptions"
 * appended to nat PREROUTING, ACCEPTs of bridge traffic inserted above Docker's jump, jumps to the user's own deny
 * chains, copies of Docker's own rules, default denies. Expected answers written from Docker's FORWARD and nat
 * layout (nat PREROUTING: `-m addrtype --dst-type LOCAL -j DOCKER`; FORWARD: `-j DOCKER-USER` first) before running
 * the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, raw } from './mut-lint-helpers';

const CODE = 'swarm/not-docker-user';
const found = (text: string): string[] => raw(text, CODE).map((d) => `${at([d])[0]} ${d.severity}`);
const NAT = (t: string): string => `Appended to nat PREROUTING, this ${t} runs after Docker's jump to its DOCKER chain (\`-m addrtype --dst-type LOCAL -j DOCKER\`), whose DNAT already took the published ports: it never sees that traffic, and the nat table cannot drop it anyway. Filter published ports in DOCKER-USER (match the published port with -m conntrack --ctorigdstport … --ctdir ORIGINAL).`;
const ON_TOP = (toBridge: boolean): string => `This ACCEPT of Docker bridge traffic runs before FORWARD's jump to DOCKER-USER (inserted at the top of FORWARD, above the jump Docker put there, until Docker re-inserts it at its next start): DOCKER-USER never sees that traffic, so no filtering there applies to it${toBridge ? ' (and every container port, published or not, is open to routed traffic)' : ''}. Put container access policy in DOCKER-USER and leave FORWARD to Docker.`;
const ALSO_OPENS = "Docker's own FORWARD rules already accept the traffic of its bridges that should pass; this ACCEPT also opens container ports Docker would not (unpublished ports, other networks). Container access policy belongs in DOCKER-USER.";
const INSERTED = 'Rule in FORWARD instead of DOCKER-USER: inserted into FORWARD it runs before DOCKER-USER only until Docker re-inserts its jump at the top (daemon restart, network changes). Put container/published-port filtering in DOCKER-USER.';

test('not-docker-user: a port exception appended to nat PREROUTING (a "whitelist" script written before Docker\'s DNAT was understood)', () => {
  const ret = raw('iptables -t nat -A PREROUTING -p tcp --dport 3000 -j RETURN\n', CODE);
  assert.deepEqual(ret.map((d) => [at([d])[0], d.severity, d.message, d.fixes.length]), [['1:19-29', 'warning', NAT('RETURN'), 0]]);
  const acc = raw('iptables -t nat -A PREROUTING -p tcp -m multiport --dports 80,443 -j ACCEPT\n', CODE);
  assert.deepEqual(acc.map((d) => [at([d])[0], d.message]), [['1:19-29', NAT('ACCEPT')]]);
  assert.deepEqual(found('iptables -t nat -A PREROUTING -p udp -m multiport --destination-ports 53 -j RETURN\n'), ['1:19-29 warning']);
  // not that shape: inserted (runs before Docker's jump), a DNAT of its own, no port, another chain, Docker's own
  // bridge RETURN, a restore file (not run on top of Docker's rules), a filter-table rule
  for (const quiet of [
    'iptables -t nat -I PREROUTING -p tcp --dport 3000 -j RETURN',
    'iptables -t nat -A PREROUTING -p tcp --dport 3000 -j DNAT --to-destination 10.0.0.2',
    'iptables -t nat -A PREROUTING -s 10.0.0.0/8 -j RETURN',
    'iptables -t nat -A PREROUTING -p tcp --sport 3000 -j RETURN',
    'iptables -t nat -A OUTPUT -p tcp --dport 3000 -j RETURN',
    'iptables -t nat -A PREROUTING -i docker0 -p tcp --dport 3000 -j RETURN',
    'iptables -A INPUT -p tcp --dport 3000 -j ACCEPT',
  ]) assert.deepEqual(found(`${quiet}\n`), [], quiet);
  assert.deepEqual(found('*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 3000 -j RETURN\nCOMMIT\n'), []);
});

test('not-docker-user: an ACCEPT of bridge traffic inserted at the top of FORWARD on a running host (no jump in the script)', () => {
  // to the bridge: every container port open to routed traffic (warning); from it: the egress skips DOCKER-USER (info)
  const to = raw('iptables -I FORWARD -o docker0 -j ACCEPT\n', CODE);
  assert.deepEqual(to.map((d) => [at([d])[0], d.severity, d.message]), [['1:12-19', 'warning', ON_TOP(true)]]);
  assert.deepEqual(raw('iptables -I FORWARD 1 -o br-0a1b2c3d4e5f -j ACCEPT\n', CODE).map((d) => d.severity), ['warning']);
  const from = raw('iptables -I FORWARD -i docker0 -j ACCEPT\n', CODE);
  assert.deepEqual(from.map((d) => [d.severity, d.message]), [['info', ON_TOP(false)]]);
  // appended: after Docker's own accepts, it only opens more than Docker does
  const app = raw('iptables -A FORWARD -o docker0 -j ACCEPT\n', CODE);
  assert.deepEqual(app.map((d) => [at([d])[0], d.severity, d.message]), [['1:12-19', 'info', ALSO_OPENS]]);
  // inserted lower down (position 3), negated bridges, an ESTABLISHED accept: nothing said
  for (const quiet of ['iptables -I FORWARD 3 -o docker0 -j ACCEPT', 'iptables -A FORWARD ! -o docker0 -j ACCEPT', 'iptables -I FORWARD -i eth0 ! -o docker0 -j ACCEPT', 'iptables -I FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', 'iptables -I FORWARD -i eth0 -o eth1 -j ACCEPT']) {
    assert.deepEqual(found(`${quiet}\n`), [], quiet);
  }
  // the script's own jump first: an ACCEPT after it is not before DOCKER-USER
  assert.deepEqual(found('iptables -A FORWARD -j DOCKER-USER\niptables -A FORWARD -o docker0 -j ACCEPT\n'), ['2:12-19 info']);
  assert.deepEqual(found('iptables -A FORWARD -o docker0 -j ACCEPT\niptables -A FORWARD -j DOCKER-USER\n'), ['1:12-19 warning']);
});

test('not-docker-user: a restore file: ACCEPT before the jump only when it is before it', () => {
  const file = (...rules: string[]): string => `*filter\n:FORWARD DROP [0:0]\n:DOCKER-USER - [0:0]\n${rules.join('\n')}\nCOMMIT\n`;
  assert.deepEqual(found(file('-A FORWARD -o docker0 -j ACCEPT', '-A FORWARD -j DOCKER-USER')), ['4:3-10 warning']);
  // the jump first (Docker's own order), then the bridge ACCEPT: nothing (a restore file is not appended to Docker's)
  assert.deepEqual(found(file('-A FORWARD -j DOCKER-USER', '-A FORWARD -o docker0 -j ACCEPT')), []);
  // no jump in the file at all: it does not say where Docker's jump will be
  assert.deepEqual(found(file('-A FORWARD -o docker0 -j ACCEPT')), []);
});

test('not-docker-user: a conditional jump to the user\'s own chain that drops is filtering; an unconditional one is a default deny', () => {
  // PRE_DOCKER style (a "restrict container access" script): a whitelist chain ending in DROP
  const pre = 'iptables -N PRE_DOCKER\niptables -A PRE_DOCKER -s 10.0.0.0/8 -j RETURN\niptables -A PRE_DOCKER -j DROP\niptables -I FORWARD -o docker0 -j PRE_DOCKER\n';
  const ds = raw(pre, CODE);
  assert.deepEqual(ds.map((d) => [at([d])[0], d.severity, d.message]), [['4:12-19', 'warning', INSERTED]]);
  // LOGDROP at the end of FORWARD: a default deny
  assert.deepEqual(found('iptables -N LOGDROP\niptables -A LOGDROP -j LOG\niptables -A LOGDROP -j DROP\niptables -A FORWARD -j LOGDROP\n'), []);
  // a chain that only counts or logs does not filter; nor a jump to Docker's own chain
  assert.deepEqual(found('iptables -N COUNT\niptables -A COUNT -j LOG\niptables -A FORWARD -o docker0 -j COUNT\n'), []);
  assert.deepEqual(found('iptables -A FORWARD -o docker0 -j DOCKER\n'), []);
  assert.deepEqual(found('iptables -N NOTHERE\niptables -A FORWARD -o docker0 -j NOTHERE_EITHER\n'), []);
});

test('not-docker-user: default denies, other chains, rules without a verdict are not reported; one named interface is not routing between two', () => {
  for (const quiet of [
    'iptables -A FORWARD -m state --state INVALID -j DROP',
    'iptables -A FORWARD -m conntrack --ctstate INVALID -j REJECT',
    'iptables -A FORWARD -j REJECT --reject-with icmp-host-prohibited',
    'iptables -A FORWARD -p tcp --dport 80',
    'iptables -A OUTPUT -p tcp --dport 25 -j DROP',
    'iptables -A FORWARD -i wg0 -o eth0 -j DROP',
  ]) assert.deepEqual(found(`${quiet}\n`), [], quiet);
  for (const loud of ['iptables -A FORWARD -i eth0 -j DROP', 'iptables -A FORWARD -o eth1 -j DROP', 'iptables -A FORWARD -i eth0 ! -o eth1 -j DROP', 'iptables -A FORWARD ! -i wg0 -o eth0 -j DROP', 'iptables -A FORWARD -i eth0 -o docker_gwbridge -j DROP', 'iptables -A FORWARD -p tcp --dport 8080 -j REJECT']) {
    assert.deepEqual(found(`${loud}\n`), ['1:12-19 warning'], loud);
  }
});

test('not-docker-user: in Docker\'s own chains, a REJECT on a bridge is the user\'s (moby#29407); a copy of Docker\'s DROP or RETURN is not', () => {
  const rej = raw('iptables -A DOCKER-ISOLATION-STAGE-1 -i docker0 -j REJECT\n', CODE);
  assert.deepEqual(rej.map((d) => [at([d])[0], d.severity, d.fixes.map((f) => f.title)]), [['1:12-36', 'warning', ['Insert the rule into DOCKER-USER (-I DOCKER-USER)']]]);
  assert.match(rej[0].message, /^DOCKER-ISOLATION-STAGE-1 is Docker's own chain/);
  assert.deepEqual(found('iptables -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP\n'), []);
  assert.deepEqual(found('iptables -A DOCKER-ISOLATION-STAGE-1 -j RETURN\n'), []);
  // a RETURN with a condition is the user's own exception
  assert.deepEqual(found('iptables -A DOCKER -i eth0 -j RETURN\n'), ['1:12-18 warning']);
  // the same in a restore file the user wrote
  assert.deepEqual(found('*filter\n:DOCKER - [0:0]\n-A DOCKER -i eth0 -j RETURN\nCOMMIT\n'), ['3:3-9 warning']);
});
