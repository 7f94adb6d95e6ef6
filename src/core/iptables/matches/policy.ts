/**
 * -m policy (libxt_policy.c): whether the packet was (--dir in) or will be (--dir out) IPsec-processed.
 * -nvL: "policy match dir in pol ipsec [0] reqid 1 spi 0x… proto esp mode tunnel strict".
 */
import type { MatchModule } from './types';
import { o } from './types';
import { own } from './util';
import { PROTOCOL_NUMBERS } from '../../net';

const KEYS = new Set(['dir', 'pol', 'reqid', 'spi', 'proto', 'mode', 'tunnel-src', 'tunnel-dst']);

export const policy: MatchModule = {
  name: 'policy',
  options: [o('dir', 1), o('pol', 1), o('strict', 0), o('reqid', 1), o('spi', 1), o('proto', 1), o('mode', 1), o('tunnel-src', 1, 'addr'), o('tunnel-dst', 1, 'addr'), o('next', 0)],
  summary: 'IPsec policy the packet was or will be processed by',
  list: {
    words: ['policy'],
    read(r, t) {
      if (r.peek(1)?.text !== 'match') return false;
      const m = r.match('policy', t, false);
      r.advance(2);
      for (;;) {
        const p = r.peek();
        const k = r.peek(1);
        const v = r.peek(2);
        if (!p) break;
        if (/^\[\d+\]$/.test(p.text)) {
          if (p.text !== '[0]') r.add(m, 'next', [], false, p, p);
          r.advance(1);
        } else if (p.text === 'strict') {
          r.add(m, 'strict', [], false, p, p);
          r.advance(1);
        } else if (KEYS.has(p.text) && k) {
          r.add(m, p.text, [p.text === 'proto' ? own(PROTOCOL_NUMBERS, k.text) ?? k.text : k.text], false, p, k);
          r.advance(2);
        } else if (p.text === '!' && k && KEYS.has(k.text) && v) {
          r.add(m, k.text, [k.text === 'proto' ? own(PROTOCOL_NUMBERS, v.text) ?? v.text : v.text], true, p, v);
          r.advance(3);
        } else break;
      }
      return true;
    },
  },
  evalMatch(m, p) {
    let dir = '';
    let pol = '';
    const other: string[] = [];
    for (const x of m.options) {
      if (x.name === 'dir') dir = (x.args[0] ?? '').toLowerCase();
      else if (x.name === 'pol') pol = (x.args[0] ?? '').toLowerCase();
      else other.push(x.name);
    }
    const ipsec = dir === 'in' ? p.ipsecIn === true : dir === 'out' ? p.ipsecOut === true : undefined;
    if (ipsec === undefined) return 'policy: policy without --dir';
    if (pol === 'none') return ipsec ? 'no' : 'yes';
    if (pol === 'ipsec') {
      if (!ipsec) return 'no';
      return other.length > 0 ? `policy: policy --${other.join(' --')} (IPsec SA details unknown)` : 'yes';
    }
    return `policy: policy --pol ${pol}`;
  },
  hover(opt) {
    if (opt.name === 'pol') return opt.args[0] === 'none' ? 'that did not go through IPsec' : 'that went through IPsec';
    return opt.name === 'dir' ? '' : undefined;
  },
};
