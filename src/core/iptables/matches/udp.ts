/** -m udp (libxt_udp.c): --sport/--dport. -nvL: "udp spt:a dpt:b". */
import { portModule } from './l4';

export const udp = portModule('udp', 'udp');
