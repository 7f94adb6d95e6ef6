/** -m socket (libxt_socket.c): a local socket for the packet. Not decided offline: local sockets are not in the dumps. */
import type { MatchModule } from './types';
import { o } from './types';

export const socket: MatchModule = {
  name: 'socket',
  options: [o('transparent', 0), o('nowildcard', 0), o('restore-skmark', 0)],
  summary: "a local socket for the packet",
  evalOption: (opt) => `-m socket --${opt.name} (local sockets are not in the dumps)`,
};
