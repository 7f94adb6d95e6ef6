// ipsets of every type with their direction flags and entry flags. The `ipset save` texts below were printed by
// ipset v7.17 in a scratch namespace on this machine; every expected answer was the kernel's, obtained before
// running our code: `ipset test` for membership (nomatch, ports, icmp, iface wildcard), and packet counters of
// `-m set --match-set … <flags>` rules for the direction flags (udp 10.1.1.1:<random> → 10.1.1.1:53 over lo).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpsetSave, testSet } from '../../src/core/iptables/matches/ipset';
import { newPacket, type Packet } from '../../src/core/trace/packet';
import { buildRuleset } from '../../src/core/trace/build';
import { evaluateHook, NamespaceRules } from '../../src/core/trace/netfilter';

const SAVE = `create te-n hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x717b2330
add te-n 10.0.0.0/8
add te-n 10.1.0.0/16 nomatch
add te-n 10.1.2.0/24
create te-np hash:net,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x26a9567d
add te-np 10.2.0.0/16,tcp:80 nomatch
add te-np 10.0.0.0/8,tcp:8080
add te-np 10.0.0.0/8,udp:53
add te-np 10.0.0.0/8,tcp:80
create te-ni hash:net,iface family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xdb595801
add te-ni 192.168.0.0/16,physdev:veth0
add te-ni 10.0.0.0/8,eth+
add te-ni 172.16.0.0/12,veth wildcard
create te-ipp hash:ip,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x3a2bce15
add te-ipp 10.1.1.3,tcp:82
add te-ipp 10.1.1.3,tcp:81
add te-ipp 10.1.1.3,tcp:80
add te-ipp 10.1.1.2,icmp:echo-request
add te-ipp 10.1.1.1,udp:53
create te-l list:set size 8
add te-l te-n
add te-l te-np
`;
const sets = parseIpsetSave(SAVE);
const lookup = (n: string) => sets.get(n);

function pkt(p: Partial<Packet> & { src: string; dst: string; proto: string }): Packet {
  return { ...newPacket(p), ...p };
}
const member = (set: string, flags: string, p: Packet): string => testSet(set, flags, p, lookup).result;

describe('ipset membership (kernel: ipset test)', () => {
  it('hash:net: the most specific entry wins, nomatch is an exception', () => {
    const to = (dst: string): Packet => pkt({ src: '192.0.2.1', dst, proto: 'tcp' });
    assert.equal(member('te-n', 'dst', to('10.9.9.9')), 'yes'); // is in set
    assert.equal(member('te-n', 'dst', to('10.1.9.9')), 'no'); // NOT in set (10.1.0.0/16 nomatch)
    assert.equal(member('te-n', 'dst', to('10.1.2.3')), 'yes'); // in set (10.1.2.0/24 inside the nomatch)
    assert.equal(member('te-n', 'dst', to('11.0.0.1')), 'no');
  });
  it('hash:net,port: protocol and port, a bare port is tcp', () => {
    const p = (dst: string, proto: string, dport: number): Packet => pkt({ src: '192.0.2.1', dst, proto, dport, sport: 40000 });
    assert.equal(member('te-np', 'dst,dst', p('10.1.1.1', 'tcp', 80)), 'yes');
    assert.equal(member('te-np', 'dst,dst', p('10.1.1.1', 'udp', 80)), 'no');
    assert.equal(member('te-np', 'dst,dst', p('10.1.1.1', 'tcp', 53)), 'no');
    assert.equal(member('te-np', 'dst,dst', p('10.1.1.1', 'udp', 53)), 'yes');
    assert.equal(member('te-np', 'dst,dst', p('10.2.0.1', 'tcp', 80)), 'no'); // nomatch
    assert.equal(member('te-np', 'dst,dst', p('10.1.1.1', 'tcp', 8080)), 'yes'); // added as "10.0.0.0/8,8080"
  });
  it('hash:ip,port: port ranges are stored expanded; icmp by type', () => {
    assert.equal(member('te-ipp', 'dst,dst', pkt({ src: '192.0.2.1', dst: '10.1.1.3', proto: 'tcp', dport: 81 })), 'yes');
    assert.equal(member('te-ipp', 'dst,dst', pkt({ src: '192.0.2.1', dst: '10.1.1.2', proto: 'icmp', icmp: { type: 8, code: 0 } })), 'yes');
    assert.equal(member('te-ipp', 'dst,dst', pkt({ src: '192.0.2.1', dst: '10.1.1.2', proto: 'icmp', icmp: { type: 0, code: 0 } })), 'no');
  });
  it('hash:net,iface: the name is literal ("eth+" is not a wildcard) unless the entry has the wildcard flag', () => {
    const via = (src: string, inIface: string): Packet => pkt({ src, dst: '192.0.2.1', proto: 'tcp', inIface });
    assert.equal(member('te-ni', 'src,src', via('10.1.1.1', 'eth0')), 'no'); // NOT in set
    assert.equal(member('te-ni', 'src,src', via('10.1.1.1', 'eth+')), 'yes'); // in set
    assert.equal(member('te-ni', 'src,src', via('172.16.1.1', 'veth0')), 'yes'); // wildcard
    assert.equal(member('te-ni', 'src,dst', pkt({ src: '172.16.1.1', dst: '192.0.2.1', proto: 'tcp', inIface: 'veth0' })), "ipset interface veth (outgoing interface unknown)");
  });
  it('list:set: any member set, with the same flags', () => {
    assert.equal(member('te-l', 'dst', pkt({ src: '192.0.2.1', dst: '10.9.9.9', proto: 'tcp' })), 'yes'); // via te-n
    assert.equal(member('te-l', 'dst,dst', pkt({ src: '192.0.2.1', dst: '10.1.9.9', proto: 'udp', dport: 53 })), 'yes'); // te-n says no, te-np yes
  });
});

