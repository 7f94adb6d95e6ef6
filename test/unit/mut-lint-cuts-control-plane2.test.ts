/**
 * swarm/cuts-control-plane (src/core/lint/rules/cutsControlPlane.ts): which peers the file's own INPUT accepts
 * stand for, the replies to the node's own connections, a port range that names 2377 on purpose. Expected answers
 * written from Docker's "Open protocols and ports between the hosts" list (2377/tcp, 7946/tcp+udp, 4789/udp) and
 * how a DROP at the end of INPUT takes what no ACCEPT above it let in, before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, raw } from './mut-lint-helpers';

const CODE = 'swarm/cuts-control-plane';
const file = (...rules: string[]): string => `*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${rules.join('\n')}\nCOMMIT\n`;
const found = (text: string): string[][] => raw(text, CODE).map((d) => [at([d])[0], d.severity, d.message]);
const REPLIES = "replies from TCP 2377 to this node's own connections (they arrive on an ephemeral port); replies from TCP 7946 to this node's own connections (they arrive on an ephemeral port)";
const cut = (what: string, target = 'DROP'): string => `This ${target} cuts Swarm traffic from the other nodes: ${what}. Accept these from the other Swarm nodes before it.`;

test('cuts-control-plane: a manager that accepts only 2377 from its peers and drops the rest cuts gossip, VXLAN and the replies', () => {
  // the peer the file names (a /32, a /31: both addresses are hosts) is the one judged
  for (const src of ['10.0.0.5/32', '10.0.0.5', '10.0.0.4/31']) {
    assert.deepEqual(found(file(`-A INPUT -s ${src} -p tcp --dport 2377 -j ACCEPT`, '-A INPUT -j DROP')), [
      ['5:0-16', 'error', cut(`TCP 7946 (node gossip); UDP 7946 (node gossip); UDP 4789 (VXLAN overlay data plane); ${REPLIES}`)],
    ], src);
  }
  // a host of the subnet accepted in full: nothing cut (the first host of a /24 stands for the peers)
  assert.deepEqual(found(file('-A INPUT -s 10.0.0.0/24 -p tcp --dport 2377 -j ACCEPT', '-A INPUT -s 10.0.0.1 -j ACCEPT', '-A INPUT -j DROP')), []);
  // a negated source is not the peers' subnet
  assert.deepEqual(found(file('-A INPUT ! -s 10.0.0.0/24 -j ACCEPT', '-A INPUT -p tcp --dport 2377 -j DROP')), []);
});

test('cuts-control-plane: the Swarm ports accepted from the cluster subnet but no ESTABLISHED accept: the replies to the node\'s own connections are cut', () => {
  const ports = ['-A INPUT -s 10.0.0.0/24 -p tcp -m multiport --dports 2377,7946 -j ACCEPT', '-A INPUT -s 10.0.0.0/24 -p udp -m multiport --dports 7946,4789 -j ACCEPT'];
  assert.deepEqual(found(file(...ports, '-A INPUT -j DROP')), [['6:0-16', 'error', cut(REPLIES)]]);
  assert.deepEqual(found(file(...ports, '-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT', '-A INPUT -j DROP')), []);
  // accepting all but TCP leaves TCP gossip out
  assert.deepEqual(found(file('-A INPUT -s 10.0.0.0/24 ! -p tcp -j ACCEPT', '-A INPUT -s 10.0.0.0/24 -p tcp --dport 2377 -j ACCEPT', '-A INPUT -j DROP')), [
    ['6:0-16', 'error', cut(`TCP 7946 (node gossip); ${REPLIES}`)],
  ]);
});

test('cuts-control-plane: a narrow range that names 2377 on a node whose peers are unknown is deliberate (a worker closing the manager port); a wide one is not', () => {
  assert.deepEqual(found(file('-A INPUT -p tcp --dport 7946 -j ACCEPT', '-A INPUT -p tcp --dport 2370:2380 -j REJECT')), []);
  assert.deepEqual(found(file('-A INPUT -p tcp --dport 7946 -j ACCEPT', '-A INPUT -p tcp --dport 2377 -j DROP')), []);
  assert.deepEqual(found(file('-A INPUT -p tcp --dport 7946 -j ACCEPT', '-A INPUT -p tcp --dport 2000:3000 -j REJECT')), [
    ['5:0-43', 'error', cut("TCP 2377 (cluster management: managers' API and Raft)", 'REJECT')],
  ]);
  // with the peers known (the file accepts their subnet), the same DROP of 2377 cuts them
  assert.deepEqual(found(file('-A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT', '-A INPUT -p tcp --dport 2377 -j DROP')), [
    ['5:0-36', 'error', cut("TCP 2377 (cluster management: managers' API and Raft)")],
  ]);
});
