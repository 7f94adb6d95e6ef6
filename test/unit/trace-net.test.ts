// The shared address/port/protocol module (src/core/net) and the evaluator's use of it. Expected values were taken
// from iptables v1.8.9 (nf_tables) in a scratch network namespace on this machine, before running our code:
// the rule as typed on the left, what `iptables -S` printed back (or the error) on the right.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, iptablesIpv4, parseAddrMask, parseCidr, parsePortRange, parsePorts, protocolName, protocolNumber, servicePort } from '../../src/core/net';
import { parseDumpText } from '../../src/core/iptables/parse';
import { buildRuleset } from '../../src/core/trace/build';
import { evaluateHook, NamespaceRules } from '../../src/core/trace/netfilter';
import { newPacket } from '../../src/core/trace/packet';

describe('net: what iptables 1.8.9 accepted and printed back', () => {
  it('ports: "a:b", open ranges, and refusals', () => {
    assert.deepEqual(parsePortRange('80:90', 'tcp'), { lo: 80, hi: 90 }); // --dport 80:90 → 80:90
    assert.deepEqual(parsePortRange(':1024', 'tcp'), { lo: 0, hi: 1024 }); // → 0:1024
    assert.deepEqual(parsePortRange('1024:', 'tcp'), { lo: 1024, hi: 65535 }); // → 1024:65535
    assert.equal(parsePortRange('80-90', 'tcp'), undefined); // invalid port/service `80-90' specified
    assert.equal(parsePorts('80-90,100', 'tcp'), undefined); // multiport: same error
    assert.equal(parsePortRange('90:80', 'tcp'), undefined); // invalid portrange (min > max)
    assert.equal(parsePortRange('65536', 'tcp'), undefined); // invalid port/service `65536'
    assert.deepEqual(parsePortRange('0', 'udp'), { lo: 0, hi: 0 }); // --sport 0 accepted
  });
  it('service names: per protocol, case-sensitive', () => {
    assert.deepEqual(parsePortRange('http', 'tcp'), { lo: 80, hi: 80 }); // --dport http → 80
    assert.deepEqual(parsePortRange('www', 'tcp'), { lo: 80, hi: 80 }); // alias → 80
    assert.deepEqual(parsePortRange('http:https', 'tcp'), { lo: 80, hi: 443 }); // → 80:443
    assert.deepEqual(parsePorts('http,ssh:telnet', 'tcp'), [[80, 80], [22, 23]]); // multiport → 80,22:23
    assert.equal(servicePort('bootps', 'tcp'), undefined); // -p tcp --dport bootps: invalid port/service
    assert.equal(servicePort('bootps', 'any'), 67); // -p udp --dport bootps → 67
    assert.equal(servicePort('http', 'any'), 80); // -p udp --dport http → 80 (udp looks up any protocol)
    assert.equal(parsePorts('http', 'udp'), undefined); // -p udp -m multiport --dports http: refused
    assert.equal(parsePortRange('HTTP', 'tcp'), undefined); // invalid port/service `HTTP'
    assert.equal(servicePort('http', 'sctp'), undefined); // -p sctp --dport http: refused
  });
  it('protocols: /etc/protocols names, any case, 8 bits', () => {
    assert.equal(protocolName('IPIP'), 'ipip'); // -p IPIP → -p ipip
    assert.equal(protocolName('112'), 'vrrp'); // -p 112 → -p vrrp
    assert.equal(protocolName('vrrp'), 'vrrp');
    assert.equal(protocolName('ipv6-icmp'), 'ipv6-icmp');
    assert.equal(protocolName('mptcp'), 'tcp'); // -p mptcp → -p tcp (262 & 255 = 6)
    assert.equal(protocolName('ALL'), 'all'); // -p ALL → no -p at all
    assert.equal(protocolNumber('256'), undefined); // unknown protocol "256" specified
    assert.equal(protocolName('6'), 'tcp');
    assert.equal(protocolName('47'), 'gre');
    assert.equal(protocolName('132'), 'sctp');
  });
  it('addresses: the numeric forms iptables takes when a rule is added', () => {
    const show = (s: string): string | undefined => {
      const a = parseAddrMask(s);
      return a && `${formatIpv4(a.base)}/${formatIpv4(a.mask)}`;
    };
    assert.equal(show('10.1.2.3/8'), '10.0.0.0/255.0.0.0'); // -s 10.1.2.3/8 → 10.0.0.0/8
    assert.equal(show('10.1/8'), '10.0.0.0/255.0.0.0'); // -s 10.1/8 → 10.0.0.0/8
    assert.equal(show('127.1'), '127.1.0.0/255.255.255.255'); // -s 127.1 → 127.1.0.0/32 (not inet_aton's 127.0.0.1)
    assert.equal(show('010.0.0.1'), '8.0.0.1/255.255.255.255'); // -s 010.0.0.1 → 8.0.0.1/32
    assert.equal(show('0x0a000001'), '10.0.0.1/255.255.255.255'); // -s 0x0a000001 → 10.0.0.1/32
    assert.equal(show('10.0.0.0/255.0.255.0'), '10.0.0.0/255.0.255.0'); // non-contiguous mask kept
    assert.equal(show('10.0.0.0/033'), '10.0.0.0/255.255.255.224'); // -s 10.0.0.0/033 → /27
    assert.equal(show('10.0.0.256'), undefined); // host/network `10.0.0.256' not found
    assert.equal(show('1.2.3.4.5'), undefined);
    assert.equal(show('10.0.0.0/255.255.0'), undefined); // invalid mask `255.255.0' specified
    assert.equal(iptablesIpv4('localhost'), undefined); // a name: resolved by iptables, not by us
    assert.equal(parseCidr('10.0.0.0/255.0.255.0'), undefined); // not a prefix
    assert.equal(parseCidr('10.1.2.3/16')?.text, '10.1.2.3/16');
  });
});

