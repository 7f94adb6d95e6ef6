/** -m helper (libxt_helper.c): the connection's conntrack helper. Not decided offline: conntrack helpers are not traced. */
import type { MatchModule } from './types';
import { o } from './types';

export const helper: MatchModule = {
  name: 'helper',
  options: [o('helper', 1)],
  summary: "the connection's conntrack helper",
  evalOption: (opt) => `-m helper --${opt.name} (conntrack helpers are not traced)`,
};
