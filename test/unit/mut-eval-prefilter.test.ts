// The walk's prefilter (src/core/trace/prefilter.ts) on the forms the eval-prefilter mutation run found untested.
// The prefilter is a speed trick with two promises a test can see: (1) where it says it is the whole rule
// ("exact": no closure is called) its answer is the rule's answer, and (2) a rule it rules out is never compiled.
// Each case is one rule (`-j DROP` in INPUT, policy ACCEPT) and packets just inside and just outside what it
// matches; the expected answer is written from iptables' semantics (iptables(8), iptables-extensions(8): address
// prefixes and dotted masks, `-p all`, exact and wildcard interfaces, `-m mark --mark value[/mask]` as
// (mark & mask) == value with numbers read as strtoul base 0 does, `-f` only for non-first fragments) and is also checked against ruleMatches, the readable
// per-rule reference.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRuleset, type RuleSpec } from '../../src/core/trace/build';
import { evaluateHook, NamespaceRules, ruleMatches, type EvalEnv } from '../../src/core/trace/netfilter';
import { newPacket, type Packet } from '../../src/core/trace/packet';
import { parseDumpText } from '../../src/core/iptables/parse';

const env: EvalEnv = { ifaceAddresses: {} };
const pkt = (over: Partial<Packet> = {}): Packet => ({ ...newPacket({ src: '10.0.0.9', dst: '192.168.1.2', proto: 'tcp', sport: 40000, dport: 80, inIface: 'eth0' }), ...over });

/** The prefilter's relation to the rule: 0 = it is the whole rule, 2 = the whole rule for IPv4 packets, 1 = the closure decides. */
type How = 0 | 1 | 2;

function walk(spec: RuleSpec, p: Packet): { matched: boolean; how: number; compiled: boolean; reference: boolean } {
  const n = new NamespaceRules().add(buildRuleset({ filter: { INPUT: { policy: 'ACCEPT', rules: [{ ...spec, j: 'DROP' }] } } }), 'dump', true);
  const r = evaluateHook(n, 'INPUT', p, env);
  const cc = n.chain('filter', 'INPUT')?.compiled;
  assert.ok(cc);
  const rule = n.chain('filter', 'INPUT')?.chain.rules[0];
  assert.ok(rule);
  return { matched: r.verdict === 'DROP', how: cc.pre[9], compiled: cc.tests[0] !== undefined, reference: ruleMatches(rule, p, env, 'INPUT').matched };
}

