/** -m realm (libxt_realm.c): the routing realm. Not decided offline: routing realms are not traced. */
import type { MatchModule } from './types';
import { o } from './types';

export const realm: MatchModule = {
  name: 'realm',
  options: [o('realm', 1)],
  summary: "the routing realm",
  evalOption: (opt) => `-m realm --${opt.name} (routing realms are not traced)`,
};
