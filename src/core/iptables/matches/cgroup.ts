/** -m cgroup (libxt_cgroup.c): the local socket's cgroup. Not decided offline: cgroups are not traced. */
import type { MatchModule } from './types';
import { o } from './types';

export const cgroup: MatchModule = {
  name: 'cgroup',
  options: [o('path', 1), o('cgroup', 1)],
  summary: "the local socket's cgroup",
  evalOption: (opt) => `-m cgroup --${opt.name} (cgroups are not traced)`,
};
