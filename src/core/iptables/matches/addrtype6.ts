/** -m addrtype6 (libxt_addrtype6.c): ip6tables address types (no options in IPv4). Not decided offline: IPv6 address types are not traced. */
import type { MatchModule } from './types';

export const addrtype6: MatchModule = {
  name: 'addrtype6',
  options: [],
  summary: "ip6tables address types (no options in IPv4)",
  evalOption: (opt) => `-m addrtype6 --${opt.name} (IPv6 address types are not traced)`,
};
