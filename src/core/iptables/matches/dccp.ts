/** -m dccp (libxt_dccp.c): --sport/--dport. -nvL: "dccp spt:a dpt:b". */
import { portModule } from './l4';

export const dccp = portModule('dccp', 'dccp');
