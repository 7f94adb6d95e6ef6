/** docker-user/ctorig-without-ctdir: --ctorig* on a DROP/REJECT/jump without --ctdir ORIGINAL also hits replies. */
import type { Rule, RuleMatch } from '../../iptables/model';
import type { LintRule } from '../rule';
import type { Pass } from '../pass';
import { add, isMine, replaceEdit } from '../pass';
import { isDockerBridge, protoName, type RuleFacts } from '../facts';
import { matchesNoForwardedPacket } from '../overlap';
import { remember } from '../flows';

const CTORIG = new Set(['ctorigdst', 'ctorigdstport', 'ctorigsrc', 'ctorigsrcport']);

const established = new WeakMap<Pass, Map<string, number>>();

/**
 * Index of the chain's first rule accepting/returning ESTABLISHED packets of the protocol `proto` (Infinity when
 * none): one bound to another protocol (`-p tcp … ESTABLISHED`) lets the replies of a UDP connection through to the
 * DROP (holdout 17: a DNS container's upstream queries).
 */
function firstEstablished(p: Pass, chain: string, proto: string | undefined): number {
  let m = established.get(p);
  if (!m) established.set(p, (m = new Map()));
  const key = `${chain} ${proto ?? ''}`;
  let at = m.get(key);
  if (at === undefined) {
    const rules = p.ruleset.tables.get('filter')?.chains.get(chain)?.rules ?? [];
    const covers = (r: Rule) => !r.protocol || (proto !== undefined && !r.protocol.negated && protoName(r.protocol.value) === proto);
    at = rules.findIndex((r) => (r.target?.name === 'ACCEPT' || r.target?.name === 'RETURN') && p.facts.get(r)?.established && covers(r));
    if (at < 0) at = Infinity;
    m.set(key, at);
  }
  return at;
}

/** The protocol a rule is bound to (`-p udp`), by name; undefined without one or negated. */
function protocolOf(rule: Rule): string | undefined {
  return rule.protocol && !rule.protocol.negated ? protoName(rule.protocol.value) : undefined;
}

/** `-i eth0`: only packets arriving from outside (not a Docker bridge, not negated, not a variable). */
function fromOutside(rule: Rule): boolean {
  const i = rule.inInterface;
  return !!i && !i.negated && !i.value.includes('$') && !isDockerBridge(i.value);
}

/** Per pass: the filter rules that jump to each chain. */
const jumpsCache = new WeakMap<Pass, Map<string, Rule[]>>();

function jumpsTo(p: Pass, chain: string): Rule[] {
  const byChain = remember(jumpsCache, p, () => {
    const m = new Map<string, Rule[]>();
    for (const r of p.ruleset.rules) {
      const t = r.target?.name;
      if (r.table === 'filter' && t && r.op !== 'D') m.set(t, [...(m.get(t) ?? []), r]);
    }
    return m;
  });
  return byChain.get(chain) ?? [];
}

/** Every way into the rule requires a packet arriving from outside: its own `-i eth0`, or every jump to its chain has one. */
function entersOnlyFromOutside(p: Pass, rule: Rule, depth = 0): boolean {
  if (fromOutside(rule)) return true;
  const chain = p.ruleset.tables.get('filter')?.chains.get(rule.chain);
  if (!chain || chain.builtin || rule.chain === 'DOCKER-USER' || depth > 3) return false;
  const jumps = jumpsTo(p, rule.chain);
  return jumps.length > 0 && jumps.every((j) => entersOnlyFromOutside(p, j, depth + 1));
}

/** Per pass and chain: the index of the first rule that accepts or returns some forwarded packets (Infinity when none). */
const firstExceptionCache = new WeakMap<Pass, Map<string, number>>();

function firstException(p: Pass, chain: string): number {
  return remember(remember(firstExceptionCache, p, () => new Map<string, number>()), chain, () => {
    const rules = p.ruleset.tables.get('filter')?.chains.get(chain)?.rules ?? [];
    const at = rules.findIndex((r) => (r.target?.name === 'ACCEPT' || r.target?.name === 'RETURN') && !matchesNoForwardedPacket(r) && !p.baseRules.has(r));
    return at < 0 ? Infinity : at;
  });
}

/** Conditions on the packet's source: a reply's source is the container, so these are what tells replies apart. */
function hasSourceCondition(rule: Rule): boolean {
  return !!rule.source || rule.matches.some((m) => m.options.some((o) => o.name === 'src-range' || (o.name === 'match-set' && (o.args[1] ?? '').startsWith('src'))));
}

/**
 * A DROP on `--ctorigdst <address>` (the node's published address) that no reply can reach: either only packets
 * arriving from outside get to it (the containers' replies to clients arrive from a bridge; replies to the
 * containers' own connections have the remote server as original destination), or it takes every connection to
 * that address from its first packet (no source condition, nothing accepted or returned before it in its chain),
 * so no connection it matches ever has a reply.
 */
