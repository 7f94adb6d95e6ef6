/** -m pkttype (libxt_pkttype.c): link-layer packet type (unicast, broadcast, multicast). -nvL: "PKTTYPE = broadcast". */
import type { MatchModule } from './types';
import { o } from './types';
import { addrTypes, arg, not, yes } from './util';

export const pkttype: MatchModule = {
  name: 'pkttype',
  options: [o('pkt-type', 1)],
  summary: 'link-layer packet type',
  list: {
    words: ['PKTTYPE'],
    read(r, t, neg) {
      const v = r.peek(2);
      const op = r.peek(1)?.text;
      // "PKTTYPE = broadcast", negated "PKTTYPE != multicast" (kernel capture, test/fixtures/trace/matches2-*)
      if ((op !== '=' && op !== '!=') || !v) return false;
      r.add(r.match('pkttype', t, false), 'pkt-type', [v.text], neg || op === '!=', t, v);
      r.advance(3);
      return true;
    },
  },
  evalOption(opt, p, env) {
    const types = addrTypes(p.dst, env);
    const actual = types.has('BROADCAST') ? 'broadcast' : types.has('MULTICAST') ? 'multicast' : 'unicast';
    return yes(arg(opt).toLowerCase() === actual);
  },
  hover: (opt) => `${not(opt)}sent as ${arg(opt)}`,
};