describe('--match-set direction flags (kernel: rule counters)', () => {
  // udp 10.1.1.1:<random> → 10.1.1.1:53; counters after one packet: dst 0, dst,dst 1, dst,dst,dst 1, src,dst 1,
  // dst,src 0 on te-np; dst,src 0 on te-n (10.1.1.1 is inside its nomatch entry).
  const p = pkt({ src: '10.1.1.1', dst: '10.1.1.1', proto: 'udp', sport: 48123, dport: 53, outIface: 'lo' });
  const cases: [string, string, 'ACCEPT' | 'DROP'][] = [
    ['te-np', 'dst', 'ACCEPT'], // fewer flags than dimensions: never matches
    ['te-np', 'dst,dst', 'DROP'],
    ['te-np', 'dst,dst,dst', 'DROP'], // extra flags are ignored
    ['te-np', 'src,dst', 'DROP'],
    ['te-np', 'dst,src', 'ACCEPT'],
    ['te-n', 'dst,src', 'ACCEPT'],
  ];
  for (const [set, flags, verdict] of cases) {
    it(`-m set --match-set ${set} ${flags} → ${verdict === 'DROP' ? 'matches' : 'no match'}`, () => {
      const ns = new NamespaceRules().add(buildRuleset({ filter: { OUTPUT: { policy: 'ACCEPT', rules: [{ p: 'udp', m: [['set', { 'match-set': [set, flags] }]], j: 'DROP' }] } } }), 'rules', true);
      const h = evaluateHook(ns, 'OUTPUT', p, { ifaceAddresses: {}, ipsets: Object.fromEntries(sets) });
      assert.equal(h.verdict, verdict);
      assert.equal(h.uncertain, false);
    });
  }
  it('--return-nomatch reverses the answer on hash:net (ipset(8))', () => {
    const q = pkt({ src: '192.0.2.1', dst: '10.1.9.9', proto: 'tcp' });
    assert.equal(testSet('te-n', 'dst', q, lookup, true).result, 'yes');
    assert.equal(testSet('te-n', 'dst', pkt({ src: '192.0.2.1', dst: '10.9.9.9', proto: 'tcp' }), lookup, true).result, 'no');
  });
  it('bare entry lists (older scenario files) still work, type inferred', () => {
    const ns = new NamespaceRules().add(buildRuleset({ filter: { FORWARD: { policy: 'ACCEPT', rules: [{ m: [['set', { 'match-set': ['old', 'dst,dst'] }]], j: 'DROP' }] } } }), 'rules', true);
    const env = { ifaceAddresses: {}, ipsets: { old: ['10.0.0.0/8,tcp:80'] } };
    assert.equal(evaluateHook(ns, 'FORWARD', pkt({ src: '192.0.2.1', dst: '10.1.1.1', proto: 'tcp', dport: 80 }), env).verdict, 'DROP');
    assert.equal(evaluateHook(ns, 'FORWARD', pkt({ src: '192.0.2.1', dst: '10.1.1.1', proto: 'tcp', dport: 81 }), env).verdict, 'ACCEPT');
  });
  it('list:set given as bare entries (member names) is read as list:set (kernel-differential case 188)', () => {
    const ns = new NamespaceRules().add(buildRuleset({ filter: { FORWARD: { policy: 'ACCEPT', rules: [{ p: 'tcp', m: [['set', { 'match-set': ['tk-list', 'dst'] }]], j: 'DROP' }] } } }), 'rules', true);
    const env = { ifaceAddresses: {}, ipsets: { 'tk-list': ['tk-allow', 'tk-nets'], 'tk-allow': ['10.9.9.9'], 'tk-nets': ['172.17.0.0/16'] } };
    assert.equal(evaluateHook(ns, 'FORWARD', pkt({ src: '192.0.2.1', dst: '172.17.0.2', proto: 'tcp', dport: 80 }), env).verdict, 'DROP');
    assert.equal(evaluateHook(ns, 'FORWARD', pkt({ src: '192.0.2.1', dst: '172.18.0.2', proto: 'tcp', dport: 80 }), env).verdict, 'ACCEPT');
  });
});
