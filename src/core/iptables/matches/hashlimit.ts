/** -m hashlimit (libxt_hashlimit.c): per-flow rate limits. Not decided offline: the rates of other flows are not in the dumps. */
import type { MatchModule } from './types';
import { o } from './types';

export const hashlimit: MatchModule = {
  name: 'hashlimit',
  options: [o('hashlimit-upto', 1), o('hashlimit-above', 1), o('hashlimit-burst', 1), o('hashlimit-mode', 1), o('hashlimit-srcmask', 1, 'int'), o('hashlimit-dstmask', 1, 'int'), o('hashlimit-name', 1), o('hashlimit-htable-size', 1, 'int'), o('hashlimit-htable-max', 1, 'int'), o('hashlimit-htable-expire', 1, 'int'), o('hashlimit-htable-gcinterval', 1, 'int'), o('hashlimit', 1)],
  summary: "per-flow rate limits",
  evalOption: (opt) => `-m hashlimit --${opt.name} (the rates of other flows are not in the dumps)`,
};
