/** -m mac (libxt_mac.c): the source MAC address. -nvL: "MAC 02:42:ac:11:00:02" ("MAC ! …"). */
import type { MatchModule } from './types';
import { o } from './types';
import { arg, not } from './util';

export const mac: MatchModule = {
  name: 'mac',
  options: [o('mac-source', 1)],
  needs: ['mac-source'],
  summary: 'the source MAC address',
  list: {
    words: ['MAC'],
    read(r, t, neg) {
      const nv = r.negatedValue(1, neg);
      if (!nv) return false;
      r.add(r.match('mac', t, false), 'mac-source', [nv.v.text], nv.ng, t, nv.v);
      r.advance(nv.adv);
      return true;
    },
  },
  evalOption: (opt) => `-m mac --mac-source ${arg(opt)} (the sender's MAC address is not traced)`,
  hover: (opt) => `${not(opt)}from MAC ${arg(opt)}`,
};
