/** -m state (libxt_state.c, an alias of conntrack --ctstate in the kernel). -nvL: "state RELATED,ESTABLISHED". */
import type { MatchModule } from './types';
import { o } from './types';
import { conntrackHover, evalConntrack } from './conntrack';

export const state: MatchModule = {
  name: 'state',
  options: [o('state', 1, 'state')],
  needs: ['state'],
  summary: 'connection tracking state',
  list: { words: ['state'], read: (r, t, neg) => r.peek(1) !== undefined && r.keywordValue(r.match('state', t, false), 'state', t, neg) },
  evalOption: evalConntrack,
  hover: conntrackHover,
};
