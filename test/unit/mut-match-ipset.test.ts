// ipset membership against the kernel, set by set: the sets below were created in a scratch network namespace
// (`unshare -n`) on this machine with ipset v7.17 on 2026-12-06 (ranges and named ports as written by hand:
// `add k-ip 10.0.0.5-10.0.0.7`, `add k-ip 192.168.1.0/30`, `add k-net 172.16.0.0-172.16.0.9`,
// `add k-np 10.0.0.0/8,tcp:80-82`, `add k-np 10.0.0.0/8,icmp:3/1`, `add k-np 10.0.0.0/8,https`), SAVE is what
// `ipset save` printed for them, and each KERNEL row is the exit status of `ipset test <set> <element>` (0 = yes),
// taken before our code ran. Our testSet must say the same for a packet carrying that element, whichever side
// (src or dst) the direction flags take it from.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asIpSet, parseIpsetSave, testSet } from '../../src/core/iptables/matches/ipset';
import { newPacket, type Packet } from '../../src/core/trace/packet';

const SAVE = `create k-ip hash:ip family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xfa14889d
add k-ip 10.0.0.6
add k-ip 192.168.1.0
add k-ip 10.0.0.7
add k-ip 192.168.1.2
add k-ip 192.168.1.3
add k-ip 10.0.0.5
add k-ip 192.168.1.1
add k-ip 10.0.0.1
create k-net hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x81d4b80e
add k-net 10.1.0.0/16 nomatch
add k-net 172.16.0.8/31
add k-net 10.1.2.128/25 nomatch
add k-net 192.0.2.7
add k-net 172.16.0.0/29
add k-net 10.0.0.0/8
add k-net 10.1.2.0/24
create k-np hash:net,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0xe12177f6
add k-np 10.0.0.0/8,udp:53
add k-np 10.2.0.0/16,tcp:81 nomatch
add k-np 10.0.0.0/8,tcp:82
add k-np 10.0.0.0/8,icmp:host-unreachable
add k-np 10.0.0.0/8,icmp:echo-request
add k-np 10.0.0.0/8,sctp:9
add k-np 10.0.0.0/8,tcp:80
add k-np 10.0.0.0/8,tcp:81
add k-np 10.0.0.0/8,tcp:443
create k-ipi hash:ip,port,ip family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x89f6dd9f
add k-ipi 10.0.0.1,tcp:80,10.0.0.2
create k-ipn hash:ip,port,net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x04ce16cb
add k-ipn 10.0.0.1,udp:53,192.168.0.0/16
create k-ni hash:net,iface family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x7bb9c756
add k-ni 172.16.0.0/12,veth wildcard
add k-ni 10.0.0.0/8,eth0
`;

