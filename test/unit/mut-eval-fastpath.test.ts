// The evaluator's fast paths (src/core/trace/match.ts compileOption) are a speed trick beside the match modules'
// evaluators: the options Docker's rules use most (ports, multiport, mark, ctstate/state, comment) are compiled to
// closures that never call the module. This checks both halves: the fast path is taken (the module evaluator is
// not called) and gives the module's answer; anything else still goes to the module.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchModule, type MatchModule } from '../../src/core/iptables/matches';
import { buildRule, type RuleSpec } from '../../src/core/trace/build';
import { ruleMatches } from '../../src/core/trace/netfilter';
import { newPacket, type Packet } from '../../src/core/trace/packet';

const P = (over: Partial<Packet> = {}): Packet => ({ ...newPacket({ src: '10.1.2.3', dst: '192.168.1.2', proto: 'tcp', sport: 40000, dport: 80 }), ...over });

/** Runs the rule with the module's evaluator counting its calls; the answer and the count. */
function spied(mod: string, spec: RuleSpec, p: Packet, undecided = false): { matched: boolean; calls: number } {
  const m = matchModule(mod) as MatchModule;
  const orig = m.evalOption;
  assert.ok(orig, mod);
  let calls = 0;
  m.evalOption = (o, pkt, env) => {
    calls++;
    return orig.call(m, o, pkt, env);
  };
  try {
    // a fresh Rule object each time: rules are compiled once per object
    const r = ruleMatches(buildRule('filter', 'FORWARD', spec, 0), p, { ifaceAddresses: {} }, 'FORWARD');
    assert.equal(r.unsupported.length > 0, undecided, r.unsupported.join('; '));
    return { matched: r.matched, calls };
  } finally {
    m.evalOption = orig;
  }
}

describe('fast paths', () => {
  it('taken for single ports and ranges of tcp, udp, sctp, with the module\'s answers', () => {
    for (const mod of ['tcp', 'udp', 'sctp']) {
      const p = P({ proto: mod });
      assert.deepEqual(spied(mod, { m: [[mod, { dport: ['80'] }]] }, p), { matched: true, calls: 0 }, mod);
      assert.deepEqual(spied(mod, { m: [[mod, { dport: ['81:90'] }]] }, p), { matched: false, calls: 0 }, mod);
      assert.deepEqual(spied(mod, { m: [[mod, { sport: ['40000'] }]] }, p), { matched: true, calls: 0 }, mod);
      assert.deepEqual(spied(mod, { m: [[mod, { sport: ['1:39999'] }]] }, p), { matched: false, calls: 0 }, mod);
      assert.deepEqual(spied(mod, { m: [[mod, { '!dport': ['80'] }]] }, p), { matched: false, calls: 0 }, mod);
    }
  });
  it('not taken for what the module must judge: lists, refused names, other options', () => {
    assert.equal(spied('tcp', { m: [['tcp', { 'tcp-flags': ['SYN,ACK', 'SYN'] }]] }, P({ tcpFlags: ['SYN'] })).calls, 1);
    assert.equal(spied('tcp', { m: [['tcp', { dport: ['http'] }]] }, P()).calls, 0, 'a service name of the protocol');
    assert.equal(spied('tcp', { m: [['tcp', { dport: ['80,443'] }]] }, P(), true).calls, 1, 'a list');
    assert.equal(spied('tcp', { m: [['tcp', { dport: ['bootps'] }]] }, P(), true).calls, 1, 'a udp-only service name');
    assert.equal(spied('multiport', { p: 'tcp', m: [['multiport', { dports: ['22,nosuch'] }]] }, P(), true).calls, 1);
  });
  it('multiport dports, sports, ports', () => {
    assert.deepEqual(spied('multiport', { p: 'tcp', m: [['multiport', { dports: ['22,80'] }]] }, P()), { matched: true, calls: 0 });
    assert.deepEqual(spied('multiport', { p: 'tcp', m: [['multiport', { sports: ['22,80'] }]] }, P()), { matched: false, calls: 0 });
    assert.deepEqual(spied('multiport', { p: 'tcp', m: [['multiport', { ports: ['40000'] }]] }, P()), { matched: true, calls: 0 });
    assert.deepEqual(spied('multiport', { p: 'tcp', m: [['multiport', { ports: ['443'] }]] }, P()), { matched: false, calls: 0 });
  });
  it('mark, ctstate, state, comment', () => {
    assert.deepEqual(spied('mark', { m: [['mark', { mark: ['0x100/0xff00'] }]] }, P({ mark: 0x1ff })), { matched: true, calls: 0 });
    assert.deepEqual(spied('mark', { m: [['mark', { mark: ['0x2'] }]] }, P({ mark: 0x1ff })), { matched: false, calls: 0 });
    const est = { ...P(), ct: { ...P().ct, state: 'ESTABLISHED' as const } };
    assert.deepEqual(spied('conntrack', { m: [['conntrack', { ctstate: ['RELATED,ESTABLISHED'] }]] }, est), { matched: true, calls: 0 });
    assert.deepEqual(spied('conntrack', { m: [['conntrack', { ctstate: ['NEW'] }]] }, est), { matched: false, calls: 0 });
    assert.deepEqual(spied('conntrack', { m: [['conntrack', { ctstate: ['dnat'] }]] }, { ...est, ct: { ...est.ct, status: ['DNAT'] } }), { matched: true, calls: 0 });
    assert.deepEqual(spied('state', { m: [['state', { state: ['ESTABLISHED'] }]] }, est), { matched: true, calls: 0 });
    assert.equal(spied('conntrack', { m: [['conntrack', { ctorigdst: ['192.168.1.2'] }]] }, P()).calls, 1);
    assert.deepEqual(spied('comment', { m: [['comment', { comment: ['x'] }]] }, P()), { matched: true, calls: 0 });
  });
});
