/** The one place the tracer meets the shared iptables parser (src/core/iptables/parse.ts). */
import type { Ruleset } from '../iptables/model';
import type { RuleDump } from './types';

export function parseDump(dump: RuleDump): Ruleset {
  void dump;
  throw new Error('iptables parser (src/core/iptables/parse.ts) not available yet');
}
