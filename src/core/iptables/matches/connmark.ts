/** -m connmark (libxt_connmark.c): the connection's mark. -nvL: "connmark match 0x1". Not known offline. */
import type { MatchModule } from './types';
import { o } from './types';
import { arg, not } from './util';
import { readMarkList } from './mark';

export const connmark: MatchModule = {
  name: 'connmark',
  options: [o('mark', 1, 'mark')],
  summary: "the connection's mark (conntrack)",
  list: { words: ['connmark'], read: (r, t, neg) => readMarkList('connmark', r, t, neg) },
  evalOption: (opt) => `-m connmark --mark ${arg(opt)} (the connection's mark is not in the dumps)`,
  hover: (opt) => `${not(opt)}whose connection has mark ${arg(opt)}`,
};
