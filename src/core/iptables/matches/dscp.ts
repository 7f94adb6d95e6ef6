/** -m dscp (libxt_dscp.c): the IP DSCP field. Not decided offline: the DSCP field is not traced. */
import type { MatchModule } from './types';
import { o } from './types';

export const dscp: MatchModule = {
  name: 'dscp',
  options: [o('dscp', 1), o('dscp-class', 1)],
  summary: "the IP DSCP field",
  evalOption: (opt) => `-m dscp --${opt.name} (the DSCP field is not traced)`,
};
