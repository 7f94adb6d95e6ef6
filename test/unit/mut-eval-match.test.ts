// Rule matching (src/core/trace/match.ts): the base conditions as iptables adds them (iptables(8): -p names and
// numbers, "all"/0, -s/-d with masks, comma lists, host names resolved at insertion, -i/-o with "+", -f) and the
// fast paths beside the module evaluators (ports, multiport, mark, ctstate with the DNAT/SNAT virtual states,
// comment), each checked against the module's own answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRule, type RuleSpec } from '../../src/core/trace/build';
import { ruleMatches, type EvalEnv } from '../../src/core/trace/netfilter';
import { ipNum } from '../../src/core/trace/match';
import { newPacket, type Packet } from '../../src/core/trace/packet';
import { parseDumpText } from '../../src/core/iptables/parse';

const env: EvalEnv = { ifaceAddresses: {} };
const P = (over: Partial<Packet> = {}): Packet => ({ ...newPacket({ src: '10.1.2.3', dst: '192.168.1.2', proto: 'tcp', sport: 40000, dport: 80, inIface: 'eth0' }), outIface: 'docker0', ...over });
const m = (spec: RuleSpec, p: Packet = P()): string => {
  const r = ruleMatches(buildRule('filter', 'FORWARD', spec, 0), p, env, 'FORWARD');
  return r.unsupported.length ? `maybe: ${r.unsupported.join('; ')}` : r.matched ? 'yes' : 'no';
};
const text = (rule: string, p: Packet = P()): string => {
  const d = parseDumpText(`*filter\n${rule}\nCOMMIT\n`);
  const r = ruleMatches(d.rules[0], p, env, 'FORWARD');
  return r.unsupported.length ? `maybe: ${r.unsupported.join('; ')}` : r.matched ? 'yes' : 'no';
};

describe('base conditions', () => {
  it('-p: names, numbers, all and 0, negation', () => {
    assert.equal(m({ p: 'tcp' }), 'yes');
    assert.equal(m({ p: '6' }), 'yes');
    assert.equal(m({ p: 'TCP' }), 'yes');
    assert.equal(m({ p: 'udp' }), 'no');
    assert.equal(m({ p: '!udp' }), 'yes');
    assert.equal(m({ p: '!tcp' }), 'no');
    assert.equal(m({ p: 'all' }), 'yes');
    assert.equal(m({ p: '0' }), 'yes');
    assert.equal(m({ p: 'all' }, P({ proto: 'icmp' })), 'yes');
  });

  it('-s/-d: prefixes, dotted masks, negation, lists, names', () => {
    assert.equal(m({ s: '10.1.0.0/16' }), 'yes');
    assert.equal(m({ s: '10.2.0.0/16' }), 'no');
    assert.equal(m({ s: '!10.2.0.0/16' }), 'yes');
    assert.equal(m({ s: '!10.1.2.3' }), 'no');
    assert.equal(m({ d: '192.168.1.0/255.255.255.0' }), 'yes');
    assert.equal(m({ d: '192.168.1.0/255.255.255.0' }, P({ dst: '192.168.2.2' })), 'no');
    assert.equal(m({ d: '0.0.0.0/0' }, P({ dst: '8.8.8.8' })), 'yes');
    // a list is one rule per address: any of them
    assert.equal(m({ s: '10.9.9.9,10.1.2.3' }), 'yes');
    assert.equal(m({ s: '10.9.9.9,10.8.8.8' }), 'no');
    assert.equal(m({ s: '10.9.9.9,db.example,10.1.2.3' }), 'yes');
    assert.equal(m({ s: '10.9.9.9,db.example' }), 'maybe: address db.example (a host name: iptables resolved it when the rule was added)');
    assert.equal(m({ s: '!10.9.9.9,10.8.8.8' }), 'maybe: ! with the address list 10.9.9.9,10.8.8.8 (iptables refuses it: "! not allowed with multiple source or destination IP addresses")');
    // localhost is resolved to 127.0.0.1 (iptables does it when adding the rule)
    assert.equal(m({ d: 'localhost' }, P({ dst: '127.0.0.1' })), 'yes');
    assert.equal(m({ d: 'localhost' }), 'no');
    // an IPv6 packet against an IPv4 rule address, an IPv6 prefix: undecided (said, never a silent answer)
    assert.equal(m({ s: '10.0.0.0/8' }, P({ src: 'fe80::1' })), 'maybe: address 10.0.0.0/8');
    assert.equal(m({ s: 'fe80::/64' }, P({ src: 'fe80::1' })), 'maybe: address fe80::/64');
    assert.equal(m({ s: '!fe80::/64' }, P({ src: 'fe80::1' })), 'maybe: address fe80::/64');
  });

  it('-i/-o: exact names, "+" prefixes, negation, a packet without that interface', () => {
    assert.equal(m({ i: 'eth0' }), 'yes');
    assert.equal(m({ i: 'eth' }), 'no');
    assert.equal(m({ i: 'eth+' }), 'yes');
    assert.equal(m({ i: '!eth+' }), 'no');
    assert.equal(m({ o: 'docker+' }), 'yes');
    assert.equal(m({ o: 'docker' }), 'no');
    assert.equal(m({ o: '!docker_gwbridge' }), 'yes');
    assert.equal(m({ o: 'docker0' }, P({ outIface: undefined })), 'no');
    assert.equal(m({ o: '!docker0' }, P({ outIface: undefined })), 'yes');
  });

  it('-f: never (the tracer\'s packets are never fragments), ! -f always', () => {
    assert.equal(text('-A FORWARD -f -j DROP'), 'no');
    assert.equal(text('-A FORWARD ! -f -j DROP'), 'yes');
  });

  it('every condition must hold; an undecided one makes the rule may-match with all the reasons', () => {
    assert.equal(m({ p: 'tcp', s: '10.0.0.0/8', i: 'eth1' }), 'no');
    assert.equal(m({ p: 'udp', m: [['owner', { 'uid-owner': ['0'] }]] }), 'no');
    assert.equal(m({ m: [['owner', { 'uid-owner': ['0'] }], ['time', { timestart: ['12:00'] }]] }), 'maybe: -m owner --uid-owner (the sending process is not traced); -m time --timestart (it depends on when the packet arrives)');
    assert.equal(m({ m: [['nosuchmodule', { x: ['1'] }]] }), 'maybe: -m nosuchmodule');
  });

  it('ipNum: IPv4 parsed (and cached), anything else undefined', () => {
    assert.equal(ipNum('10.1.2.3'), 0x0a010203);
    assert.equal(ipNum('10.1.2.3'), 0x0a010203);
    assert.equal(ipNum('fe80::1'), undefined);
    assert.equal(ipNum('fe80::1'), undefined);
  });
});