const KERNEL: [set: string, element: string, answer: 'yes' | 'no'][] = [
  ['k-ip', '10.0.0.1', 'yes'],
  ['k-ip', '10.0.0.2', 'no'],
  ['k-ip', '10.0.0.4', 'no'],
  ['k-ip', '10.0.0.5', 'yes'],
  ['k-ip', '10.0.0.7', 'yes'],
  ['k-ip', '10.0.0.8', 'no'],
  ['k-ip', '192.168.1.3', 'yes'],
  ['k-ip', '192.168.1.4', 'no'],
  ['k-net', '10.9.9.9', 'yes'],
  ['k-net', '10.1.9.9', 'no'],
  ['k-net', '10.1.2.3', 'yes'],
  ['k-net', '10.1.2.127', 'yes'],
  ['k-net', '10.1.2.128', 'no'],
  ['k-net', '10.1.2.255', 'no'],
  ['k-net', '11.0.0.1', 'no'],
  ['k-net', '9.255.255.255', 'no'],
  ['k-net', '172.16.0.8', 'yes'],
  ['k-net', '172.16.0.9', 'yes'],
  ['k-net', '172.16.0.10', 'no'],
  ['k-net', '192.0.2.7', 'yes'],
  ['k-net', '192.0.2.8', 'no'],
  ['k-np', '10.1.1.1,tcp:80', 'yes'],
  ['k-np', '10.1.1.1,tcp:82', 'yes'],
  ['k-np', '10.1.1.1,tcp:83', 'no'],
  ['k-np', '10.1.1.1,tcp:79', 'no'],
  ['k-np', '10.1.1.1,udp:53', 'yes'],
  ['k-np', '10.1.1.1,tcp:53', 'no'],
  ['k-np', '10.1.1.1,udp:80', 'no'],
  ['k-np', '10.2.1.1,tcp:81', 'no'],
  ['k-np', '10.2.1.1,tcp:80', 'yes'],
  ['k-np', '10.1.1.1,tcp:443', 'yes'],
  ['k-np', '10.1.1.1,sctp:9', 'yes'],
  ['k-np', '10.1.1.1,sctp:10', 'no'],
  ['k-np', '10.1.1.1,icmp:8/0', 'yes'],
  ['k-np', '10.1.1.1,icmp:0/0', 'no'],
  ['k-np', '10.1.1.1,icmp:3/1', 'yes'],
  ['k-np', '10.1.1.1,icmp:3/0', 'no'],
  ['k-np', '11.1.1.1,tcp:80', 'no'],
  ['k-ipi', '10.0.0.1,tcp:80,10.0.0.2', 'yes'],
  ['k-ipi', '10.0.0.1,tcp:80,10.0.0.3', 'no'],
  ['k-ipi', '10.0.0.1,udp:80,10.0.0.2', 'no'],
  ['k-ipi', '10.0.0.9,tcp:80,10.0.0.2', 'no'],
  ['k-ipn', '10.0.0.1,udp:53,192.168.7.7', 'yes'],
  ['k-ipn', '10.0.0.1,udp:53,192.169.0.1', 'no'],
  ['k-ipn', '10.0.0.1,udp:54,192.168.7.7', 'no'],
  ['k-ni', '10.1.1.1,eth0', 'yes'],
  ['k-ni', '10.1.1.1,eth1', 'no'],
  ['k-ni', '10.1.1.1,eth', 'no'],
  ['k-ni', '172.16.1.1,veth123', 'yes'],
  ['k-ni', '172.16.1.1,veth', 'yes'],
  ['k-ni', '172.16.1.1,eth0', 'no'],
  ['k-ni', '172.32.1.1,veth1', 'no'],
];

const sets = parseIpsetSave(SAVE);

/** The packet carrying an element's parts on one side: addresses, then protocol:port (icmp:type/code), then an interface. */
function carrying(set: string, element: string, side: 'src' | 'dst'): { p: Packet; flags: string } {
  const p: Packet = { ...newPacket({ src: '198.51.100.1', dst: '198.51.100.2', proto: 'tcp', sport: 40000, dport: 40001 }) };
  const flags: string[] = [];
  let addrs = 0;
  for (const part of element.split(',')) {
    const colon = part.indexOf(':');
    if (/^\d+\.\d+\.\d+\.\d+$/.test(part)) {
      // the first address on the flagged side, a second one on the other
      const s = addrs++ === 0 ? side : side === 'src' ? 'dst' : 'src';
      if (s === 'src') p.src = part;
      else p.dst = part;
      flags.push(s);
    } else if (colon > 0) {
      p.proto = part.slice(0, colon);
      const v = part.slice(colon + 1);
      if (p.proto === 'icmp') {
        const [type, code] = v.split('/').map(Number);
        p.icmp = { type, code };
      } else if (side === 'src') p.sport = Number(v);
      else p.dport = Number(v);
      flags.push(side);
    } else {
      if (side === 'src') p.inIface = part;
      else p.outIface = part;
      flags.push(side);
    }
  }
  return { p, flags: flags.join(',') };
}

describe('ipset membership: the kernel (ipset test) and testSet agree, from either side', () => {
  for (const [set, element, answer] of KERNEL) {
    it(`${answer.padEnd(3)} ipset test ${set} ${element}`, () => {
      for (const side of ['src', 'dst'] as const) {
        const { p, flags } = carrying(set, element, side);
        assert.equal(testSet(set, flags, p, (n) => sets.get(n)).result, answer, `${side}: ${flags} ${JSON.stringify(p)}`);
      }
    });
  }
});

