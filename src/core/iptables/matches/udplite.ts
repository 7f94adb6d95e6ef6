/** -m udplite (libxt_udplite.c): --sport/--dport. -nvL: "udplite spt:a dpt:b". */
import { portModule } from './l4';

export const udplite = portModule('udplite', 'udp');
