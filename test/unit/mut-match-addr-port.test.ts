// Match modules on addresses, interfaces and ports (src/core/iptables/matches: tcp, udp, sctp, dccp, udplite,
// multiport, icmp, addrtype, iprange, mac, physdev and the helpers they share), each as iptables-extensions(8)
// describes it: the answer on either side of the condition, negation, what cannot be known offline (said), and
// the hover phrase. The -nvL readers are checked against the kernel's own listings in mut-match-listing.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Packet } from '../../src/core/trace/packet';
import { parseDumpText } from '../../src/core/iptables/parse';
import { env0, ev, hover, opt, P } from './match-helpers';
import { matchModule, type MatchEnv } from '../../src/core/iptables/matches';
import { flagNames } from '../../src/core/iptables/matches/tcp';
import { icmpType } from '../../src/core/iptables/matches/icmp';
import { addrMatches, addrTypes, either, flagList, listWords, parseNum, parseValueMask, portWords } from '../../src/core/iptables/matches/util';


describe('tcp', () => {
  const flags = (f: string[]): Packet => P({ tcpFlags: f });
  it('--syn: SYN set, ACK, RST and FIN clear', () => {
    assert.equal(ev('-p tcp -m tcp --syn', flags(['SYN'])), 'yes');
    assert.equal(ev('-p tcp -m tcp --syn', flags(['SYN', 'ACK'])), 'no');
    assert.equal(ev('-p tcp -m tcp --syn', flags(['SYN', 'RST'])), 'no');
    assert.equal(ev('-p tcp -m tcp --syn', flags(['SYN', 'FIN'])), 'no');
    assert.equal(ev('-p tcp -m tcp --syn', flags(['SYN', 'PSH'])), 'yes');
    assert.equal(ev('-p tcp -m tcp ! --syn', flags(['ACK'])), 'yes');
    assert.equal(ev('-p tcp -m tcp --syn'), 'yes', 'a NEW TCP packet is a SYN by default');
  });
  it('--tcp-flags mask comp: the masked flags equal comp exactly', () => {
    assert.equal(ev('-p tcp -m tcp --tcp-flags SYN,ACK SYN', flags(['SYN'])), 'yes');
    assert.equal(ev('-p tcp -m tcp --tcp-flags SYN,ACK SYN', flags(['SYN', 'ACK'])), 'no');
    assert.equal(ev('-p tcp -m tcp --tcp-flags SYN,ACK SYN', flags(['ACK'])), 'no');
    assert.equal(ev('-p tcp -m tcp --tcp-flags ALL NONE', flags([])), 'yes');
    assert.equal(ev('-p tcp -m tcp --tcp-flags ALL NONE', flags(['URG'])), 'no');
    assert.equal(ev('-p tcp -m tcp --tcp-flags ALL FIN,PSH,URG', flags(['FIN', 'PSH', 'URG'])), 'yes');
    assert.equal(ev('-p tcp -m tcp ! --tcp-flags SYN,ACK SYN', flags(['ACK'])), 'yes');
  });
  it('--tcp-option cannot be known; a port list in --dport is refused; other protocols never match', () => {
    assert.equal(ev('-p tcp -m tcp --tcp-option 2'), 'maybe: -m tcp --tcp-option (TCP options of the packet unknown)');
    assert.equal(ev('-p tcp -m tcp --dport 80', P({ proto: 'udp' })), 'no');
    const tcp = matchModule('tcp');
    assert.ok(tcp?.evalOption);
    assert.equal(tcp.evalOption(opt('dport', ['80']), P(), env0), 'yes');
    assert.equal(tcp.evalOption(opt('dport', ['81']), P(), env0), 'no');
    assert.equal(tcp.evalOption(opt('sport', ['40000']), P(), env0), 'yes');
    assert.equal(tcp.evalOption(opt('sport', ['39999']), P(), env0), 'no');
    assert.equal(tcp.evalOption(opt('dport', ['80']), P({ dport: undefined }), env0), 'no');
    assert.equal(tcp.evalOption(opt('dport', ['bootps']), P(), env0), 'port "bootps" (not a port, range or service name iptables accepts here)');
  });
  it('flag names from the listing\'s numbers', () => {
    assert.equal(flagNames('0x17'), 'FIN,SYN,RST,ACK');
    assert.equal(flagNames('0x3F'), 'FIN,SYN,RST,PSH,ACK,URG');
    assert.equal(flagNames('0x00'), 'NONE');
    assert.equal(flagNames('0x29'), 'FIN,PSH,URG');
    assert.equal(flagNames('SYN'), 'SYN');
    assert.equal(flagNames('0xzz'), '0xzz');
    assert.deepEqual(flagList('ALL'), ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG']);
    assert.deepEqual(flagList('NONE'), []);
    assert.deepEqual(flagList('syn,ack'), ['SYN', 'ACK']);
  });
  it('hovers', () => {
    assert.match(hover('-p tcp -m tcp --syn'), /with only SYN set \(new TCP connections\)/);
    assert.match(hover('-p tcp -m tcp ! --syn'), /without only SYN set/);
    assert.match(hover('-p tcp -m tcp --tcp-flags SYN,ACK SYN'), /with TCP flags SYN set among SYN,ACK/);
    assert.match(hover('-p tcp -m tcp ! --tcp-flags ALL NONE'), /not with TCP flags NONE set among ALL/);
    assert.match(hover('-p tcp -m tcp --dport 80'), /to destination port 80/);
    assert.match(hover('-p tcp -m tcp ! --sport 1024:2048'), /from source port.* 1024.*2048/);
  });
});

describe('udp, sctp, dccp, udplite', () => {
  it('ports; service names from any protocol for udp (getaddrinfo), the rule\'s own for the others', () => {
    assert.equal(ev('-p udp -m udp --dport 53', P({ proto: 'udp', dport: 53 })), 'yes');
    assert.equal(ev('-p udp -m udp --dport 53', P({ proto: 'udp', dport: 54 })), 'no');
    assert.equal(ev('-p udp -m udp --sport 1000:2000', P({ proto: 'udp', sport: 1500 })), 'yes');
    for (const mod of ['dccp', 'udplite']) {
      const m = matchModule(mod);
      assert.ok(m?.evalOption, mod);
      assert.equal(m.evalOption(opt('dport', ['80']), P({ proto: mod }), env0), 'yes', mod);
      assert.equal(m.evalOption(opt('sport', ['80']), P({ proto: mod }), env0), 'no', mod);
      assert.equal(m.evalOption(opt('other', ['x']), P({ proto: mod }), env0), `-m ${mod} --other (not evaluated offline)`, mod);
      assert.equal(m.protocol, true);
      assert.equal(m.summary, `${mod.toUpperCase()} ports (loaded by -p ${mod})`);
      // libxt_dccp also takes --dccp-types and --dccp-option (iptables -S prints them)
      assert.deepEqual(m.options.map((o) => o.name), mod === 'dccp' ? ['sport', 'dport', 'dccp-types', 'dccp-option'] : ['sport', 'dport']);
      assert.deepEqual(m.list?.words, [mod]);
    }
    assert.equal(matchModule('udplite')?.evalOption?.(opt('dport', ['http']), P({ proto: 'udplite' }), env0), 'yes');
    assert.match(String(matchModule('dccp')?.evalOption?.(opt('dport', ['http']), P({ proto: 'dccp' }), env0)), /^port "http"/);
    assert.deepEqual(matchModule('sctp')?.options.map((o) => o.name), ['sport', 'dport', 'chunk-types']);
    assert.deepEqual(matchModule('udp')?.options.map((o) => [o.name, o.kind, o.aliases]), [['sport', 'port', ['source-port']], ['dport', 'port', ['destination-port']]]);
  });
});

describe('multiport', () => {
  it('the module evaluator (beside the fast path): lists, ranges, either end, invalid lists', () => {
    const m = matchModule('multiport');
    assert.ok(m?.evalOption);
    assert.equal(m.evalOption(opt('dports', ['22,80']), P(), env0), 'yes');
    assert.equal(m.evalOption(opt('dports', ['22,443']), P(), env0), 'no');
    assert.equal(m.evalOption(opt('sports', ['39000:41000']), P(), env0), 'yes');
    assert.equal(m.evalOption(opt('sports', ['80']), P(), env0), 'no');
    assert.equal(m.evalOption(opt('ports', ['80']), P(), env0), 'yes');
    assert.equal(m.evalOption(opt('ports', ['40000']), P(), env0), 'yes');
    assert.equal(m.evalOption(opt('ports', ['443']), P(), env0), 'no');
    assert.match(String(m.evalOption(opt('dports', ['80,nosuch']), P(), env0)), /^ports "80,nosuch"/);
    assert.equal(ev('-p tcp -m multiport --dports 80,nosuchservice'), 'maybe: ports "80,nosuchservice" (not a list of ports, ranges or tcp service names)');
  });
  it('hovers', () => {
    assert.match(hover('-p tcp -m multiport --dports 80,443'), /to destination ports 80 or 443/);
    assert.match(hover('-p tcp -m multiport ! --sports 53,67'), /not from source ports 53 or 67/);
    assert.match(hover('-p tcp -m multiport --ports 22'), /port 22/);
  });
});

describe('icmp', () => {
  const ic = (type: number, code = 0, over: Partial<Packet> = {}): Packet => P({ proto: 'icmp', sport: undefined, dport: undefined, icmp: { type, code }, ...over });
  it('type names and numbers, type/code, any; the default packet is an echo-request (its reply an echo-reply)', () => {
    assert.equal(ev('-p icmp -m icmp --icmp-type echo-request', ic(8)), 'yes');
    assert.equal(ev('-p icmp -m icmp --icmp-type echo-request', ic(0)), 'no');
    assert.equal(ev('-p icmp -m icmp --icmp-type 3/3', ic(3, 3)), 'yes');
    assert.equal(ev('-p icmp -m icmp --icmp-type 3/3', ic(3, 1)), 'no');
    assert.equal(ev('-p icmp -m icmp --icmp-type destination-unreachable', ic(3, 13)), 'yes');
    assert.equal(ev('-p icmp -m icmp --icmp-type port-unreachable', ic(3, 1)), 'no');
    assert.equal(ev('-p icmp -m icmp --icmp-type any', ic(11, 1)), 'yes');
    assert.equal(ev('-p icmp -m icmp ! --icmp-type 0', ic(8)), 'yes');
    const def = P({ proto: 'icmp', sport: undefined, dport: undefined });
    assert.equal(ev('-p icmp -m icmp --icmp-type 8', def), 'yes');
    assert.equal(ev('-p icmp -m icmp --icmp-type 0', { ...def, ct: { ...def.ct, dir: 'REPLY' } }), 'yes');
  });
  it('icmpType: what iptables accepts', () => {
    assert.deepEqual(icmpType('echo-request'), [8, -1]);
    assert.deepEqual(icmpType('ping'), [8, -1]);
    assert.deepEqual(icmpType('TOS-host-redirect'), [5, 3]);
    assert.deepEqual(icmpType('11'), [11, -1]);
    assert.deepEqual(icmpType('3/4'), [3, 4]);
    assert.deepEqual(icmpType('255'), [-1, -1]);
    assert.equal(icmpType('256'), undefined);
    assert.equal(icmpType('3/256'), undefined);
    assert.equal(icmpType('constructor'), undefined);
    assert.equal(icmpType('3/'), undefined);
    assert.equal(ev('-p icmp -m icmp --icmp-type 300', P({ proto: 'icmp' })).startsWith('maybe: -m icmp --icmp-type 300 (unknown ICMP type)'), true);
  });
  it('hovers', () => {
    assert.match(hover('-p icmp -m icmp --icmp-type 3/3'), /of ICMP type 3\/3/);
    assert.match(hover('-p icmp -m icmp ! --icmp-type 8'), /not of ICMP type 8/);
  });
});

describe('addrtype', () => {
  it('LOCAL, BROADCAST, MULTICAST, UNICAST of this namespace; negation; several types', () => {
    assert.equal(ev('-m addrtype --dst-type LOCAL'), 'yes');
    assert.equal(ev('-m addrtype --dst-type LOCAL', P({ dst: '192.168.1.3' })), 'no');
    assert.equal(ev('-m addrtype ! --dst-type LOCAL'), 'no');
    assert.equal(ev('-m addrtype --src-type LOCAL'), 'no');
    assert.equal(ev('-m addrtype --src-type UNICAST'), 'yes');
    assert.equal(ev('-m addrtype --dst-type BROADCAST,MULTICAST', P({ dst: '224.0.0.5' })), 'yes');
    assert.equal(ev('-m addrtype --dst-type BROADCAST', P({ dst: '192.168.1.255' })), 'yes');
    assert.equal(ev('-m addrtype --src-type UNICAST --dst-type LOCAL', P({ src: '224.0.0.1' })), 'no');
    assert.equal(ev('-m addrtype --dst-type local'), 'yes');
    // a comma list is one option (the kernel took --dst-type BROADCAST,MULTICAST; the parser called it unknown)
    assert.deepEqual(parseDumpText('*filter\n-A FORWARD -m addrtype --dst-type BROADCAST,NOSUCH -j DROP\nCOMMIT\n').diagnostics.map((d) => d.message), ['unknown address type "NOSUCH"']);
  });
  it('--limit-iface-in/out: only the addresses of that interface', () => {
    assert.equal(ev('-m addrtype --dst-type LOCAL --limit-iface-in'), 'yes');
    assert.equal(ev('-m addrtype --dst-type LOCAL --limit-iface-in', P({ dst: '10.9.0.1' })), 'no');
    assert.equal(ev('-m addrtype --dst-type LOCAL', P({ dst: '10.9.0.1' })), 'yes');
    assert.equal(ev('-m addrtype --dst-type LOCAL --limit-iface-out', P({ outIface: 'eth1', dst: '10.9.0.1' })), 'yes');
    assert.equal(ev('-m addrtype --dst-type LOCAL --limit-iface-out', P({ dst: '10.9.0.1' })), 'maybe: -m addrtype --limit-iface (interface unknown)');
    assert.equal(ev('-m addrtype --dst-type LOCAL', P({ dst: 'fe80::1' })), 'maybe: addrtype of non-IPv4 address fe80::1');
  });
  it('hovers', () => {
    assert.match(hover('-m addrtype --dst-type LOCAL'), /addressed to a local address of this host/);
    assert.match(hover('-m addrtype --src-type LOCAL --limit-iface-in'), /coming from a local address of this host(?! matching)/);
  });
});

describe('iprange, mac, physdev', () => {
  it('iprange: inclusive ends, negation, a bad range undecidable', () => {
    assert.equal(ev('-m iprange --src-range 10.0.0.5-10.0.0.9'), 'yes');
    assert.equal(ev('-m iprange --src-range 10.0.0.1-10.0.0.8'), 'no');
    assert.equal(ev('-m iprange --src-range 10.0.0.9-10.0.0.20'), 'yes');
    assert.equal(ev('-m iprange --dst-range 192.168.1.2-192.168.1.2'), 'yes');
    assert.equal(ev('-m iprange --dst-range 192.168.1.3-192.168.1.9'), 'no');
    assert.equal(ev('-m iprange ! --dst-range 192.168.1.3-192.168.1.9'), 'yes');
    const m = matchModule('iprange');
    assert.equal(m?.evalOption?.(opt('src-range', ['10.0.0.9']), P(), env0), 'yes', 'a single address');
    assert.equal(m?.evalOption?.(opt('src-range', ['x-y']), P(), env0), 'iprange x-y');
    assert.equal(m?.evalOption?.(opt('src-range', ['10.0.0.1-10.0.0.9']), P({ src: 'fe80::1' }), env0), 'iprange 10.0.0.1-10.0.0.9');
    assert.match(hover('-m iprange --src-range 10.0.0.5-10.0.0.9'), /from 10\.0\.0\.5-10\.0\.0\.9/);
    assert.match(hover('-m iprange ! --dst-range 10.1.0.1-10.1.0.9'), /not to 10\.1\.0\.1-10\.1\.0\.9/);
  });
  it('mac is not traced', () => {
    assert.equal(ev('-m mac --mac-source 02:42:ac:11:00:02'), "maybe: -m mac --mac-source 02:42:ac:11:00:02 (the sender's MAC address is not traced)");
    assert.match(hover('-m mac ! --mac-source 02:42:ac:11:00:02'), /not from MAC 02:42:ac:11:00:02/);
  });
  it('physdev: the bridge ports of a bridged packet', () => {
    const br = P({ physdev: { in: 'veth1', out: 'veth2', bridged: true } });
    assert.equal(ev('-m physdev --physdev-is-bridged', br), 'yes');
    assert.equal(ev('-m physdev --physdev-is-bridged'), 'no');
    assert.equal(ev('-m physdev --physdev-in veth1', br), 'yes');
    assert.equal(ev('-m physdev --physdev-in veth+', br), 'yes');
    assert.equal(ev('-m physdev --physdev-in veth2', br), 'no');
    assert.equal(ev('-m physdev --physdev-in veth1'), 'no');
    assert.equal(ev('-m physdev --physdev-out veth2', br), 'yes');
    assert.equal(ev('-m physdev --physdev-out veth1', br), 'no');
    assert.equal(ev('-m physdev --physdev-out veth2'), 'no');
    assert.equal(ev('-m physdev --physdev-is-in', br), 'yes');
    assert.equal(ev('-m physdev --physdev-is-in', P({ physdev: { out: 'veth2', bridged: true } })), 'no');
    assert.equal(ev('-m physdev --physdev-is-out', br), 'yes');
    assert.equal(ev('-m physdev --physdev-is-out', P({ physdev: { in: 'veth1', bridged: true } })), 'no');
    assert.equal(ev('-m physdev ! --physdev-is-bridged', br), 'no');
    assert.match(hover('-m physdev --physdev-in veth1'), /entering the bridge from port veth1/);
    assert.match(hover('-m physdev ! --physdev-out veth2'), /not leaving the bridge through port veth2/);
    assert.match(hover('-m physdev --physdev-is-bridged'), /matching -m physdev --physdev-is-bridged/);
  });
});

describe('address types (kernel: ip route show table local, ip route get, Linux 6.18)', () => {
  it('the subnet broadcast only (not the network address, none on a /31), own addresses LOCAL, loopback LOCAL', () => {
    const env: MatchEnv = { ifaceAddresses: { d0: [{ address: '10.0.0.1', prefixLen: 24 }, { address: '10.5.0.1', prefixLen: 31 }], lo: [{ address: '127.0.0.1', prefixLen: 8 }] } };
    const t = (ip: string, limit?: string): string => [...addrTypes(ip, env, limit)].sort().join(',');
    assert.equal(t('10.0.0.255'), 'BROADCAST');
    assert.equal(t('10.0.0.0'), 'UNICAST');
    assert.equal(t('10.0.0.1'), 'LOCAL');
    assert.equal(t('10.5.0.0'), 'UNICAST');
    assert.equal(t('10.5.0.1'), 'LOCAL');
    assert.equal(t('127.0.0.5'), 'LOCAL');
    assert.equal(t('255.255.255.255'), 'BROADCAST');
    assert.equal(t('224.0.0.251'), 'MULTICAST');
    assert.equal(t('fe80::1'), 'UNSPEC');
    // limited to one interface (iptables-extensions(8) --limit-iface-in/out): another interface's addresses and loopback are not LOCAL there
    assert.equal(t('10.0.0.1', 'lo'), 'UNICAST');
    assert.equal(t('127.0.0.5', 'd0'), 'UNICAST');
    assert.equal(t('10.0.0.1', 'd0'), 'LOCAL');
  });
});

describe('shared helpers', () => {
  it('addrMatches, either, parseNum, parseValueMask, words', () => {
    assert.equal(addrMatches('10.0.0.0/8', '10.1.1.1'), 'yes');
    assert.equal(addrMatches('10.0.0.0/8', '11.1.1.1'), 'no');
    assert.equal(addrMatches('fe80::1', 'fe80::1'), 'yes');
    assert.equal(addrMatches('fe80::1/128', 'fe80::1'), 'yes');
    assert.equal(addrMatches('fe80::/64', 'fe80::1'), 'maybe');
    assert.equal(addrMatches('fe80::2', 'fe80::1'), 'no');
    assert.equal(addrMatches('db.example', '10.0.0.1'), 'maybe');
    assert.equal(either('no', 'yes'), 'yes');
    assert.equal(either('yes', 'why'), 'yes');
    assert.equal(either('no', 'why'), 'why');
    assert.equal(either('why', 'no'), 'why');
    assert.equal(either('no', 'no'), 'no');
    assert.equal(parseNum('0x10'), 16);
    assert.equal(parseNum('0X10'), 16);
    assert.equal(parseNum('10'), 10);
    assert.deepEqual(parseValueMask('0x100/0xff00'), { value: 0x100, mask: 0xff00 });
    assert.deepEqual(parseValueMask('5'), { value: 5, mask: 0xffffffff });
    assert.equal(portWords('80'), 'port 80');
    assert.equal(portWords('1024:2048'), 'ports 1024–2048');
    assert.equal(listWords('80,443'), '80 or 443');
  });
});