describe('ipset save text as it comes', () => {
  it('CRLF line ends and extra blanks read the same sets', () => {
    const crlf = parseIpsetSave(SAVE.replace(/\n/g, '\r\n').replace(/^add /gm, '  add  '));
    assert.deepEqual([...crlf.entries()], [...sets.entries()]);
  });

  it('add lines without their create (a grep of the save): the type from the entries, flags kept', () => {
    const frag = parseIpsetSave('add x 10.0.0.0/8,tcp:80\nadd x 10.1.0.0/16,udp:53 nomatch\nadd y 172.16.0.0/12,veth wildcard\nadd z 10.0.0.1\n');
    assert.deepEqual(frag.get('x'), { type: 'hash:net,port', entries: [{ element: '10.0.0.0/8,tcp:80', nomatch: false }, { element: '10.1.0.0/16,udp:53', nomatch: true }] });
    assert.deepEqual(frag.get('y'), { type: 'hash:net,iface', entries: [{ element: '172.16.0.0/12,veth', nomatch: false, wildcard: true }] });
    assert.equal(frag.get('z')?.type, 'hash:net');
    // a create after its adds keeps them, with the create's type
    const late = parseIpsetSave('add w 10.0.0.1\ncreate w hash:ip family inet\n');
    assert.deepEqual(late.get('w'), { type: 'hash:ip', entries: [{ element: '10.0.0.1', nomatch: false }] });
    // lines that are not create/add, or lack the set or element, are not sets
    assert.deepEqual([...parseIpsetSave('create\nadd q\nflush q\n# add c 1.2.3.4\n').keys()], []);
  });
});

