// The match modules' -nvL readers against the kernel: test/fixtures/trace/matches2-iptables-1.8.9.{S,nvL}.txt is one
// FORWARD chain loaded with iptables-restore into a scratch namespace on this machine (iptables v1.8.9 nf_tables)
// and printed back by `iptables -S FORWARD` and `iptables -nvL FORWARD` — the negations, ranges and option
// combinations the first fixture (matches-iptables-1.8.9.*) lacks. Both must read as the same matches.
// Found by this capture: "icmp !type 0" and "PKTTYPE != multicast" were unread listing text; "icmptype 255" (how
// -nvL prints --icmp-type any) was taken as type 255 instead of any.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleMatches } from '../../src/core/trace/netfilter';
import { newPacket } from '../../src/core/trace/packet';
import { assertCleanReads, assertSameMatches, readBoth } from './mut-listing-util';

const dir = join(__dirname, '..', 'fixtures', 'trace');
const S = readFileSync(join(dir, 'matches2-iptables-1.8.9.S.txt'), 'utf8');
const NVL = readFileSync(join(dir, 'matches2-iptables-1.8.9.nvL.txt'), 'utf8');


describe('-nvL readers (kernel capture 2)', () => {
  const { fromS, fromL } = readBoth(S, NVL);
  it('both forms read without a diagnostic, rule for rule', () => assertCleanReads(fromS, fromL, 41));
  it('-S and -nvL give the same matches (the listing prints --icmp-type any as 255)', () => assertSameMatches(fromS, fromL, (s) => s.replace('icmp-type=any', 'icmp-type=255')));

  it('--icmp-type any and 255 match every ICMP type, as in the kernel (type 0xFF)', () => {
    const any = fromS.rules[11];
    const n255 = fromL.rules[11];
    for (const icmp of [{ type: 0, code: 0 }, { type: 3, code: 3 }, { type: 11, code: 1 }]) {
      const p = { ...newPacket({ src: '10.0.0.1', dst: '10.0.0.2', proto: 'icmp' }), icmp };
      assert.equal(ruleMatches(any, p, { ifaceAddresses: {} }, 'FORWARD').matched, true);
      assert.equal(ruleMatches(n255, p, { ifaceAddresses: {} }, 'FORWARD').matched, true);
    }
    // "icmp !type 0": everything but echo-reply
    const notReply = fromL.rules[10];
    const p = (type: number) => ({ ...newPacket({ src: '10.0.0.1', dst: '10.0.0.2', proto: 'icmp' }), icmp: { type, code: 0 } });
    assert.equal(ruleMatches(notReply, p(0), { ifaceAddresses: {} }, 'FORWARD').matched, false);
    assert.equal(ruleMatches(notReply, p(8), { ifaceAddresses: {} }, 'FORWARD').matched, true);
  });
});
