/**
 * -m dccp (libxt_dccp.c): --sport/--dport, --dccp-types, --dccp-option. -nvL: "dccp spt:a dpt:b", the types
 * numerically ("0,1", "!0,1"), read back as the names -S prints (REQUEST,RESPONSE), the option as "option=!3"; INVALID
 * as "10,11,12,13,14,15".
 */
import { o } from './types';
import { portModule } from './l4';

/** DCCP packet type numbers → the names iptables uses (libxt_dccp.c dccp_pkt_types). */
const TYPE_NAMES = ['REQUEST', 'RESPONSE', 'DATA', 'ACK', 'DATAACK', 'CLOSEREQ', 'CLOSE', 'RESET', 'SYNC', 'SYNCACK', 'INVALID'];

/** "0,1" → "REQUEST,RESPONSE"; INVALID is printed as the types it stands for, "10,11,12,13,14,15". */
function typeNames(list: string): string {
  const nums = list.split(',');
  const invalid = ['10', '11', '12', '13', '14', '15'].every((n) => nums.includes(n));
  const rest = invalid ? nums.filter((n) => Number(n) < 10 || Number(n) > 15) : nums;
  return [...rest.map((n) => TYPE_NAMES[Number(n)] ?? n), ...(invalid ? ['INVALID'] : [])].join(',');
}

export const dccp = portModule('dccp', 'dccp', [o('dccp-types', 1), o('dccp-option', 1, 'int')], (r, t) => (_key, _raw, p) => {
  const m = r.match('dccp', t, true);
  const opt = /^option=(!?)(\d+)$/.exec(p.text);
  const types = /^(!?)(\d+(?:,\d+)*)$/.exec(p.text);
  if (opt) r.add(m, 'dccp-option', [opt[2]], opt[1] === '!', p, p);
  else if (types) r.add(m, 'dccp-types', [typeNames(types[2])], types[1] === '!', p, p);
  else return false;
  r.advance(1);
  return true;
});
