/** -m connlimit (libxt_connlimit.c): the number of connections per address or network. Not decided offline: the connection count is not in the dumps. */
import type { MatchModule } from './types';
import { o } from './types';

export const connlimit: MatchModule = {
  name: 'connlimit',
  options: [o('connlimit-upto', 1, 'int'), o('connlimit-above', 1, 'int'), o('connlimit-mask', 1, 'int'), o('connlimit-saddr', 0), o('connlimit-daddr', 0)],
  summary: "the number of connections per address or network",
  evalOption: (opt) => `-m connlimit --${opt.name} (the connection count is not in the dumps)`,
};
