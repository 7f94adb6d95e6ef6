/** -m ttl (libxt_ttl.c): the IP TTL. Not decided offline: the TTL is not traced. */
import type { MatchModule } from './types';
import { o } from './types';

export const ttl: MatchModule = {
  name: 'ttl',
  options: [o('ttl-eq', 1, 'int'), o('ttl-lt', 1, 'int'), o('ttl-gt', 1, 'int')],
  summary: "the IP TTL",
  evalOption: (opt) => `-m ttl --${opt.name} (the TTL is not traced)`,
};