/** [what, rule, its relation, [packet, matches?][]]: a packet is compiled for exactly when it passes the prefilter of a rule the prefilter does not decide. */
const CASES: [string, RuleSpec, How, [Partial<Packet>, boolean][]][] = [
  ['a host address without a prefix', { s: '10.1.2.3' }, 2, [[{ src: '10.1.2.3' }, true], [{ src: '10.1.2.4' }, false]]],
  ['the host 0.0.0.0', { d: '0.0.0.0' }, 2, [[{ dst: '0.0.0.0' }, true], [{ dst: '192.168.1.2' }, false]]],
  ['any address, /0', { s: '0.0.0.0/0' }, 2, [[{ src: '203.0.113.7' }, true]]],
  ['a one-digit prefix /8', { s: '10.0.0.0/8' }, 2, [[{ src: '10.255.255.255' }, true], [{ src: '11.0.0.1' }, false], [{ src: '9.255.255.255' }, false]]],
  ['a two-digit prefix /12', { s: '172.16.0.0/12' }, 2, [[{ src: '172.31.255.1' }, true], [{ src: '172.32.0.1' }, false], [{ src: '172.15.255.255' }, false]]],
  ['a two-digit prefix /24', { d: '192.168.1.0/24' }, 2, [[{ dst: '192.168.1.254' }, true], [{ dst: '192.168.2.1' }, false]]],
  ['a /32 host', { s: '10.1.2.3/32' }, 2, [[{ src: '10.1.2.3' }, true], [{ src: '10.1.2.2' }, false]]],
  ['a dotted contiguous mask', { s: '10.0.0.0/255.0.0.0' }, 2, [[{ src: '10.9.9.9' }, true], [{ src: '11.0.0.1' }, false]]],
  ['a dotted non-contiguous mask (left to the closure)', { s: '10.0.0.0/255.0.255.0' }, 1, [[{ src: '10.5.0.7' }, true], [{ src: '10.5.1.7' }, false]]],
  ['-p all', { p: 'all' }, 0, [[{ proto: 'tcp' }, true], [{ proto: 'icmp' }, true]]],
  ['-p 0 (all)', { p: '0' }, 0, [[{ proto: 'udp' }, true]]],
  ['-p udp', { p: 'udp' }, 0, [[{ proto: 'udp' }, true], [{ proto: 'tcp' }, false]]],
  ['! -p udp (left to the closure)', { p: '!udp' }, 1, [[{ proto: 'tcp' }, true], [{ proto: 'udp' }, false]]],
  ['-i eth1', { i: 'eth1' }, 0, [[{ inIface: 'eth1' }, true], [{ inIface: 'eth0' }, false]]],
  ['-o eth1', { o: 'eth1' }, 0, [[{ outIface: 'eth1' }, true], [{ outIface: 'eth0' }, false]]],
  ['-i eth+ (a wildcard, left to the closure)', { i: 'eth+' }, 1, [[{ inIface: 'eth1' }, true], [{ inIface: 'veth1' }, false]]],
  ['! -i eth1 (left to the closure)', { i: '!eth1' }, 1, [[{ inIface: 'eth0' }, true], [{ inIface: 'eth1' }, false]]],
  ['--mark value/mask in hex', { m: [['mark', { mark: ['0x1f/0xff'] }]] }, 0, [[{ mark: 0x1f }, true], [{ mark: 0x11f }, true], [{ mark: 0x1e }, false], [{ mark: 0x10 }, false]]],
  ['--mark in upper-case hex', { m: [['mark', { mark: ['0xAB'] }]] }, 0, [[{ mark: 0xab }, true], [{ mark: 0x1ab }, false]]],
  ['--mark 0xffffffff (eight hex digits)', { m: [['mark', { mark: ['0xffffffff'] }]] }, 0, [[{ mark: 0xffffffff }, true], [{ mark: 0xfffffffe }, false]]],
  ['--mark 0x9 (a digit at the end of the range)', { m: [['mark', { mark: ['0x9/0xf'] }]] }, 0, [[{ mark: 0x19 }, true], [{ mark: 0x8 }, false]]],
  ['--mark in decimal', { m: [['mark', { mark: ['256'] }]] }, 0, [[{ mark: 256 }, true], [{ mark: 0x256 }, false]]],
  // iptables reads marks with strtoul base 0: a leading 0 is octal (`iptables -A INPUT -m mark --mark 010` lists as `--mark 0x8`, checked in a netns)
  ['--mark in octal (010 is 8)', { m: [['mark', { mark: ['010'] }]] }, 0, [[{ mark: 8 }, true], [{ mark: 10 }, false]]],
  ['--mark decimal value with a hex mask', { m: [['mark', { mark: ['10/0xff'] }]] }, 0, [[{ mark: 10 }, true], [{ mark: 0x10a }, true], [{ mark: 0x10 }, false]]],
  ['--mark with value bits outside the mask (never matches; left to the closure)', { m: [['mark', { mark: ['0x3/0x1'] }]] }, 1, [[{ mark: 3 }, false], [{ mark: 1 }, false]]],
  ['! --mark (left to the closure)', { m: [['mark', { '!mark': ['0x1'] }]] }, 1, [[{ mark: 0 }, true], [{ mark: 1 }, false]]],
  ['a match module (left to the closure), whatever its option looks like', { p: 'tcp', m: [['tcp', { dport: ['81'] }]] }, 1, [[{ dport: 81 }, true], [{ dport: 80, mark: 81 }, false]]],
  // the connection's mark is not in the dumps: the closure says "maybe" (a match, with a note) whatever the packet's mark
  ['-m connmark --mark: the mark of the connection, not of the packet (left to the closure)', { m: [['connmark', { mark: ['0x1'] }]] }, 1, [[{ mark: 0 }, true], [{ mark: 1 }, true]]],
  ['a mark match with a second match (left to the closure)', { p: 'tcp', m: [['mark', { mark: ['0x1'] }], ['tcp', { dport: ['80'] }]] }, 1, [[{ mark: 1 }, true], [{ mark: 0 }, false]]],
];

