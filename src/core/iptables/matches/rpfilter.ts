/** -m rpfilter (libxt_rpfilter.c): reverse-path filtering. Not decided offline: the reverse route lookup is not traced. */
import type { MatchModule } from './types';
import { o } from './types';

export const rpfilter: MatchModule = {
  name: 'rpfilter',
  options: [o('loose', 0), o('validmark', 0), o('accept-local', 0), o('invert', 0)],
  summary: "reverse-path filtering",
  evalOption: (opt) => `-m rpfilter --${opt.name} (the reverse route lookup is not traced)`,
};
