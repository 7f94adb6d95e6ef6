/**
 * swarm/cuts-control-plane (src/core/lint/rules/cutsControlPlane.ts) with conntrack and IPsec policy conditions and
 * with sources that are no address. Expected answers written from the conntrack original tuple (a connection a
 * peer opens: original source = the peer; the node's own connection to a peer: original destination = the peer, and
 * its replies share that tuple) and from Docker's encrypted overlays (VXLAN inside ESP: IPsec policy "ipsec", not
 * "none") before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, raw } from './mut-lint-helpers';

const CODE = 'swarm/cuts-control-plane';
const file = (...rules: string[]): string => `*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${rules.join('\n')}\nCOMMIT\n`;
const found = (text: string, ctx?: Parameters<typeof raw>[2]): string[][] => raw(text, CODE, ctx).map((d) => [at([d])[0], d.severity, d.message]);
const PEERS = { peerAddresses: ['10.0.0.12'] };
const REPLIES = "replies from TCP 2377 to this node's own connections (they arrive on an ephemeral port); replies from TCP 7946 to this node's own connections (they arrive on an ephemeral port)";
const PORTS = "TCP 2377 (cluster management: managers' API and Raft); TCP 7946 (node gossip); UDP 7946 (node gossip); UDP 4789 (VXLAN overlay data plane)";
const from = (what: string, target = 'DROP'): string => `This ${target} cuts Swarm traffic from the other nodes: ${what}. Accept these from the other Swarm nodes before it.`;

test('cuts-control-plane: --ctorigsrc of the peers accepts what they open, not the replies to the node\'s own connections; --ctorigdst the reverse', () => {
  assert.deepEqual(found(file('-A INPUT -m conntrack --ctorigsrc 10.0.0.0/24 -j ACCEPT', '-A INPUT -j DROP'), PEERS), [['5:0-16', 'error', from(REPLIES)]]);
  assert.deepEqual(found(file('-A INPUT -m conntrack --ctorigdst 10.0.0.0/24 -j ACCEPT', '-A INPUT -j DROP'), PEERS), [['5:0-16', 'error', from(PORTS)]]);
  // OUTPUT: the node's own connections to the peers have them as original destination
  assert.deepEqual(found(file('-A OUTPUT -m conntrack --ctorigdst 10.0.0.0/24 -j ACCEPT', '-A OUTPUT -j DROP'), PEERS), []);
});

test('cuts-control-plane: a DROP of all traffic without IPsec policy cuts TCP and gossip but not VXLAN (it arrives decapsulated from ESP)', () => {
  assert.deepEqual(found(file('-A INPUT -m policy --dir in --pol none -j DROP', '-A INPUT -s 10.0.0.0/24 -j ACCEPT'), PEERS), [
    ['4:0-46', 'error', from(`TCP 2377 (cluster management: managers' API and Raft); TCP 7946 (node gossip); UDP 7946 (node gossip); ${REPLIES}`)],
  ]);
  // Docker's own advice for encrypted overlays: DROP VXLAN that did not come through IPsec
  assert.deepEqual(found(file('-A INPUT -p udp --dport 4789 -m policy --dir in --pol none -j DROP', '-A INPUT -s 10.0.0.0/24 -j ACCEPT'), PEERS), []);
});

test('cuts-control-plane: ESP is judged when the text names protocol esp or 50 (any spacing); not protocol 500', () => {
  const esp = `TCP 7946 (node gossip); UDP 7946 (node gossip); UDP 4789 (VXLAN overlay data plane); ESP, IP protocol 50 (encrypted overlays); ${REPLIES}`;
  const noEsp = `TCP 7946 (node gossip); UDP 7946 (node gossip); UDP 4789 (VXLAN overlay data plane); ${REPLIES}`;
  for (const [out, what] of [['-A OUTPUT -p 50 -j ACCEPT', esp], ['-A OUTPUT -p  esp -j ACCEPT', esp], ['-A OUTPUT -p 500 -j ACCEPT', noEsp]]) {
    assert.deepEqual(found(file('-A INPUT -s 10.0.0.0/24 -p tcp --dport 2377 -j ACCEPT', out, '-A INPUT -j DROP')), [['6:0-16', 'error', from(what)]], out);
  }
});

test('cuts-control-plane: a source that is a variable or a host name gives no peer address: the sample peer is judged', () => {
  assert.deepEqual(found(file('-A INPUT -s $CLUSTER -p tcp --dport 2377 -j ACCEPT', '-A INPUT -j DROP')), [['5:0-16', 'error', from(`${PORTS}; ${REPLIES}`)]]);
});
