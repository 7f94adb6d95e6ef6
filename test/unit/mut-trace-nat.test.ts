/**
 * The tracer's rewriting targets (src/core/trace/targets.ts) as iptables-extensions(8) describes them: MARK
 * (--set-xmark: zero the mask bits then XOR; --set-mark: zero then OR; --and/--or/--xor-mark), DNAT/SNAT with
 * address and port ranges (the kernel picks one: the first is traced, and said), REDIRECT (to the incoming
 * interface's first address, 127.0.0.1 from OUTPUT), MASQUERADE (the outgoing interface's address); and, through
 * the walk, targets that continue (LOG …) or that the tracer cannot follow (NFQUEUE …). Expected answers from the
 * man page, written before running our code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuleOption } from '../../src/core/iptables/model';
import { evaluateHook, hookHits, NamespaceRules, type EvalEnv, type RuleHit } from '../../src/core/trace/netfilter';
import { newPacket, type Packet } from '../../src/core/trace/packet';
import { parseDump } from '../../src/core/trace/parseDump';
import { applyMark, applyNat, NON_TERMINAL_TARGETS, TERMINAL_UNSUPPORTED } from '../../src/core/trace/targets';

const o = (name: string, value: string): RuleOption => ({ name, negated: false, args: [value], span: { line: 0, start: 0, end: 0 } });
const hit = (): RuleHit => ({ kind: 'rule', table: 'nat', chain: 'X', position: 1, text: '', source: 's', line: 1, target: 'T', effect: '', unsupported: [], decided: false });
const env: EvalEnv = { ifaceAddresses: { eth1: [{ address: 'fe80::1', prefixLen: 64 }, { address: '192.168.33.2', prefixLen: 24 }], docker_gwbridge: [{ address: '172.18.0.1', prefixLen: 16 }] } };
const pkt = (): Packet => ({ ...newPacket({ src: '203.0.113.10', dst: '192.168.33.2', proto: 'tcp', sport: 40000, dport: 8080, inIface: 'eth1' }), outIface: 'docker_gwbridge', mark: 0x1234 });

test('MARK: --set-xmark zeroes the mask bits then XORs, --set-mark ORs, --and/--or/--xor-mark; effect and rewrite', () => {
  const cases: [RuleOption, number][] = [
    [o('set-xmark', '0x100/0xffffffff'), 0x100],
    [o('set-xmark', '0x100/0xff00'), 0x134],
    [o('set-xmark', '0x5600/0xff00'), 0x5634],
    [o('set-mark', '0x100/0xff00'), 0x134],
    [o('set-mark', '0x1'), 0x1],
    [o('and-mark', '0xff'), 0x34],
    [o('or-mark', '0x10000'), 0x11234],
    [o('xor-mark', '0x4'), 0x1230],
  ];
  for (const [opt, want] of cases) {
    const h = hit();
    const r = applyMark([opt], pkt(), h);
    assert.equal(r.packet.mark, want, `${opt.name} ${opt.args[0]}`);
    assert.equal(h.effect, `mark 0x1234 → 0x${want.toString(16)}`);
    assert.deepEqual(r.rewrite, { kind: 'MARK', from: '0x1234', to: `0x${want.toString(16)}` });
    assert.deepEqual(h.unsupported, []);
  }
  const h = hit();
  assert.equal(applyMark([o('bogus', '1')], pkt(), h).packet.mark, 0x1234);
  assert.deepEqual(h.unsupported, ['MARK without a recognised option: mark unchanged']);
});

test('DNAT: address only keeps the port, port only keeps the address, ranges trace their first end and say so', () => {
  const dnat = (spec: string): { p: Packet; h: RuleHit } => {
    const h = hit();
    return { p: applyNat('DNAT', [o('to-destination', spec)], pkt(), h, 'PREROUTING', env).packet, h };
  };
  assert.deepEqual([dnat('172.18.0.2').p.dst, dnat('172.18.0.2').p.dport], ['172.18.0.2', 8080]);
  assert.deepEqual([dnat(':9090').p.dst, dnat(':9090').p.dport], ['192.168.33.2', 9090]);
  const r = dnat('172.18.0.2-172.18.0.9:80-90');
  assert.deepEqual([r.p.dst, r.p.dport], ['172.18.0.2', 80]);
  assert.deepEqual(r.h.unsupported, ['DNAT to the range 172.18.0.2-172.18.0.9:80-90: the kernel picks one address/port per connection, the first is traced']);
  assert.equal(dnat('172.18.0.2:80-81').h.unsupported.length, 1, 'a port range');
  assert.equal(dnat('172.18.0.2-172.18.0.3').h.unsupported.length, 1, 'an address range');
  assert.deepEqual(dnat('172.18.0.2-172.18.0.2:80-80').h.unsupported, [], 'a range of one is no choice');
  assert.deepEqual(dnat('172.18.0.2:80').p.ct.status, ['DNAT']);
  assert.equal(dnat('172.18.0.2:80').h.effect, 'DNAT 192.168.33.2:8080 → 172.18.0.2:80');
});

test('REDIRECT: to the first IPv4 address of the incoming interface (127.0.0.1 from OUTPUT), to the first port of --to-ports', () => {
  const red = (opts: RuleOption[], hook: 'PREROUTING' | 'OUTPUT', p = pkt()): { p: Packet; h: RuleHit } => {
    const h = hit();
    return { p: applyNat('REDIRECT', opts, p, h, hook, env).packet, h };
  };
  const a = red([o('to-ports', '80')], 'PREROUTING');
  assert.deepEqual([a.p.dst, a.p.dport, a.h.effect], ['192.168.33.2', 80, 'REDIRECT 192.168.33.2:8080 → 192.168.33.2:80']);
  assert.deepEqual(red([o('to-ports', '8000-8010')], 'OUTPUT').p.dport, 8000);
  assert.equal(red([o('to-ports', '80')], 'OUTPUT').p.dst, '127.0.0.1');
  assert.equal(red([], 'PREROUTING').p.dport, 8080, 'no --to-ports: the port is kept');
  const unknown = red([o('to-ports', '80')], 'PREROUTING', { ...pkt(), inIface: 'eth9', dst: '10.9.9.9' });
  assert.equal(unknown.p.dst, '10.9.9.9');
  assert.deepEqual(unknown.h.unsupported, ['REDIRECT: address of eth9 unknown, destination address kept']);
  const none = red([], 'PREROUTING', { ...pkt(), inIface: undefined });
  assert.deepEqual(none.h.unsupported, ['REDIRECT: address of the incoming interface unknown, destination address kept']);
});

test('SNAT and MASQUERADE: the source rewritten (port kept unless given), ranges said, an unknown interface said', () => {
  const snat = (spec: string): { p: Packet; h: RuleHit } => {
    const h = hit();
    return { p: applyNat('SNAT', [o('to-source', spec)], pkt(), h, 'POSTROUTING', env).packet, h };
  };
  assert.deepEqual([snat('10.0.0.2').p.src, snat('10.0.0.2').p.sport], ['10.0.0.2', 40000]);
  assert.deepEqual([snat('10.0.0.2:5000').p.src, snat('10.0.0.2:5000').p.sport], ['10.0.0.2', 5000]);
  assert.deepEqual(snat('10.0.0.2').p.ct.status, ['SNAT']);
  assert.equal(snat('10.0.0.2').h.effect, 'SNAT 203.0.113.10:40000 → 10.0.0.2:40000');
  assert.deepEqual(snat('10.0.0.2-10.0.0.4').h.unsupported, ['SNAT to the range 10.0.0.2-10.0.0.4: the kernel picks one address/port per connection, the first is traced']);
  const masq = (p: Packet): { p: Packet; h: RuleHit } => {
    const h = hit();
    return { p: applyNat('MASQUERADE', [], p, h, 'POSTROUTING', env).packet, h };
  };
  const m = masq(pkt());
  assert.deepEqual([m.p.src, m.p.sport, m.h.effect, m.h.unsupported], ['172.18.0.1', 40000, 'MASQUERADE 203.0.113.10:40000 → 172.18.0.1:40000', []]);
  const u = masq({ ...pkt(), outIface: 'eth7' });
  assert.deepEqual([u.p.src, u.h.unsupported], ['address-of-eth7', ['MASQUERADE: address of eth7 unknown']]);
  const n = masq({ ...pkt(), outIface: undefined });
  assert.deepEqual([n.p.src, n.h.unsupported], ['address-of-out', ['MASQUERADE: address of the outgoing interface unknown']]);
});

function forwardWith(target: string): ReturnType<typeof evaluateHook> {
  const text = ['*filter', ':FORWARD ACCEPT [0:0]', `-A FORWARD -j ${target}`, '-A FORWARD -j DROP', 'COMMIT', ''].join('\n');
  const rules = new NamespaceRules().add(parseDump({ text, source: 't' }), 't', true);
  return evaluateHook(rules, 'FORWARD', { ...pkt(), outIface: 'docker_gwbridge' }, env);
}

test('targets that continue (LOG, NFLOG, TRACE, …) let the next rule decide; ones the tracer cannot follow accept and say so', () => {
  const continuing = ['LOG', 'NFLOG', 'ULOG', 'TRACE', 'AUDIT', 'CHECKSUM', 'TCPMSS', 'CONNMARK', 'CT', 'NOTRACK', 'TOS', 'DSCP', 'TTL', 'CLASSIFY', 'IDLETIMER', 'LED', 'SECMARK', 'CONNSECMARK', 'SET', 'TEE', 'NETMAP_LOG'];
  assert.deepEqual([...NON_TERMINAL_TARGETS].sort(), [...continuing].sort());
  for (const t of continuing) assert.equal(forwardWith(t).verdict, 'DROP', `${t} continues to the DROP`);
  const opaque = ['TPROXY', 'NETMAP', 'SYNPROXY', 'HMARK', 'CLUSTERIP', 'NFQUEUE', 'QUEUE', 'MIRROR'];
  assert.deepEqual([...TERMINAL_UNSUPPORTED].sort(), [...opaque].sort());
  // NFQUEUE/QUEUE hand the packet to user space: the verdict says QUEUE
  for (const t of ['NFQUEUE', 'QUEUE']) assert.equal(forwardWith(t).verdict, 'QUEUE', t);
  // TPROXY (mangle PREROUTING only, with --on-port): the tracer cannot follow it, accepts and says so
  const text = ['*mangle', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -p tcp -j TPROXY --on-port 1234', '-A PREROUTING -j DROP', 'COMMIT', ''].join('\n');
  const r = evaluateHook(new NamespaceRules().add(parseDump({ text, source: 't' }), 't', true), 'PREROUTING', pkt(), env);
  assert.equal(r.verdict, 'ACCEPT');
  assert.deepEqual(hookHits(r).map((h) => (h.kind === 'rule' ? h.effect : h.kind)), ['unsupported target TPROXY: treated as ACCEPT'], 'the DROP after it is never reached');
});
