/**
 * The conntrack match, option by option, as iptables-extensions(8) describes it ("conntrack": --ctstate with the
 * SNAT/DNAT virtual states, --ctorig… and --ctrepl… against the original and reply tuples, --ctdir, --ctstatus,
 * --ctproto). The packet: a client 203.0.113.10:40000 → 192.168.33.2:8080, DNATed to 172.17.0.2:80 (Docker's
 * `-p 8080:80`), seen after the DNAT in both directions. Expected answers written from the man page.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conntrackHover, ctStates, evalConntrack } from '../../src/core/iptables/matches/conntrack';
import type { MatchPacket } from '../../src/core/iptables/matches/packet';
import type { RuleOption } from '../../src/core/iptables/model';

const opt = (name: string, value: string, negated = false): RuleOption => ({ name, negated, args: [value], span: { line: 0, start: 0, end: 0 } });

/** The first packet after DNAT (original direction). */
const fwd: MatchPacket = {
  src: '203.0.113.10', dst: '172.17.0.2', proto: 'tcp', sport: 40000, dport: 80, mark: 0, ipvs: false,
  ct: { state: 'NEW', origSrc: '203.0.113.10', origDst: '192.168.33.2', origSport: 40000, origDport: 8080, status: ['DNAT'], dir: 'ORIGINAL' },
};
/** The container's answer (reply direction, before the reverse NAT). */
const reply: MatchPacket = { ...fwd, src: '172.17.0.2', dst: '203.0.113.10', sport: 80, dport: 40000, ct: { ...fwd.ct, state: 'ESTABLISHED', dir: 'REPLY' } };
/** A first packet without NAT. */
const plain: MatchPacket = { ...fwd, dst: '192.168.33.2', dport: 8080, ct: { ...fwd.ct, status: [] } };

const ev = (p: MatchPacket, name: string, value: string): string => evalConntrack(opt(name, value), p);

test('--ctstate and -m state: the state, several states, and the DNAT/SNAT virtual states', () => {
  assert.deepEqual([...ctStates(fwd)].sort(), ['DNAT', 'NEW']);
  assert.equal(ev(fwd, 'ctstate', 'NEW'), 'yes');
  assert.equal(ev(fwd, 'ctstate', 'related,established'), 'no');
  assert.equal(ev(reply, 'ctstate', 'RELATED,ESTABLISHED'), 'yes');
  assert.equal(ev(fwd, 'ctstate', 'DNAT'), 'yes');
  assert.equal(ev(plain, 'ctstate', 'DNAT'), 'no');
  assert.equal(ev(fwd, 'state', 'NEW'), 'yes');
  assert.equal(ev(fwd, 'ctstate', 'SNAT'), 'no');
});

test('--ctorigdst/--ctorigsrc and their ports see the tuple before DNAT, not the packet', () => {
  assert.equal(ev(fwd, 'ctorigdst', '192.168.33.2'), 'yes');
  assert.equal(ev(fwd, 'ctorigdst', '192.168.33.0/24'), 'yes');
  assert.equal(ev(fwd, 'ctorigdst', '172.17.0.2'), 'no');
  assert.equal(ev(fwd, 'ctorigsrc', '203.0.113.0/24'), 'yes');
  assert.equal(ev(fwd, 'ctorigsrc', '198.51.100.0/24'), 'no');
  assert.equal(ev(fwd, 'ctorigdstport', '8080'), 'yes');
  assert.equal(ev(fwd, 'ctorigdstport', '80'), 'no');
  assert.equal(ev(fwd, 'ctorigdstport', '8000:9000'), 'yes');
  assert.equal(ev(fwd, 'ctorigsrcport', '40000'), 'yes');
  assert.equal(ev(fwd, 'ctorigsrcport', '80'), 'no');
  assert.equal(ev(reply, 'ctorigdstport', '8080'), 'yes', 'the reply belongs to the same connection');
  assert.match(ev(fwd, 'ctorigdstport', 'nonsense-port'), /not a port/);
});

