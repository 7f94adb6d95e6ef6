/** -m connbytes (libxt_connbytes.c): bytes or packets the connection has carried. Not decided offline: connection counters are not in the dumps. */
import type { MatchModule } from './types';
import { o } from './types';

export const connbytes: MatchModule = {
  name: 'connbytes',
  options: [o('connbytes', 1), o('connbytes-dir', 1), o('connbytes-mode', 1)],
  summary: "bytes or packets the connection has carried",
  evalOption: (opt) => `-m connbytes --${opt.name} (connection counters are not in the dumps)`,
};
