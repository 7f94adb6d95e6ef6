/** -m devgroup (libxt_devgroup.c): interface groups. Not decided offline: interface groups are not in the dumps. */
import type { MatchModule } from './types';
import { o } from './types';

export const devgroup: MatchModule = {
  name: 'devgroup',
  options: [o('src-group', 1), o('dst-group', 1)],
  summary: "interface groups",
  evalOption: (opt) => `-m devgroup --${opt.name} (interface groups are not in the dumps)`,
};
