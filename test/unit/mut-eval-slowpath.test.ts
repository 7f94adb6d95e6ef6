// The evaluator's path through the match modules' own evaluators (src/core/trace/match.ts compileMatch), where no
// fast path applies: negation applied to the module's yes/no but not to an undecidable answer, a protocol module
// never matching a packet of another protocol, and options that look like fast-path ones but are not.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRule, type RuleSpec } from '../../src/core/trace/build';
import { ruleMatches } from '../../src/core/trace/netfilter';
import { newPacket, type Packet } from '../../src/core/trace/packet';

const P = (over: Partial<Packet> = {}): Packet => ({ ...newPacket({ src: '10.1.2.3', dst: '192.168.1.2', proto: 'tcp', sport: 40000, dport: 80 }), ...over });
const m = (spec: RuleSpec, p: Packet = P()): string => {
  const r = ruleMatches(buildRule('filter', 'FORWARD', spec, 0), p, { ifaceAddresses: {} }, 'FORWARD');
  return r.unsupported.length ? `maybe: ${r.unsupported.join('; ')}` : r.matched ? 'yes' : 'no';
};

it('module evaluators: yes, no, negated, another protocol, undecidable kept', () => {
  const syn = P({ tcpFlags: ['SYN'] });
  assert.equal(m({ m: [['tcp', { 'tcp-flags': ['SYN,ACK', 'SYN'] }]] }, syn), 'yes');
  assert.equal(m({ m: [['tcp', { 'tcp-flags': ['SYN,ACK', 'ACK'] }]] }, syn), 'no');
  assert.equal(m({ m: [['tcp', { '!tcp-flags': ['SYN,ACK', 'SYN'] }]] }, syn), 'no');
  assert.equal(m({ m: [['tcp', { '!tcp-flags': ['SYN,ACK', 'ACK'] }]] }, syn), 'yes');
  assert.equal(m({ m: [['tcp', { 'tcp-flags': ['SYN,ACK', 'SYN'] }]] }, P({ proto: 'udp' })), 'no');
  assert.equal(m({ m: [['tcp', { '!tcp-flags': ['SYN,ACK', 'SYN'] }]] }, P({ proto: 'udp' })), 'no');
  assert.equal(m({ m: [['iprange', { 'src-range': ['10.1.2.0-10.1.2.9'] }]] }), 'yes');
  assert.equal(m({ m: [['iprange', { '!src-range': ['10.1.2.0-10.1.2.9'] }]] }), 'no');
  assert.equal(m({ m: [['iprange', { '!src-range': ['10.1.3.0-10.1.3.9'] }]] }), 'yes');
  assert.equal(m({ m: [['tcp', { '!tcp-option': ['2'] }]] }), 'maybe: -m tcp --tcp-option (TCP options of the packet unknown)');
});

it('options that are not the fast paths\' own go to their module', () => {
  assert.equal(m({ m: [['connmark', { mark: ['0x1'] }]] }, P({ mark: 1 })), "maybe: -m connmark --mark 0x1 (the connection's mark is not in the dumps)");
  assert.equal(m({ m: [['conntrack', { ctorigdst: ['192.168.1.2'] }]] }), 'yes');
  assert.equal(m({ m: [['conntrack', { ctorigdst: ['10.9.9.9'] }]] }), 'no');
});