function walk(rule: string, pkt: Parameters<typeof newPacket>[0]): { verdict: string; unsupported: string[] } {
  const rs = parseDumpText(`*filter\n:FORWARD ACCEPT [0:0]\n${rule}\nCOMMIT\n`);
  const ns = new NamespaceRules().add(rs, 'rules', true);
  const h = evaluateHook(ns, 'FORWARD', { ...newPacket(pkt), outIface: 'eth1' }, { ifaceAddresses: {} });
  return { verdict: h.verdict, unsupported: h.tables.flatMap((t) => t.hits.flatMap((x) => x.unsupported)) };
}

describe('net: the evaluator reads rules as iptables does', () => {
  const tcp80 = { src: '10.0.0.5', dst: '10.1.0.9', proto: 'tcp', sport: 40000, dport: 80, inIface: 'eth0' };
  it('a service name in a rule matches its port (was compared as a number: never matched)', () => {
    assert.equal(walk('-A FORWARD -p tcp --dport http -j DROP', tcp80).verdict, 'DROP');
    assert.equal(walk('-A FORWARD -p tcp -m multiport --dports ssh,http -j DROP', tcp80).verdict, 'DROP');
    assert.equal(walk('-A FORWARD -p tcp --dport https -j DROP', tcp80).verdict, 'ACCEPT');
    assert.equal(walk('-A FORWARD -p udp --dport http -j DROP', { ...tcp80, proto: 'udp' }).verdict, 'DROP');
  });
  it('a protocol by number or by a name the old table lacked', () => {
    assert.equal(walk('-A FORWARD -p 6 -j DROP', tcp80).verdict, 'DROP');
    assert.equal(walk('-A FORWARD -p vrrp -j DROP', { src: '10.0.0.5', dst: '224.0.0.18', proto: '112' }).verdict, 'DROP');
    assert.equal(walk('-A FORWARD -p 112 -j DROP', { src: '10.0.0.5', dst: '224.0.0.18', proto: 'vrrp' }).verdict, 'DROP');
    assert.equal(walk('-A FORWARD -p udplite -j DROP', tcp80).verdict, 'ACCEPT');
  });
  it('a non-contiguous mask is matched bit by bit', () => {
    assert.equal(walk('-A FORWARD -s 10.0.0.0/255.0.255.0 -j DROP', { ...tcp80, src: '10.7.0.200' }).verdict, 'DROP');
    assert.equal(walk('-A FORWARD -s 10.0.0.0/255.0.255.0 -j DROP', { ...tcp80, src: '10.7.1.200' }).verdict, 'ACCEPT');
  });
  it('a port text iptables refuses is reported by the parser and undecidable for the evaluator', () => {
    const rs = parseDumpText('*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp --dport 80-90 -j DROP\nCOMMIT\n');
    assert.match(rs.diagnostics.map((d) => d.message).join('\n'), /"80-90" is not a valid port/);
    const ns = new NamespaceRules().add(buildRuleset({ filter: { FORWARD: { rules: [{ p: 'tcp', m: [['tcp', { dport: ['80-90'] }]], j: 'DROP' }] } } }), 'built', true);
    const h = evaluateHook(ns, 'FORWARD', newPacket(tcp80), { ifaceAddresses: {} });
    assert.equal(h.verdict, 'DROP');
    assert.match(h.tables.flatMap((t) => t.hits.flatMap((x) => x.unsupported)).join('\n'), /80-90/);
  });
});

describe('net: NAT port ranges (iptables 1.8.9 in a namespace)', () => {
  it('"a-b" only, not inverted; the parser says why', async () => {
    const { validateArg } = await import('../../src/core/iptables/spec');
    const { parseNatPortRange } = await import('../../src/core/net');
    assert.deepEqual(parseNatPortRange('80-90'), { lo: 80, hi: 90 }); // --to-destination 10.0.0.1:80-90 accepted
    assert.equal(parseNatPortRange('8080:8090'), undefined); // "Invalid port:port syntax - use dash"
    assert.equal(parseNatPortRange('90-80'), undefined); // "Port range `80' funky"
    assert.equal(validateArg('portrange', '90-80')?.message, 'port range "90-80" is inverted');
    assert.equal(validateArg('portrange', '8080:8090')?.message, '"8080:8090" is not a valid port or port range (a-b)');
    assert.equal(validateArg('hostport', '10.0.0.1:90-80')?.message, 'port range "90-80" in "10.0.0.1:90-80" is inverted');
    assert.equal(validateArg('hostport', '10.0.0.1:80-90'), undefined);
    assert.equal(validateArg('hostport', '10.0.0.2-10.0.0.1'), undefined); // an inverted address range is accepted
  });
});