describe('modules through the compiled rule', () => {
  it('protocol modules: a packet of another protocol never matches, bare -m tcp is -p tcp', () => {
    assert.equal(m({ m: [['tcp', {}]] }), 'yes');
    assert.equal(m({ m: [['udp', {}]] }), 'no');
    for (const mod of ['tcp', 'udp', 'sctp']) {
      assert.equal(m({ m: [[mod, { dport: ['80'] }]] }, P({ proto: mod })), 'yes', mod);
      assert.equal(m({ m: [[mod, { dport: ['81'] }]] }, P({ proto: mod })), 'no', mod);
      assert.equal(m({ m: [[mod, { sport: ['40000'] }]] }, P({ proto: mod })), 'yes', mod);
      assert.equal(m({ m: [[mod, { sport: ['80'] }]] }, P({ proto: mod })), 'no', mod);
      assert.equal(m({ m: [[mod, { '!dport': ['80'] }]] }, P({ proto: mod })), 'no', mod);
      // another protocol, even negated (was 'yes' on the fast path while the module's evaluator said 'no')
      assert.equal(m({ m: [[mod, { '!dport': ['80'] }]] }, P({ proto: mod === 'tcp' ? 'udp' : 'tcp' })), 'no', `${mod}: another protocol, negated`);
      assert.equal(m({ m: [[mod, { dport: ['80'] }]] }, P({ proto: mod === 'tcp' ? 'udp' : 'tcp' })), 'no', `${mod}: another protocol`);
    }
    // port lists are multiport's: in -m tcp the module's evaluator refuses them (undecidable, not a silent no)
    assert.match(m({ m: [['tcp', { dport: ['80,443'] }]] }), /^maybe: port "80,443"/);
    // ranges and services through the fast path
    assert.equal(m({ m: [['tcp', { dport: ['1:1024'] }]] }), 'yes');
    assert.equal(m({ m: [['tcp', { dport: ['81:1024'] }]] }), 'no');
    assert.equal(m({ m: [['tcp', { dport: ['http'] }]] }), 'yes');
    assert.equal(m({ m: [['udp', { dport: ['http'] }]] }, P({ proto: 'udp' })), 'yes');
  });

  it('multiport: dports, sports, ports (either end), negation, the rule protocol\'s service names', () => {
    assert.equal(m({ p: 'tcp', m: [['multiport', { dports: ['22,80'] }]] }), 'yes');
    assert.equal(m({ p: 'tcp', m: [['multiport', { dports: ['22,443'] }]] }), 'no');
    assert.equal(m({ p: 'tcp', m: [['multiport', { sports: ['39999:40001'] }]] }), 'yes');
    assert.equal(m({ p: 'tcp', m: [['multiport', { sports: ['80'] }]] }), 'no');
    assert.equal(m({ p: 'tcp', m: [['multiport', { ports: ['40000'] }]] }), 'yes');
    assert.equal(m({ p: 'tcp', m: [['multiport', { ports: ['80'] }]] }), 'yes');
    assert.equal(m({ p: 'tcp', m: [['multiport', { ports: ['443'] }]] }), 'no');
    assert.equal(m({ p: 'tcp', m: [['multiport', { '!dports': ['80,443'] }]] }), 'no');
    assert.equal(m({ p: 'tcp', m: [['multiport', { dports: ['ssh,http'] }]] }), 'yes');
  });

  it('mark: value and value/mask, negated', () => {
    assert.equal(m({ m: [['mark', { mark: ['0x100'] }]] }, P({ mark: 0x100 })), 'yes');
    assert.equal(m({ m: [['mark', { mark: ['0x100'] }]] }, P({ mark: 0x101 })), 'no');
    assert.equal(m({ m: [['mark', { mark: ['0x100/0xff00'] }]] }, P({ mark: 0x1ff })), 'yes');
    assert.equal(m({ m: [['mark', { '!mark': ['0x100/0xff00'] }]] }, P({ mark: 0x1ff })), 'no');
    assert.equal(m({ m: [['mark', { mark: [] }]] }, P({ mark: 0 })), 'yes');
  });

  it('ctstate and -m state: the state, a list, the DNAT/SNAT virtual states, negation', () => {
    const est = (s: Packet['ct']['state'], status: string[] = []): Packet => { const p = P(); return { ...p, ct: { ...p.ct, state: s, status } }; };
    assert.equal(m({ m: [['conntrack', { ctstate: ['RELATED,ESTABLISHED'] }]] }, est('ESTABLISHED')), 'yes');
    assert.equal(m({ m: [['conntrack', { ctstate: ['RELATED,ESTABLISHED'] }]] }, est('NEW')), 'no');
    assert.equal(m({ m: [['conntrack', { ctstate: ['dnat'] }]] }, est('NEW', ['DNAT'])), 'yes');
    assert.equal(m({ m: [['conntrack', { ctstate: ['DNAT'] }]] }, est('NEW', ['SNAT'])), 'no');
    assert.equal(m({ m: [['state', { state: ['NEW'] }]] }, est('NEW')), 'yes');
    assert.equal(m({ m: [['state', { '!state': ['NEW'] }]] }, est('NEW')), 'no');
    assert.equal(text('-A FORWARD -m state --state ESTABLISHED -j ACCEPT', est('ESTABLISHED')), 'yes');
    assert.equal(text('-A FORWARD -m conntrack ! --ctstate INVALID -j ACCEPT', est('INVALID')), 'no');
  });

  it('comment always matches; a module evaluated as a whole (set) keeps its own negation', () => {
    assert.equal(m({ m: [['comment', { comment: ['x'] }]] }), 'yes');
    const sets: EvalEnv = { ifaceAddresses: {}, ipsets: { s: ['10.1.2.3'] } };
    const rule = buildRule('filter', 'FORWARD', { m: [['set', { 'match-set': ['s', 'src'] }]] }, 0);
    assert.equal(ruleMatches(rule, P(), sets, 'FORWARD').matched, true);
    assert.equal(ruleMatches(rule, P({ src: '10.1.2.4' }), sets, 'FORWARD').matched, false);
    const neg = buildRule('filter', 'FORWARD', { m: [['set', { '!match-set': ['s', 'src'] }]] }, 0);
    assert.equal(ruleMatches(neg, P(), sets, 'FORWARD').matched, false);
    assert.equal(ruleMatches(neg, P({ src: '10.1.2.4' }), sets, 'FORWARD').matched, true);
  });

  it('a module without an evaluator is undecidable by name', () => {
    assert.equal(text('-A FORWARD -m icmp6 --icmpv6-type 1 -j DROP').startsWith('maybe: -m icmp6'), true);
  });
});
