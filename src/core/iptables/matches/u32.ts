/** -m u32 (libxt_u32.c): bytes of the packet. Not decided offline: the bytes of the packet are not traced. */
import type { MatchModule } from './types';
import { o } from './types';

export const u32: MatchModule = {
  name: 'u32',
  options: [o('u32', 1)],
  summary: "bytes of the packet",
  evalOption: (opt) => `-m u32 --${opt.name} (the bytes of the packet are not traced)`,
};
