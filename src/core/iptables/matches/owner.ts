/** -m owner (libxt_owner.c): the local socket's owner (OUTPUT/POSTROUTING). Not decided offline: the sending process is not traced. */
import type { MatchModule } from './types';
import { o } from './types';

export const owner: MatchModule = {
  name: 'owner',
  options: [o('uid-owner', 1), o('gid-owner', 1), o('socket-exists', 0), o('suppl-groups', 0)],
  needs: ['uid-owner', 'gid-owner', 'socket-exists'],
  summary: "the local socket's owner (OUTPUT/POSTROUTING)",
  evalOption: (opt) => `-m owner --${opt.name} (the sending process is not traced)`,
};
