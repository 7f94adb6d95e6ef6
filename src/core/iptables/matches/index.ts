/**
 * The registry of match modules: one file per module in this folder (its options, -nvL text, evaluation and
 * hover). The parser's spec table (../spec.ts), the listing parser (../parseList.ts), the tracer's evaluator
 * (src/core/trace/netfilter.ts) and hovers (src/core/lint/hover.ts) read it. To add a module: one file, one
 * line below.
 */
import type { MatchModule } from './types';
import { addrtype } from './addrtype';
import { addrtype6 } from './addrtype6';
import { ah } from './ah';
import { bpf } from './bpf';
import { cgroup } from './cgroup';
import { comment } from './comment';
import { connbytes } from './connbytes';
import { connlimit } from './connlimit';
import { connmark } from './connmark';
import { conntrack } from './conntrack';
import { dccp } from './dccp';
import { devgroup } from './devgroup';
import { dscp } from './dscp';
import { geoip } from './geoip';
import { esp } from './esp';
import { hashlimit } from './hashlimit';
import { helper } from './helper';
import { icmp } from './icmp';
import { iprange } from './iprange';
import { ipvs } from './ipvs';
import { length } from './length';
import { limit } from './limit';
import { mac } from './mac';
import { mark } from './mark';
import { multiport } from './multiport';
import { owner } from './owner';
import { physdev } from './physdev';
import { pkttype } from './pkttype';
import { policy } from './policy';
import { realm } from './realm';
import { recent } from './recent';
import { rpfilter } from './rpfilter';
import { sctp } from './sctp';
import { set } from './set';
import { socket } from './socket';
import { state } from './state';
import { statistic } from './statistic';
import { string } from './string';
import { tcp } from './tcp';
import { tcpmss } from './tcpmss';
import { time } from './time';
import { tos } from './tos';
import { ttl } from './ttl';
import { u32 } from './u32';
import { udp } from './udp';
import { udplite } from './udplite';

export const MATCH_MODULES: readonly MatchModule[] = [
  tcp, udp, udplite, sctp, dccp, icmp, esp, ah, conntrack, state, addrtype, ipvs, mark, connmark, multiport, comment,
  physdev, set, policy, iprange, mac, limit, hashlimit, connlimit, recent, string, length, pkttype, owner, tos, dscp,
  ttl, socket, rpfilter, devgroup, statistic, u32, bpf, cgroup, helper, realm, time, tcpmss, connbytes, addrtype6, geoip,
];

const BY_NAME = new Map(MATCH_MODULES.map((m) => [m.name, m]));

/** The module of `-m <name>` (case-insensitive, as iptables lower-cases nothing but users type "-m Conntrack" rarely). */
export function matchModule(name: string): MatchModule | undefined {
  return BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase());
}

/** -nvL words → the modules whose text starts with them, in registry order (several may claim a word). */
export const LIST_WORDS: ReadonlyMap<string, readonly MatchModule[]> = (() => {
  const m = new Map<string, MatchModule[]>();
  for (const mod of MATCH_MODULES) for (const w of mod.list?.words ?? []) m.set(w, [...(m.get(w) ?? []), mod]);
  return m;
})();

export type { MatchModule, MatchEnv, MatchResult, IpSet, IpSetEntry, IpSetLike, OptionSpec, ArgKind, ListReader, ListToken } from './types';
export type { MatchPacket, Conntrack, CtState, IpvsInfo } from './packet';
