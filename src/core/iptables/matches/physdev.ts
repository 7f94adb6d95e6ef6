/** -m physdev (libxt_physdev.c): bridge ports of a bridged packet (br_netfilter). -nvL: "PHYSDEV match --physdev-in veth1". */
import type { MatchModule } from './types';
import { o } from './types';
import { arg, ifaceMatches, not, yes } from './util';

export const physdev: MatchModule = {
  name: 'physdev',
  options: [o('physdev-in', 1), o('physdev-out', 1), o('physdev-is-in', 0), o('physdev-is-out', 0), o('physdev-is-bridged', 0)],
  needs: '*',
  summary: 'bridge ports of a bridged packet',
  list: {
    words: ['PHYSDEV'],
    read(r, t) {
      if (r.peek(1)?.text !== 'match') return false;
      const m = r.match('physdev', t, false);
      r.advance(2);
      for (;;) {
        let p = r.peek();
        if (!p) break;
        let ng = false;
        let adv = 0;
        if (p.text === '!' && r.peek(1)?.text.startsWith('--physdev')) {
          ng = true;
          adv = 1;
          p = r.peek(1) as NonNullable<typeof p>;
        }
        if (p.text === '--physdev-in' || p.text === '--physdev-out') {
          const v = r.peek(adv + 1);
          if (!v) break;
          r.add(m, p.text.slice(2), [v.text], ng, p, v);
          r.advance(adv + 2);
        } else if (p.text === '--physdev-is-in' || p.text === '--physdev-is-out' || p.text === '--physdev-is-bridged') {
          r.add(m, p.text.slice(2), [], ng, p, p);
          r.advance(adv + 1);
        } else break;
      }
      return true;
    },
  },
  evalOption(opt, p) {
    const pd = p.physdev;
    switch (opt.name) {
      case 'physdev-is-bridged':
        return yes(pd?.bridged === true);
      case 'physdev-in':
        return yes(pd?.in !== undefined && ifaceMatches(arg(opt), pd.in));
      case 'physdev-out':
        return yes(pd?.out !== undefined && ifaceMatches(arg(opt), pd.out));
      case 'physdev-is-in':
        return yes(pd?.in !== undefined);
      default:
        return yes(pd?.out !== undefined);
    }
  },
  hover(opt) {
    if (opt.name === 'physdev-in') return `${not(opt)}entering the bridge from port ${arg(opt)}`;
    if (opt.name === 'physdev-out') return `${not(opt)}leaving the bridge through port ${arg(opt)}`;
    return undefined;
  },
};
