/** -m sctp (libxt_sctp.c): ports (sctp service names) and --chunk-types. -nvL: "sctp spt:a dpt:b". */
import { o } from './types';
import { portModule } from './l4';

export const sctp = portModule('sctp', 'sctp', [o('chunk-types', 2)]);
