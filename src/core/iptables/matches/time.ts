/** -m time (libxt_time.c): the time of day or date. Not decided offline: it depends on when the packet arrives. */
import type { MatchModule } from './types';
import { o } from './types';

export const time: MatchModule = {
  name: 'time',
  options: [o('datestart', 1), o('datestop', 1), o('timestart', 1), o('timestop', 1), o('monthdays', 1), o('weekdays', 1), o('kerneltz', 0), o('contiguous', 0)],
  summary: "the time of day or date",
  evalOption: (opt) => `-m time --${opt.name} (it depends on when the packet arrives)`,
};
