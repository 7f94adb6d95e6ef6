// Match modules on state, marks and packet properties (src/core/iptables/matches: state, mark, connmark, ipvs,
// policy, set, pkttype, length, comment, esp/ah, limit), each as iptables-extensions(8) describes it: the answer
// for packets on either side of the condition, negation, what cannot be known offline (said, never guessed),
// and the hover phrase. The fast paths of ../trace/match.ts shadow some module evaluators (mark, ctstate,
// comment): those evaluators are checked directly against the fast path's answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Packet } from '../../src/core/trace/packet';
import { env0, ev, hover, opt, P } from './match-helpers';
import { matchModule, type MatchEnv } from '../../src/core/iptables/matches';


describe('state, mark, connmark', () => {
  it('the module evaluators behind the fast paths give the fast paths\' answers', () => {
    const mark = matchModule('mark');
    assert.ok(mark?.evalOption);
    for (const [spec, m, want] of [['0x100', 0x100, 'yes'], ['0x100', 0x101, 'no'], ['0x100/0xff00', 0x1ff, 'yes'], ['256', 0x100, 'yes'], ['0x1/0x1', 2, 'no']] as const) {
      assert.equal(mark.evalOption(opt('mark', [spec]), P({ mark: m }), env0), want, `${spec} ${m}`);
      assert.equal(ev(`-m mark --mark ${spec}`, P({ mark: m })), want, `fast ${spec} ${m}`);
    }
    assert.equal(mark.evalOption(opt('mark', []), P({ mark: 0 }), env0), 'yes');
    assert.equal(mark.evalOption(opt('mark', []), P({ mark: 1 }), env0), 'no');
    const state = matchModule('state');
    assert.ok(state?.evalOption);
    const est = { ...P(), ct: { ...P().ct, state: 'ESTABLISHED' as const } };
    assert.equal(state.evalOption(opt('state', ['RELATED,ESTABLISHED']), est, env0), 'yes');
    assert.equal(state.evalOption(opt('state', ['NEW']), est, env0), 'no');
    assert.equal(ev('-m state --state RELATED,ESTABLISHED', est), 'yes');
    assert.equal(ev('-m state ! --state RELATED,ESTABLISHED', est), 'no');
    assert.equal(matchModule('comment')?.evalOption?.(opt('comment', ['x']), P(), env0), 'yes');
  });

  it('connmark is not in the dumps: undecidable with the mark said', () => {
    assert.equal(ev('-m connmark --mark 0x2'), "maybe: -m connmark --mark 0x2 (the connection's mark is not in the dumps)");
    assert.equal(ev('-m connmark ! --mark 0x2/0xff'), "maybe: -m connmark --mark 0x2/0xff (the connection's mark is not in the dumps)");
  });

  it('hovers', () => {
    assert.match(hover('-m mark --mark 0x100/0xff00'), /with mark 0x100\/0xff00/);
    assert.match(hover('-m mark ! --mark 0x1'), /not with mark 0x1|except with mark 0x1|not .*mark 0x1/);
    assert.match(hover('-m connmark --mark 0x2'), /whose connection has mark 0x2/);
    assert.match(hover('-m state --state NEW'), /NEW/);
  });
});

