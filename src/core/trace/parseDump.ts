/** The one place the tracer meets the shared iptables parser (src/core/iptables/parse.ts). */
import type { Ruleset } from '../iptables/model';
import { parseDumpText } from '../iptables/parse';
import type { RuleDump } from './types';

/** iptables-save (tables named inside), -S / command lines (dump.table, default filter) or -nvL listings. */
export function parseDump(dump: RuleDump): Ruleset {
  return parseDumpText(dump.text, { table: dump.table });
}
