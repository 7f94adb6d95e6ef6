/** -m tos (libxt_tos.c): the IP TOS field. Not decided offline: the TOS field is not traced. */
import type { MatchModule } from './types';
import { o } from './types';

export const tos: MatchModule = {
  name: 'tos',
  options: [o('tos', 1)],
  summary: "the IP TOS field",
  evalOption: (opt) => `-m tos --${opt.name} (the TOS field is not traced)`,
};
