/** -m iprange (libxt_iprange.c): an address range a-b. -nvL: "source IP range a-b" / "destination IP range ! a-b". */
import type { MatchModule } from './types';
import { o } from './types';
import { arg, not, yes } from './util';
import { iptablesIpv4, parseIpv4 } from '../../net';

export const iprange: MatchModule = {
  name: 'iprange',
  options: [o('src-range', 1, 'addrrange'), o('dst-range', 1, 'addrrange')],
  needs: ['src-range', 'dst-range'],
  summary: 'an address range',
  list: {
    words: ['source', 'destination'],
    read(r, t, neg) {
      if (r.peek(1)?.text !== 'IP' || r.peek(2)?.text !== 'range' || !r.peek(3)) return false;
      const nv = r.negatedValue(3, neg);
      if (!nv) return false;
      r.add(r.match('iprange', t, true), t.text === 'source' ? 'src-range' : 'dst-range', [nv.v.text], nv.ng, t, nv.v);
      r.advance(nv.adv);
      return true;
    },
  },
  evalOption(opt, p) {
    const ip = opt.name === 'src-range' ? p.src : p.dst;
    const [lo, hi] = arg(opt).split('-');
    const n = parseIpv4(ip);
    const l = iptablesIpv4(lo ?? '');
    const h = iptablesIpv4(hi ?? lo ?? '');
    if (n === undefined || l === undefined || h === undefined) return `iprange ${arg(opt)}`;
    return yes(n >= l && n <= h);
  },
  hover: (opt) => `${not(opt)}${opt.name === 'src-range' ? 'from' : 'to'} ${arg(opt)}`,
};