describe('ipvs', () => {
  const ipvsPkt = (info: Packet['ipvsInfo'], over: Partial<Packet> = {}): Packet => P({ ipvs: true, ipvsInfo: info, ...over });
  const info = { vaddr: '10.0.0.2', vport: 80, vproto: 'tcp', fwmark: 256, method: 'MASQ' };
  it('--ipvs: whether IPVS handled the packet', () => {
    assert.equal(ev('-m ipvs --ipvs', ipvsPkt(info)), 'yes');
    assert.equal(ev('-m ipvs --ipvs'), 'no');
    assert.equal(ev('-m ipvs ! --ipvs'), 'yes');
  });
  it('--vaddr/--vport/--vproto/--vdir/--vmethod against the virtual service; a packet IPVS did not handle never matches', () => {
    assert.equal(ev('-m ipvs --vaddr 10.0.0.0/24', ipvsPkt(info)), 'yes');
    assert.equal(ev('-m ipvs --vaddr 10.0.1.0/24', ipvsPkt(info)), 'no');
    assert.equal(ev('-m ipvs --vaddr 10.0.0.2'), 'no');
    assert.equal(ev('-m ipvs ! --vaddr 10.0.0.2'), 'yes');
    assert.equal(ev('-m ipvs --vport 80', ipvsPkt(info)), 'yes');
    assert.equal(ev('-m ipvs --vport 81', ipvsPkt(info)), 'no');
    assert.equal(ev('-m ipvs --vproto tcp', ipvsPkt(info)), 'yes');
    assert.equal(ev('-m ipvs --vproto 6', ipvsPkt(info)), 'yes');
    assert.equal(ev('-m ipvs --vproto udp', ipvsPkt(info)), 'no');
    assert.equal(ev('-m ipvs --vproto tcp', ipvsPkt({})), 'yes', 'without a recorded protocol: the packet\'s');
    assert.equal(ev('-m ipvs --vdir ORIGINAL', ipvsPkt(info)), 'yes');
    assert.equal(ev('-m ipvs --vdir REPLY', ipvsPkt(info)), 'no');
    assert.equal(ev('-m ipvs --vmethod masq', ipvsPkt(info)), 'yes');
    assert.equal(ev('-m ipvs --vmethod GATE', ipvsPkt(info)), 'no');
  });
  it('what the capture does not say is undecidable', () => {
    assert.equal(ev('-m ipvs --vaddr 10.0.0.2', ipvsPkt({})), 'maybe: ipvs --vaddr (virtual address unknown)');
    assert.equal(ev('-m ipvs --vaddr db.example', ipvsPkt(info)), 'maybe: ipvs --vaddr db.example');
    assert.equal(ev('-m ipvs --vport 80', ipvsPkt({})), 'maybe: ipvs --vport (virtual port unknown)');
    assert.equal(ev('-m ipvs --vmethod MASQ', ipvsPkt({})), 'maybe: ipvs --vmethod (method unknown)');
    assert.equal(ev('-m ipvs --vportctl 21', ipvsPkt(info)), 'maybe: ipvs option --vportctl');
  });
});

describe('policy', () => {
  it('--dir in/out --pol ipsec|none against how the packet came or goes', () => {
    assert.equal(ev('-m policy --dir in --pol ipsec', P({ ipsecIn: true })), 'yes');
    assert.equal(ev('-m policy --dir in --pol ipsec', P()), 'no');
    assert.equal(ev('-m policy --dir in --pol none', P()), 'yes');
    assert.equal(ev('-m policy --dir in --pol none', P({ ipsecIn: true })), 'no');
    assert.equal(ev('-m policy --dir out --pol ipsec', P({ ipsecOut: true })), 'yes');
    assert.equal(ev('-m policy --dir out --pol ipsec', P({ ipsecIn: true })), 'no');
    assert.equal(ev('-m policy --dir OUT --pol NONE', P({ ipsecIn: true })), 'yes');
  });
  it('SA details, a missing --dir, an unknown --pol: undecidable', () => {
    assert.equal(ev('-m policy --dir in --pol ipsec --reqid 1 --proto esp', P({ ipsecIn: true })), 'maybe: policy: policy --reqid --proto (IPsec SA details unknown)');
    assert.equal(ev('-m policy --dir in --pol ipsec --reqid 1', P()), 'no');
    assert.equal(ev('-m policy --pol ipsec', P({ ipsecIn: true })), 'maybe: policy: policy without --dir');
    assert.equal(ev('-m policy --dir in --pol other', P()), 'maybe: policy: policy --pol other');
  });
  it('hovers', () => {
    assert.match(hover('-m policy --dir in --pol ipsec'), /that went through IPsec/);
    assert.match(hover('-m policy --dir out --pol none'), /that did not go through IPsec/);
    assert.doesNotMatch(hover('-m policy --dir out --pol none'), /--dir/);
  });
});

