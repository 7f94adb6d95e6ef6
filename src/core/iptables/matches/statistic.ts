/** -m statistic (libxt_statistic.c): a random or every-nth sample. Not decided offline: sampling depends on other packets. */
import type { MatchModule } from './types';
import { o } from './types';

export const statistic: MatchModule = {
  name: 'statistic',
  options: [o('mode', 1), o('probability', 1), o('every', 1, 'int'), o('packet', 1, 'int')],
  summary: "a random or every-nth sample",
  evalOption: (opt) => `-m statistic --${opt.name} (sampling depends on other packets)`,
};
