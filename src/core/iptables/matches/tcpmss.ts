/** -m tcpmss (libxt_tcpmss.c): the TCP MSS option of SYN packets. Not decided offline: TCP options are not traced. */
import type { MatchModule } from './types';
import { o } from './types';

export const tcpmss: MatchModule = {
  name: 'tcpmss',
  options: [o('mss', 1)],
  summary: "the TCP MSS option of SYN packets",
  evalOption: (opt) => `-m tcpmss --${opt.name} (TCP options are not traced)`,
};
