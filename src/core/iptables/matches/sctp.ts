/**
 * -m sctp (libxt_sctp.c): ports (sctp service names) and --chunk-types. -nvL: "sctp spt:a dpt:b", the chunk types
 * numerically ("any 0x0000,0x0001", "only 0x0001"), read back as the names -S prints (DATA,INIT).
 */
import { o } from './types';
import { portModule } from './l4';

/** SCTP chunk type numbers → the names iptables uses (libxt_sctp.c sctp_chunk_names). */
const CHUNK_NAMES: Record<number, string> = {
  0: 'DATA', 1: 'INIT', 2: 'INIT_ACK', 3: 'SACK', 4: 'HEARTBEAT', 5: 'HEARTBEAT_ACK', 6: 'ABORT', 7: 'SHUTDOWN', 8: 'SHUTDOWN_ACK', 9: 'ERROR',
  10: 'COOKIE_ECHO', 11: 'COOKIE_ACK', 12: 'ECN_ECNE', 13: 'ECN_CWR', 14: 'SHUTDOWN_COMPLETE', 64: 'I_DATA', 128: 'ASCONF_ACK', 130: 'RE_CONFIG',
  132: 'PAD', 192: 'FORWARD_TSN', 193: 'ASCONF', 194: 'I_FORWARD_TSN',
};

/** "0x0000,0x0001" → "DATA,INIT" (a number without a name, or chunk flags after ":", kept as printed). */
function chunkNames(list: string): string {
  return list.split(',').map((c) => (/^0x[0-9a-f]{1,4}$/i.test(c) ? CHUNK_NAMES[parseInt(c, 16)] ?? c : c)).join(',');
}

export const sctp = portModule('sctp', 'sctp', [o('chunk-types', 2)], (r, t) => (key, _raw, p) => {
  const list = r.peek(1);
  if (!(key === 'any' || key === 'all' || key === 'only') || !list) return false;
  r.add(r.match('sctp', t, true), 'chunk-types', [key, chunkNames(list.text)], false, p, list);
  r.advance(2);
  return true;
});
