/**
 * swarm/cuts-control-plane (src/core/lint/rules/cutsControlPlane.ts): INPUT/OUTPUT rules or policies that drop the
 * Swarm traffic between nodes (2377/tcp, 7946/tcp+udp, 4789/udp or --data-path-port, ESP), evaluated for the peers
 * the file accepts or the context names. Expected answers written from Docker's Swarm port list (docs "Open
 * protocols and ports between the hosts") before running the linter.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LintContext } from '../../src/core/lint/types';
import { LINT_FIXTURES } from './lint-helpers';
import { at, one, raw } from './mut-lint-helpers';

const CODE = 'swarm/cuts-control-plane';
const broken = (f: string): string => readFileSync(join(LINT_FIXTURES, 'broken', f), 'utf8');
const GOSSIP_VXLAN = 'TCP 7946 (node gossip); UDP 7946 (node gossip); UDP 4789 (VXLAN overlay data plane)';

test('cuts-control-plane: a DROP of 2377 after the cluster subnet\'s SSH accept (broken/drop-2377.rules)', () => {
  const d = one(broken('drop-2377.rules'), CODE);
  assert.deepEqual(d.span, { line: 2, start: 0, end: 45 });
  assert.equal(d.severity, 'error');
  assert.equal(d.message, "This DROP cuts Swarm traffic from the other nodes: TCP 2377 (cluster management: managers' API and Raft). Accept these from the other Swarm nodes before it.");
  assert.deepEqual(d.fixes, []);
  // the same DROP alone, with no peer known: deliberate (a worker that must not be a manager), not reported
  assert.deepEqual(raw('iptables -A INPUT -p tcp --dport 2377 -j DROP\n', CODE), []);
  // with the cluster subnet accepted first nothing is cut
  assert.deepEqual(raw('iptables -A INPUT -s 10.0.0.0/24 -j ACCEPT\niptables -A INPUT -p tcp --dport 2377 -j DROP\n', CODE), []);
});

test('cuts-control-plane: a final DROP and a DROP policy name every Swarm flow they take', () => {
  const deny = one(broken('input-default-deny.rules'), CODE);
  assert.deepEqual(deny.span, { line: 6, start: 0, end: 16 });
  assert.equal(deny.message, `This DROP cuts Swarm traffic from the other nodes: ${GOSSIP_VXLAN}. Accept these from the other Swarm nodes before it.`);
  const policy = one(broken('input-policy-drop.rules'), CODE);
  assert.deepEqual(policy.span, { line: 2, start: 0, end: 17 });
  assert.equal(policy.severity, 'error');
  assert.equal(policy.message, `Policy DROP on INPUT with no ACCEPT for Swarm traffic from the other nodes: ${GOSSIP_VXLAN}. Accept them from the other Swarm nodes.`);
  // the same policy in an -nvL listing is not a declaration the user wrote: not reported
  assert.deepEqual(raw('Chain INPUT (policy DROP 0 packets, 0 bytes)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 ACCEPT     tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:2377\n', CODE), []);
});

test('cuts-control-plane: ESP only matters for encrypted overlays (warning unless the node has one); Docker\'s `--pol none` VXLAN DROP is right', () => {
  const esp = one(broken('drop-esp.rules'), CODE);
  assert.deepEqual(esp.span, { line: 1, start: 0, end: 32 });
  assert.equal(esp.severity, 'warning');
  assert.equal(esp.message, 'This DROP cuts Swarm traffic from the other nodes: ESP, IP protocol 50 (encrypted overlays). Accept these from the other Swarm nodes before it.');
  const encrypted: LintContext = { networks: [{ name: 'sec', driver: 'overlay', subnets: ['10.0.9.0/24'], encrypted: true }], peerAddresses: ['192.168.33.3'] };
  assert.equal(one('iptables -A INPUT -p esp -j DROP\n', CODE, encrypted).severity, 'error');
  // Docker's docs for encrypted overlays: drop VXLAN that did not come through IPsec
  const text = '# encrypted overlay\niptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT\niptables -A INPUT -p udp --dport 4789 -m policy --dir in --pol none -j DROP\niptables -A INPUT -p 50 -j DROP\n';
  assert.deepEqual(at(raw(text, CODE)), ['4:0-31']);
});

test('cuts-control-plane: OUTPUT to the context\'s peers; a policy that lets one peer through is not "every peer"; the node\'s data-path port', () => {
  const ctx: LintContext = { peerAddresses: ['192.168.33.3', '192.168.33.4'] };
  const text = '*filter\n:INPUT DROP [0:0]\n:OUTPUT DROP [0:0]\n-A INPUT -s 192.168.33.3 -j ACCEPT\n-A OUTPUT -p tcp --dport 2377 -j REJECT\n-A OUTPUT -d 192.168.33.0/24 -j ACCEPT\nCOMMIT\n';
  const ds = raw(text, CODE, ctx);
  assert.deepEqual(at(ds), ['5:0-39']);
  assert.equal(ds[0].message, "This REJECT cuts Swarm traffic to the other nodes: TCP 2377 (cluster management: managers' API and Raft). Accept these from the other Swarm nodes before it.");
  const custom = broken('drop-datapath-custom.rules');
  const ctx5789 = JSON.parse(readFileSync(join(LINT_FIXTURES, 'contexts', 'datapath-5789.json'), 'utf8')) as LintContext;
  const d = one(custom, CODE, ctx5789);
  assert.deepEqual(d.span, { line: 3, start: 0, end: 45 });
  assert.match(d.message, /: UDP 5789 \(VXLAN overlay data plane\)\. Accept/);
  // 4789 is not the data port on that node
  assert.deepEqual(raw(custom.replace('--dport 5789', '--dport 4789'), CODE, ctx5789), []);
});

test('cuts-control-plane: text not about Swarm, or a listing without interfaces, is not judged', () => {
  assert.deepEqual(raw('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -j DROP\nCOMMIT\n', CODE), []);
  assert.deepEqual(raw('Chain INPUT (policy DROP)\ntarget     prot opt source               destination\nACCEPT     tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:2377\n', CODE), []);
});
