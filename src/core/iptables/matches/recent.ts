/** -m recent (libxt_recent.c): addresses seen recently (a dynamic list). Not decided offline: the contents of the recent list are not in the dumps. */
import type { MatchModule } from './types';
import { o } from './types';

export const recent: MatchModule = {
  name: 'recent',
  options: [o('name', 1), o('set', 0), o('rcheck', 0), o('update', 0), o('remove', 0), o('seconds', 1, 'int'), o('reap', 0), o('hitcount', 1, 'int'), o('rttl', 0), o('rsource', 0), o('rdest', 0), o('mask', 1)],
  summary: "addresses seen recently (a dynamic list)",
  evalOption: (opt) => `-m recent --${opt.name} (the contents of the recent list are not in the dumps)`,
};