/** The first port of Linux's default ephemeral range (net.ipv4.ip_local_port_range 32768-60999): clients' source ports. */
const EPHEMERAL = 32768;

function noReplyCanMatch(p: Pass, rule: Rule, f: RuleFacts): boolean {
  // `--dport 80` (the container's port after DNAT) beside the ctorig match: a reply goes to the client's port, which
  // is ephemeral, never below 32768 (holdout 23)
  if (f.dports.some((d) => d.o.name !== 'ctorigdstport' && !d.o.negated && d.set && d.set.every(([, hi]) => hi < EPHEMERAL))) return true;
  const named = rule.matches.some((m) => m.module === 'conntrack' && m.options.some((o) => o.name === 'ctorigdst' && !o.negated));
  if (!named) return false;
  if (entersOnlyFromOutside(p, rule)) return true;
  return !hasSourceCondition(rule) && firstException(p, rule.chain) >= (rule.index ?? 0);
}

/**
 * The conntrack match with a --ctorig* option and no --ctdir of a filter DROP/REJECT/jump that can see replies (the
 * rule the check is about), or undefined.
 */
function ctorigMatch(rule: Rule, f: RuleFacts): RuleMatch | undefined {
  if (!f.ctorig || rule.table !== 'filter' || rule.op === 'D') return undefined;
  const t = rule.target?.name ?? '';
  if (!t || t === 'ACCEPT' || t === 'RETURN' || t === 'LOG') return undefined;
  const ct = rule.matches.find((m) => m.module === 'conntrack' && m.options.some((o) => CTORIG.has(o.name)));
  // a rule that can only match a connection's first packet (`--ctstate NEW`, `--syn`) never sees a reply; one that
  // names ESTABLISHED itself (`--ctstate NEW,ESTABLISHED,RELATED -j DROP`, holdout 50) takes replies all the more
  if (!ct || ct.options.some((o) => o.name === 'ctdir') || f.firstPacketOnly) return undefined;
  return ct;
}

/**
 * The conntrack match through which this user's DROP/REJECT/jump also takes replies (what the check reports), or
 * undefined. docker-user/missing-established asks it too: a DROP reported here is not reported again there.
 */
export function repliesThroughCtorig(p: Pass, rule: Rule, f: RuleFacts): RuleMatch | undefined {
  // (replies accepted above it: the usual case, asked first)
  if ((rule.index ?? 0) > firstEstablished(p, rule.chain, protocolOf(rule)) || !isMine(p, rule)) return undefined;
  const ct = ctorigMatch(rule, f);
  return ct && !noReplyCanMatch(p, rule, f) ? ct : undefined;
}

export const ctorigWithoutCtdir: LintRule = {
  code: 'docker-user/ctorig-without-ctdir',
  severity: 'warning',
  description: '`--ctorigdst*`/`--ctorigsrc*` on a DROP/REJECT or jump without `--ctdir ORIGINAL`: it also matches the replies.',
  docs: "The conntrack entry's original tuple is the same for both directions of a connection: `-m conntrack --ctorigdstport 8080 ! -s 203.0.113.0/24 -j DROP` also drops the container's replies to the allowed clients (their source is the container). Docker's documentation adds `--ctdir ORIGINAL` for this reason. The replies of a container's own connection to a remote port 7777 also have original destination port 7777 and arrive on the external interface. Not reported when RELATED,ESTABLISHED is accepted earlier in the chain, when the rule names the original destination address (`--ctorigdst`, the node's) and either only packets arriving from outside reach it (`-i eth0` on the rule or on every jump to its chain) or it takes every connection to that address from its first packet (no source condition, nothing accepted or returned before it), nor on rules that can only match a connection's first packet (`--ctstate NEW`, `--syn`), nor on rules that also match a destination port below 32768 (`--dport 80`, the container's port after DNAT: a reply goes to the client's ephemeral port).",
  appliesTo: (rule, f) => ctorigMatch(rule, f) !== undefined,
  check(p, rules) {
    for (const { rule, f } of rules) {
      const ct = repliesThroughCtorig(p, rule, f);
      if (!ct) continue;
      const t = rule.target?.name ?? '';
      const last = ct.options[ct.options.length - 1];
      const fixes = p.kind === 'proposal' ? [{ title: 'Add --ctdir ORIGINAL', edits: [replaceEdit({ line: last.span.line, start: last.span.end, end: last.span.end }, ' --ctdir ORIGINAL')] }] : [];
      add(p, 'docker-user/ctorig-without-ctdir', 'warning',
        `--ctorig* matches the connection's original tuple, which reply packets share: without --ctdir ORIGINAL this ${t} also hits the replies (e.g. a container answering an allowed client). Add --ctdir ORIGINAL, or accept RELATED,ESTABLISHED before it.`,
        ct.span, fixes);
    }
  },
};