test('--ctrepl*: the reply tuple (after DNAT the answer comes from the container), from either direction', () => {
  for (const p of [fwd, reply]) {
    assert.equal(ev(p, 'ctreplsrc', '172.17.0.2'), 'yes');
    assert.equal(ev(p, 'ctreplsrc', '192.168.33.2'), 'no');
    assert.equal(ev(p, 'ctrepldst', '203.0.113.10'), 'yes');
    assert.equal(ev(p, 'ctrepldst', '172.17.0.2'), 'no');
    assert.equal(ev(p, 'ctreplsrcport', '80'), 'yes');
    assert.equal(ev(p, 'ctreplsrcport', '8080'), 'no');
    assert.equal(ev(p, 'ctrepldstport', '40000'), 'yes');
    assert.equal(ev(p, 'ctrepldstport', '80'), 'no');
  }
});

test('--ctdir, --ctproto, --ctstatus; an option that needs live data says so', () => {
  assert.equal(ev(fwd, 'ctdir', 'ORIGINAL'), 'yes');
  assert.equal(ev(fwd, 'ctdir', 'reply'), 'no');
  assert.equal(ev(reply, 'ctdir', 'REPLY'), 'yes');
  assert.equal(ev(fwd, 'ctproto', 'tcp'), 'yes');
  assert.equal(ev(fwd, 'ctproto', '6'), 'yes', 'by number');
  assert.equal(ev(fwd, 'ctproto', 'udp'), 'no');
  // the kernel confirms a connection only when its first packet leaves: in FORWARD a (DNATed) first packet is not
  assert.equal(ev(fwd, 'ctstatus', 'CONFIRMED'), 'no');
  assert.equal(ev(plain, 'ctstatus', 'CONFIRMED'), 'no');
  // NONE adds no bit to the mask (mask & status != 0): it never matches, negated it always does (kernel, case 65)
  assert.equal(ev(fwd, 'ctstatus', 'NONE'), 'no');
  assert.equal(ev(plain, 'ctstatus', 'ASSURED'), 'no');
  assert.equal(ev(reply, 'ctstatus', 'seen_reply'), 'yes');
  // the first answer is SEEN_REPLY and CONFIRMED; ASSURED waits for the handshake's end (kernel-differential seed 7)
  assert.equal(ev(reply, 'ctstatus', 'ASSURED'), 'no');
  assert.equal(ev(reply, 'ctstatus', 'SEEN_REPLY,EXPECTED'), 'yes');
  assert.equal(ev(reply, 'ctstatus', 'EXPECTED'), 'no');
  assert.equal(ev(fwd, 'ctexpire', '10:20'), "-m conntrack --ctexpire 10:20 (the connection's timeout is not known offline)");
});

test('hover words for the options a user reads most', () => {
  assert.equal(conntrackHover(opt('ctstate', 'RELATED,ESTABLISHED')), 'in connection state RELATED or ESTABLISHED');
  assert.equal(conntrackHover(opt('ctstate', 'NEW', true)), 'not in connection state NEW');
  assert.match(conntrackHover(opt('ctorigdstport', '8080')) ?? '', /^to original destination .*8080.* \(before DNAT\)$/);
  assert.match(conntrackHover(opt('ctorigsrcport', '40000')) ?? '', /^from original source .*40000/);
  assert.equal(conntrackHover(opt('ctorigdst', '192.168.33.2')), 'originally addressed to 192.168.33.2 (before DNAT)');
  assert.equal(conntrackHover(opt('ctorigsrc', '203.0.113.0/24', true)), 'not originally from 203.0.113.0/24');
  assert.equal(conntrackHover(opt('ctdir', 'ORIGINAL')), 'in the original direction of the connection');
  assert.equal(conntrackHover(opt('ctexpire', '1')), undefined);
});