describe('ipset types and entries the kernel capture above cannot show', () => {
  const pk = (over: Partial<Packet>): Packet => ({ ...newPacket({ src: '198.51.100.1', dst: '198.51.100.2', proto: 'udp', sport: 40000, dport: 53 }), ...over });

  it('bitmap:ip in a list:set (kernel: `ipset save` of `add b 10.0.0.1-10.0.0.5` in a bitmap:ip range 10.0.0.0/24, in list:set lst)', () => {
    const s = parseIpsetSave('create b bitmap:ip range 10.0.0.0-10.0.0.255\nadd b 10.0.0.1\nadd b 10.0.0.2\nadd b 10.0.0.3\nadd b 10.0.0.4\nadd b 10.0.0.5\ncreate lst list:set size 8\nadd lst b\n');
    const t = (src: string) => testSet('lst', 'src', pk({ src }), (n) => s.get(n));
    assert.deepEqual(t('10.0.0.3'), { result: 'yes', entry: 'b: 10.0.0.3' });
    assert.deepEqual(t('10.0.0.6'), { result: 'no' });
  });

  it('list:set: members in order, the first that matches decides; an unknown member leaves it undecided unless a later one matches; nesting has a bound', () => {
    const s = parseIpsetSave('create a hash:ip\nadd a 10.0.0.1\ncreate n hash:net\nadd n 10.0.0.0/8\ncreate l list:set\nadd l a\nadd l gone\nadd l n\ncreate l2 list:set\nadd l2 gone\nadd l2 a\n');
    const get = (n: string) => s.get(n);
    assert.deepEqual(testSet('l', 'src', pk({ src: '10.0.0.1' }), get), { result: 'yes', entry: 'a: 10.0.0.1' });
    assert.deepEqual(testSet('l', 'src', pk({ src: '10.9.0.1' }), get), { result: 'yes', entry: 'n: 10.0.0.0/8' });
    assert.deepEqual(testSet('l2', 'src', pk({ src: '10.9.0.1' }), get), { result: 'set --match-set gone (ipset contents unknown)' });
    assert.deepEqual(testSet('l2', 'src', pk({ src: '10.0.0.1' }), get), { result: 'yes', entry: 'a: 10.0.0.1' });
    // a list that contains itself: stopped after 5 levels, undecided
    const loop = parseIpsetSave('create me list:set\nadd me me\n');
    assert.match(String(testSet('me', 'src', pk({}), (n) => loop.get(n)).result), /^list:set me nested too deep$/);
  });

  it('a set of a type not known offline is undecided, never a match or a miss', () => {
    const s = parseIpsetSave('create m6 hash:mac\nadd m6 00:11:22:33:44:55\ncreate odd weird\nadd odd 1\n');
    assert.match(String(testSet('m6', 'src', pk({}), (n) => s.get(n)).result), /^ipset dimension mac \(00:11:22:33:44:55\) not known offline$/);
    assert.deepEqual(testSet('odd', 'src', pk({}), (n) => s.get(n)), { result: 'set odd of unknown type' });
  });

  it('hash:ip,mark (ipset(8): the packet mark equals the entry mark; saved as written here, this kernel lacks the type)', () => {
    const s = parseIpsetSave('create m hash:ip,mark family inet markmask 0xffffffff\nadd m 10.0.0.1,0x10\nadd m 10.0.0.2,255\n');
    const t = (src: string, mark: number) => testSet('m', 'src,src', pk({ src, mark }), (n) => s.get(n)).result;
    assert.equal(t('10.0.0.1', 0x10), 'yes');
    assert.equal(t('10.0.0.1', 0x11), 'no');
    assert.equal(t('10.0.0.2', 255), 'yes');
    assert.equal(t('10.0.0.3', 0x10), 'no');
    const bad = parseIpsetSave('create m hash:ip,mark\nadd m 10.0.0.1,zz\n');
    assert.equal(testSet('m', 'src,src', pk({ src: '10.0.0.1' }), (n) => bad.get(n)).result, 'ipset mark zz');
  });

  it('hash:net,iface with a bridge port ("physdev:"): src tests the incoming bridge port, dst the outgoing one', () => {
    const s = parseIpsetSave('create p hash:net,iface\nadd p 192.168.0.0/16,physdev:veth0\n');
    const t = (flags: string, over: Partial<Packet>) => testSet('p', flags, pk(over), (n) => s.get(n)).result;
    assert.equal(t('src,src', { src: '192.168.1.1', physdev: { in: 'veth0', bridged: true } }), 'yes');
    assert.equal(t('src,src', { src: '192.168.1.1', physdev: { in: 'veth1', bridged: true } }), 'no');
    assert.equal(t('src,src', { src: '192.168.1.1', inIface: 'veth0' }), 'ipset interface physdev:veth0 (incoming interface unknown)');
    assert.equal(t('dst,dst', { dst: '192.168.1.1', physdev: { out: 'veth0', bridged: true } }), 'yes');
    assert.equal(t('dst,dst', { dst: '192.168.1.1', physdev: { in: 'veth0', bridged: true } }), 'ipset interface physdev:veth0 (outgoing interface unknown)');
  });

  it('ranges written in a scenario (bare entries): both ends included; a packet that is not IPv4 is undecided', () => {
    const get = () => asIpSet(['10.0.0.1-10.0.0.5']);
    const t = (src: string) => testSet('r', 'src', pk({ src }), get).result;
    assert.deepEqual([t('10.0.0.0'), t('10.0.0.1'), t('10.0.0.3'), t('10.0.0.5'), t('10.0.0.6')], ['no', 'yes', 'yes', 'yes', 'no']);
    assert.equal(t('fe80::1'), 'ipset range entry 10.0.0.1-10.0.0.5');
    assert.equal(testSet('r', 'src', pk({ src: 'fe80::1' }), () => asIpSet(['10.0.0.0/8'])).result, 'ipset entry 10.0.0.0/8 (not IPv4)');
    // entry flags in bare entries
    assert.deepEqual(asIpSet(['10.0.0.0/8', '10.1.0.0/16 nomatch', 'eth0 wildcard']).entries, [
      { element: '10.0.0.0/8', nomatch: false, wildcard: false },
      { element: '10.1.0.0/16', nomatch: true, wildcard: false },
      { element: 'eth0', nomatch: false, wildcard: true },
    ]);
    assert.deepEqual(asIpSet([]), { type: 'hash:iface', entries: [] });
  });
});
