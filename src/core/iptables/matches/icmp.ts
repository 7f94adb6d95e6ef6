/**
 * -m icmp (libxt_icmp.c): --icmp-type name | type[/code]. -nvL: "icmptype 8" or "icmptype 3 code 3"; older
 * listings print "icmp echo-request". The packet's type defaults to echo-request (reply: echo-reply).
 */
import type { RuleMatch } from '../model';
import type { ListReader, ListToken, MatchModule } from './types';
import { o } from './types';
import type { MatchPacket } from './packet';
import { arg, not, yes } from './util';

/** iptables' ICMP type names (`iptables -p icmp -h`): name → [type, code or -1 for any code]. */
const NAMES: Record<string, [number, number]> = {
  any: [-1, -1], 'echo-reply': [0, -1], pong: [0, -1], 'destination-unreachable': [3, -1], 'network-unreachable': [3, 0],
  'host-unreachable': [3, 1], 'protocol-unreachable': [3, 2], 'port-unreachable': [3, 3], 'fragmentation-needed': [3, 4],
  'source-route-failed': [3, 5], 'network-unknown': [3, 6], 'host-unknown': [3, 7], 'network-prohibited': [3, 9],
  'host-prohibited': [3, 10], 'TOS-network-unreachable': [3, 11], 'TOS-host-unreachable': [3, 12],
  'communication-prohibited': [3, 13], 'host-precedence-violation': [3, 14], 'precedence-cutoff': [3, 15],
  'source-quench': [4, -1], redirect: [5, -1], 'network-redirect': [5, 0], 'host-redirect': [5, 1],
  'TOS-network-redirect': [5, 2], 'TOS-host-redirect': [5, 3], 'echo-request': [8, -1], ping: [8, -1],
  'router-advertisement': [9, -1], 'router-solicitation': [10, -1], 'time-exceeded': [11, -1], 'ttl-exceeded': [11, -1],
  'ttl-zero-during-transit': [11, 0], 'ttl-zero-during-reassembly': [11, 1], 'parameter-problem': [12, -1],
  'ip-header-bad': [12, 0], 'required-option-missing': [12, 1], 'timestamp-request': [13, -1], 'timestamp-reply': [14, -1],
  'address-mask-request': [17, -1], 'address-mask-reply': [18, -1],
};

/** The [type, code] of an --icmp-type value (code -1 = any); undefined when iptables would refuse it. */
export function icmpType(v: string): [number, number] | undefined {
  const named = Object.prototype.hasOwnProperty.call(NAMES, v) ? NAMES[v] : undefined;
  if (named) return named;
  const m = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(v);
  if (!m || Number(m[1]) > 255 || Number(m[2] ?? 0) > 255) return undefined;
  // type 255 is "any" in the kernel (xt icmp_type_code_match: test_type 0xFF matches every type and code);
  // -nvL prints --icmp-type any as "icmptype 255"
  if (Number(m[1]) === 255) return NAMES.any;
  return [Number(m[1]), m[2] === undefined ? -1 : Number(m[2])];
}

export function icmpOf(p: MatchPacket): { type: number; code: number } {
  return p.icmp ?? (p.ct.dir === 'REPLY' ? { type: 0, code: 0 } : { type: 8, code: 0 });
}

/** "<word> N [code C]" at the cursor (the word: icmptype, !icmptype, type, !type) as --icmp-type N[/C]. */
function readType(r: ListReader, m: RuleMatch, w: ListToken, negated: boolean): true {
  const v = r.peek(1) as ListToken;
  let a = v.text;
  let end = v;
  r.advance(2);
  const code = r.peek(1);
  if (r.peek()?.text === 'code' && code) {
    a += `/${code.text}`;
    end = code;
    r.advance(2);
  }
  r.add(m, 'icmp-type', [a], negated, w, end);
  return true;
}

export const icmp: MatchModule = {
  name: 'icmp',
  protocol: true,
  options: [o('icmp-type', 1)],
  summary: 'ICMP type and code (loaded by -p icmp)',
  list: {
    words: ['icmptype', '!icmptype', 'icmp'],
    read(r, t, neg) {
      const m = r.match('icmp', t, false);
      if (t.text === 'icmp') {
        r.advance(1);
        const v = r.peek();
        // iptables 1.8.9 prints a negated type as "icmp !type 0" (kernel capture, test/fixtures/trace/matches2-*)
        if ((v?.text === '!type' || v?.text === 'type') && r.peek(1)) return readType(r, m, v, v.text.startsWith('!'));
        if (v && /^!?[a-z][a-z-]*$/.test(v.text) && Object.prototype.hasOwnProperty.call(NAMES, v.text.replace(/^!/, ''))) {
          r.add(m, 'icmp-type', [v.text.replace(/^!/, '')], v.text.startsWith('!'), v, v);
          r.advance(1);
        }
        return true;
      }
      if (!r.peek(1)) return false;
      return readType(r, m, t, neg || t.text.startsWith('!'));
    },
  },
  evalOption(opt, p) {
    const want = icmpType(arg(opt));
    if (!want) return `-m icmp --icmp-type ${arg(opt)} (unknown ICMP type)`;
    const { type, code } = icmpOf(p);
    return yes(want[0] === -1 || (want[0] === type && (want[1] === -1 || want[1] === code)));
  },
  hover: (opt) => `${not(opt)}of ICMP type ${arg(opt)}`,
};