describe('set', () => {
  const env: MatchEnv = { ...env0, ipsets: { allow: ['10.0.0.0/8'], web: ['192.168.1.2,tcp:80'], list: ['allow', 'web'] } };
  it('membership by direction flags, negation, a list of sets', () => {
    assert.equal(ev('-m set --match-set allow src', P(), env), 'yes');
    assert.equal(ev('-m set --match-set allow dst', P(), env), 'no');
    assert.equal(ev('-m set ! --match-set allow src', P(), env), 'no');
    assert.equal(ev('-m set --match-set web dst,dst', P(), env), 'yes');
    assert.equal(ev('-m set --match-set web dst,dst', P({ dport: 81 }), env), 'no');
    assert.equal(ev('-m set --match-set list src', P(), env), 'yes');
    assert.equal(ev('-m set --match-set list src', P({ src: '11.0.0.1' }), env), 'no');
  });
  it('counters and unknown sets are undecidable', () => {
    assert.equal(ev('-m set --match-set allow src --packets-gt 10', P(), env), "maybe: -m set --packets-gt (the entry's counters are not in the dumps)");
    assert.match(ev('-m set --match-set nosuch src', P(), env), /^maybe: .*nosuch/);
  });
  it('hovers', () => {
    assert.match(hover('-m set --match-set allow src,dst'), /whose src and dst is in ipset allow/);
    assert.match(hover('-m set ! --match-set allow dst'), /whose dst is not in ipset allow/);
    assert.match(hover('-m set --match-set allow src --return-nomatch'), /counting a nomatch entry as a match/);
  });
});

describe('pkttype, length, comment, esp/ah, limit', () => {
  it('pkttype: unicast, broadcast (the subnet\'s broadcast address), multicast, negation', () => {
    assert.equal(ev('-m pkttype --pkt-type unicast'), 'yes');
    assert.equal(ev('-m pkttype --pkt-type broadcast'), 'no');
    assert.equal(ev('-m pkttype --pkt-type broadcast', P({ dst: '192.168.1.255' })), 'yes');
    assert.equal(ev('-m pkttype --pkt-type BROADCAST', P({ dst: '255.255.255.255' })), 'yes');
    assert.equal(ev('-m pkttype --pkt-type multicast', P({ dst: '224.0.0.5' })), 'yes');
    assert.equal(ev('-m pkttype --pkt-type unicast', P({ dst: '224.0.0.5' })), 'no');
    assert.equal(ev('-m pkttype ! --pkt-type unicast'), 'no');
    assert.match(hover('-m pkttype --pkt-type broadcast'), /sent as broadcast/);
  });
  it('length is not traced', () => {
    assert.equal(ev('-m length --length 0:100'), "maybe: -m length --length 0:100 (the packet's length is not traced)");
    assert.match(hover('-m length --length 0:100'), /of length 0–100 bytes/);
  });
  it('comment always matches and adds nothing to the hover', () => {
    assert.equal(ev('-m comment --comment "no match here"'), 'yes');
    assert.equal(hover('-p tcp -m comment --comment x'), hover('-p tcp'));
  });
  it('esp/ah: the SPI is not known offline; another protocol never matches', () => {
    assert.equal(ev('-p esp -m esp --espspi 100', P({ proto: 'esp' })), "maybe: -m esp --espspi (the packet's SPI is not known offline)");
    assert.equal(ev('-p ah -m ah --ahspi 100', P({ proto: 'ah' })), "maybe: -m ah --ahspi (the packet's SPI is not known offline)");
    assert.equal(matchModule('esp')?.protocol, true);
    assert.equal(ev('-p esp -m esp --espspi 100', P()), 'no');
    assert.deepEqual(matchModule('ah')?.options.map((o) => o.name), ['ahspi']);
    assert.match(matchModule('esp')?.summary ?? '', /^ESP security parameter index \(loaded by -p esp\)$/);
  });
  it('limit depends on traffic; --limit-burst alone decides nothing', () => {
    assert.equal(ev('-m limit --limit 3/min'), 'maybe: -m limit --limit 3/min (matches while the rate is under the limit: depends on traffic)');
    assert.equal(ev('-m limit --limit 3/min --limit-burst 20'), 'maybe: -m limit --limit 3/min (matches while the rate is under the limit: depends on traffic)');
    assert.match(hover('-m limit --limit 3/min --limit-burst 20'), /at a rate of at most 3\/min with bursts of up to 20/);
  });
});
