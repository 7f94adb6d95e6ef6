/**
 * The small rules' edges: rules/unused-chain (tool chains, chains the node's own rules jump to, chains the text
 * only fills), docker-user/swarm-port (how wide a range still names a Swarm port; ESP), docker-user/accept-all (the
 * RETURN fix on other spellings of -j ACCEPT), node/unknown-subnet and node/matches-network (which code says what).
 * Expected answers written from how iptables enters a user chain and from the node context before running.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LintContext } from '../../src/core/lint/types';
import { applyEdits } from '../../src/core/lint/edits';
import { at, raw } from './mut-lint-helpers';

const found = (text: string, code: string, ctx?: LintContext): string[] => raw(text, code, ctx).map((d) => `${at([d])[0]} ${d.severity}`);
const UNUSED = 'rules/unused-chain';

test('unused-chain: a chain the script creates and fills but nothing jumps to; not the chains of ufw, fail2ban, libvirt, Kubernetes', () => {
  const ds = raw('iptables -A INPUT -p tcp --dport 22\niptables -N MYCHAIN\niptables -A MYCHAIN -s 198.51.100.0/24 -j DROP\niptables -A MYCHAIN -j RETURN\n', UNUSED);
  assert.deepEqual(ds.map((d) => [at([d])[0], d.severity, d.message]), [
    ['2:0-19', 'warning', 'Nothing jumps to chain MYCHAIN (no -j MYCHAIN / -g MYCHAIN in filter): its 2 rule(s) never run. Add a jump from FORWARD/DOCKER-USER/INPUT, or remove the chain.'],
  ]);
  assert.deepEqual(found('iptables -N ufw-user-input\niptables -A ufw-user-input -j DROP\niptables -N f2b-sshd\niptables -A f2b-sshd -j RETURN\niptables -N LIBVIRT_INP\niptables -A LIBVIRT_INP -j ACCEPT\niptables -N KUBE-FIREWALL\niptables -A KUBE-FIREWALL -j DROP\niptables -N cali-INPUT\niptables -A cali-INPUT -j ACCEPT\n', UNUSED), []);
  // a chain of the user's that only mentions a tool in the middle of its name is the user's
  assert.deepEqual(found('iptables -N block-ufw-bypass\niptables -A block-ufw-bypass -j DROP\n', UNUSED), ['1:0-28 warning']);
  // empty, or only filled (the -N is elsewhere: another script may jump to it)
  assert.deepEqual(found('iptables -N EMPTY\n', UNUSED), []);
  assert.deepEqual(found('iptables -A MYCHAIN -j DROP\n', UNUSED), []);
  // a restore file's declaration line
  assert.deepEqual(found('*filter\n:MYCHAIN - [0:0]\n-A MYCHAIN -j DROP\nCOMMIT\n', UNUSED), ['2:0-16 warning']);
});

test('unused-chain: the node\'s own rules (context) jump to it in the same table: used; a jump in another table does not count', () => {
  const ctx: LintContext = { filterRules: '-P FORWARD DROP\n-A FORWARD -j MYCHAIN\n' };
  assert.deepEqual(found('iptables -N MYCHAIN\niptables -A MYCHAIN -j DROP\n', UNUSED, ctx), []);
  assert.deepEqual(found('iptables -t nat -N MYCHAIN\niptables -t nat -A MYCHAIN -j RETURN\n', UNUSED, ctx), ['1:0-26 warning']);
});

test('swarm-port: a range up to 16 ports wide names the Swarm port in it; a wider one is a range that happens to hold it', () => {
  const d = raw('iptables -A DOCKER-USER -p tcp --dport 2370:2386 -j DROP\n', 'docker-user/swarm-port');
  assert.deepEqual(d.map((x) => [at([x])[0], x.severity, x.message]), [['1:31-48', 'warning', 'Port 2377 is Swarm traffic addressed to this node (cluster management): it passes INPUT/OUTPUT, never FORWARD, so DOCKER-USER never sees it and this rule does nothing for it. Filter Swarm ports in INPUT.']]);
  assert.deepEqual(found('iptables -A DOCKER-USER -p tcp --dport 2370:2387 -j DROP\n', 'docker-user/swarm-port'), []);
  // ESP (encrypted overlays), not its negation; a negated port is everything but it
  assert.deepEqual(found('iptables -A DOCKER-USER -p esp -j DROP\n', 'docker-user/swarm-port'), ['1:27-30 warning']);
  assert.deepEqual(found('iptables -A DOCKER-USER ! -p esp -j DROP\n', 'docker-user/swarm-port'), []);
  assert.deepEqual(found('iptables -A DOCKER-USER -p udp ! --dport 4789 -j DROP\n', 'docker-user/swarm-port'), []);
});

test('accept-all: the RETURN fix replaces the target name in --jump ACCEPT and -j  ACCEPT too', () => {
  for (const [line, fixed] of [['iptables -I DOCKER-USER --jump ACCEPT', 'iptables -I DOCKER-USER --jump RETURN'], ['iptables -I DOCKER-USER -j  ACCEPT', 'iptables -I DOCKER-USER -j  RETURN']]) {
    const ds = raw(`${line}\n`, 'docker-user/accept-all');
    assert.deepEqual(ds.map((d) => [at([d])[0], d.severity, d.fixes.map((f) => f.title)]), [[`1:0-${line.length}`, 'warning', ["Use -j RETURN (let Docker's rules decide)"]]], line);
    assert.equal(applyEdits(`${line}\n`, ds[0].fixes[0].edits), `${fixed}\n`);
  }
});

test('node subnets: each code says only its own finding; the host\'s second interface counts; an unparsable address or a rule without a target is skipped', () => {
  const ctx: LintContext = {
    nodeName: 'w1',
    interfaces: [{ name: 'eth0', addresses: ['192.168.33.2/24'] }, { name: 'eth1', addresses: ['10.20.0.2/24'] }],
    networks: [{ name: 'a', driver: 'overlay', subnets: ['10.8.0.0/24'] }, { name: 'b', driver: 'overlay', subnets: ['10.8.1.0/24'] }, { name: 'c', driver: 'bridge', subnets: ['10.8.2.0/24'] }],
  };
  const text = 'iptables -I DOCKER-USER -d 172.30.0.0/16 -j DROP\niptables -I DOCKER-USER -d 10.8.0.0/16 -j DROP\niptables -I DOCKER-USER -d 10.20.0.0/24 -j DROP\niptables -I DOCKER-USER -d db.example.com -j DROP\niptables -I DOCKER-USER -d 10.8.0.0/16\n';
  assert.deepEqual(found(text, 'node/unknown-subnet', ctx), ['1:27-40 warning']);
  const m = raw(text, 'node/matches-network', ctx);
  assert.deepEqual(m.map((d) => [at([d])[0], d.severity, d.message]), [
    ['2:27-38', 'info', 'This DROP also matches overlay traffic to 10.8.0.0/24 of network a, overlay traffic to 10.8.1.0/24 of network b, bridge traffic to 10.8.2.0/24 of network c on node w1.'],
  ]);
});
