/**
 * swarm/cuts-control-plane (src/core/lint/rules/cutsControlPlane.ts): the peers of the node context before the
 * file's own accepts, OUTPUT (no replies judged there), what the evaluator cannot decide, ESP when the text speaks
 * of encrypted overlays, a policy set on the script's first line. Expected answers written from Docker's swarm port
 * list (2377/tcp, 7946/tcp+udp, 4789/udp, ESP for `--opt encrypted`) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, raw } from './mut-lint-helpers';

const CODE = 'swarm/cuts-control-plane';
const file = (...rules: string[]): string => `*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${rules.join('\n')}\nCOMMIT\n`;
const found = (text: string, ctx?: Parameters<typeof raw>[2]): string[][] => raw(text, CODE, ctx).map((d) => [at([d])[0], d.severity, d.message]);
const REPLIES = "replies from TCP 2377 to this node's own connections (they arrive on an ephemeral port); replies from TCP 7946 to this node's own connections (they arrive on an ephemeral port)";
const ALL = `TCP 2377 (cluster management: managers' API and Raft); TCP 7946 (node gossip); UDP 7946 (node gossip); UDP 4789 (VXLAN overlay data plane); ${REPLIES}`;
const from = (what: string): string => `This DROP cuts Swarm traffic from the other nodes: ${what}. Accept these from the other Swarm nodes before it.`;

test('cuts-control-plane: the context\'s peers are judged, not the address the file accepts (a rule set copied from another node)', () => {
  const text = file('-A INPUT -s 10.0.0.12 -j ACCEPT', '-A INPUT -j DROP');
  assert.deepEqual(found(text, { peerAddresses: ['10.0.0.13'] }), [['5:0-16', 'error', from(ALL)]]);
  // a name among the addresses is left out (only addresses are judged)
  assert.deepEqual(found(text, { peerAddresses: ['manager-2', '10.0.0.13'] }), [['5:0-16', 'error', from(ALL)]]);
  // names only: the peers the file accepts are judged (they are accepted in full)
  assert.deepEqual(found(text, { peerAddresses: ['manager-2'] }), []);
  // the peer the file accepts in full: nothing cut
  assert.deepEqual(found(text, { peerAddresses: ['10.0.0.12'] }), []);
});

test('cuts-control-plane: OUTPUT to the peers: the Swarm ports not accepted, and no replies (those are judged in INPUT)', () => {
  assert.deepEqual(found(file('-A INPUT -s 10.0.0.0/24 -j ACCEPT', '-A OUTPUT -d 10.0.0.0/24 -p tcp --dport 2377 -j ACCEPT', '-A OUTPUT -j DROP')), [
    ['6:0-17', 'error', 'This DROP cuts Swarm traffic to the other nodes: TCP 7946 (node gossip); UDP 7946 (node gossip); UDP 4789 (VXLAN overlay data plane). Accept these from the other Swarm nodes before it.'],
  ]);
  // a protocol-wide DROP names only what it takes
  assert.deepEqual(found(file('-A INPUT -s 10.0.0.0/24 -p tcp --dport 2377 -j ACCEPT', '-A INPUT -p udp -j DROP')), [
    ['5:0-23', 'error', from('UDP 7946 (node gossip); UDP 4789 (VXLAN overlay data plane)')],
  ]);
});

test('cuts-control-plane: what the evaluator cannot decide (a `-m recent` blacklist) is not reported; a multiport list naming 2377 is deliberate on a node with unknown peers', () => {
  assert.deepEqual(found(file('-A INPUT -p tcp --dport 2377 -j ACCEPT', '-A INPUT -m recent --name blacklist --rcheck -j DROP')), []);
  assert.deepEqual(found(file('-A INPUT -p tcp --dport 7946 -j ACCEPT', '-A INPUT -p tcp -m multiport --dports 2377,8080 -j DROP')), []);
  // the width limit of a deliberate range: 15 ports apart is deliberate, 16 apart is not
  assert.deepEqual(found(file('-A INPUT -p tcp --dport 7946 -j ACCEPT', '-A INPUT -p tcp --dport 2370:2385 -j DROP')), []);
  assert.deepEqual(found(file('-A INPUT -p tcp --dport 7946 -j ACCEPT', '-A INPUT -p tcp --dport 2370:2386 -j DROP')), [['5:0-41', 'error', from("TCP 2377 (cluster management: managers' API and Raft)")]]);
});

test('cuts-control-plane: a text about encrypted overlays also needs ESP; cutting it with the rest is an error', () => {
  assert.deepEqual(found(`# encrypted overlay networks\n${file('-A INPUT -s 10.0.0.0/24 -p tcp --dport 2377 -j ACCEPT', '-A INPUT -j DROP')}`), [
    ['6:0-16', 'error', from(`TCP 7946 (node gossip); UDP 7946 (node gossip); UDP 4789 (VXLAN overlay data plane); ESP, IP protocol 50 (encrypted overlays); ${REPLIES}`)],
  ]);
});

test('cuts-control-plane: `iptables -P INPUT DROP` on the script\'s first line is the policy pointed at', () => {
  assert.deepEqual(found('iptables -P INPUT DROP\niptables -A INPUT -p tcp --dport 22 -j ACCEPT\niptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 2377 -j ACCEPT\n'), [
    ['1:0-22', 'error', `Policy DROP on INPUT with no ACCEPT for Swarm traffic from the other nodes: TCP 7946 (node gossip); UDP 7946 (node gossip); UDP 4789 (VXLAN overlay data plane); ${REPLIES}. Accept them from the other Swarm nodes.`],
  ]);
});