describe('prefilter: exact where it says so, and what it rules out never compiled', () => {
  for (const [what, spec, how, packets] of CASES) {
    it(what, () => {
      for (const [over, want] of packets) {
        const p = pkt(over);
        const got = walk(spec, p);
        const label = `${what}: ${JSON.stringify(over)}`;
        assert.equal(got.matched, want, label);
        assert.equal(got.reference, want, `${label} (ruleMatches)`);
        assert.equal(got.how, how, `${label}: relation`);
        // compiled exactly when the prefilter let it through and does not decide the rule itself
        assert.equal(got.compiled, how === 1 && (want || passesPrefilterAnyway(spec, over)), `${label}: compiled`);
      }
    });
  }
});

/** Packets that the prefilter lets through although the closure says no (the prefilter holds only some conditions). */
function passesPrefilterAnyway(spec: RuleSpec, over: Partial<Packet>): boolean {
  // a non-contiguous mask, a negation, a wildcard, a module: the prefilter has nothing on them
  if (spec.s === '10.0.0.0/255.0.255.0' || spec.p === '!udp' || spec.i === 'eth+' || spec.i === '!eth1') return true;
  if (spec.m?.[0][0] === 'mark' && (spec.m.length > 1 || '!mark' in spec.m[0][1] || spec.m[0][1].mark?.[0] === '0x3/0x1')) return true;
  return spec.m?.[0][0] === 'tcp' && over.dport === 80;
}

describe('prefilter: packets and rule texts', () => {
  it('-f matches only non-first fragments: an unfragmented packet does not match, and the prefilter leaves -f to the closure', () => {
    const rs = parseDumpText('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -f -j DROP\n-A INPUT -s 10.0.0.0/8 -f -j DROP\nCOMMIT\n');
    const n = new NamespaceRules().add(rs, 'dump', true);
    const r = evaluateHook(n, 'INPUT', pkt(), env);
    assert.equal(r.verdict, 'ACCEPT');
    const cc = n.chain('filter', 'INPUT')?.compiled;
    assert.deepEqual([cc?.pre[9], cc?.pre[19]], [1, 1]);
  });

  it('an IPv6 packet never takes the address prefilter: an address rule exact for IPv4 is left to the closure, which gives the reference answer', () => {
    for (const s of ['0.0.0.0/0', '10.0.0.0/8']) {
      for (const addrs of [{ src: 'fe80::1', dst: 'fe80::2' }, { src: 'fe80::1', dst: '192.168.1.2' }, { src: '10.0.0.9', dst: 'fe80::2' }]) {
        const got = walk({ s }, pkt(addrs));
        const label = `${s} ${JSON.stringify(addrs)}`;
        assert.equal(got.how, 2, label);
        assert.equal(got.compiled, true, label);
        assert.equal(got.matched, got.reference, label);
      }
    }
  });

  it('a rule from `iptables-save -c` is shown without its [packets:bytes] counters', () => {
    for (const counters of ['[5:300]', '[12:3400]', '[0:0]']) {
      const rs = parseDumpText(`*filter\n:INPUT ACCEPT [10:600]\n${counters} -A INPUT -s 10.0.0.0/8 -j DROP\nCOMMIT\n`);
      const n = new NamespaceRules().add(rs, 'dump', true);
      const r = evaluateHook(n, 'INPUT', pkt(), env);
      const hit = r.tables.find((t) => t.table === 'filter')?.hits[0];
      assert.equal(hit?.kind === 'rule' ? hit.text : undefined, '-A INPUT -s 10.0.0.0/8 -j DROP', counters);
    }
  });
});
