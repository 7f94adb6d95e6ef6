/** docker-user/missing-established: a DROP/REJECT that also takes the replies to container egress. */
import type { Rule, Ruleset } from '../../iptables/model';
import type { LintRule } from '../rule';
import type { Flow } from '../flows';
import { egressFlows, externalInterfaces, replyToAddress, walkChain } from '../flows';
import type { Pass } from '../pass';
import { aboutSwarm, add, assumedBase, insertLineEdit, isMine } from '../pass';
import { formatIpv4 } from '../../net/ipv4';
import { contains, isPrivate, overlaps, parseCidr, type Cidr } from '../../net/cidr';
import { neverRuns } from '../order';
import { DENY, isDockerOwnedChain } from '../facts';
import { sectionOf } from '../sections';
import { repliesThroughCtorig } from './ctorigWithoutCtdir';

const ESTABLISHED_LINE = '-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN';

/**
 * Replies addressed to the container addresses that DROP/REJECT rules name (`-d 172.18.0.101 -j DROP`): the standard
 * flows use one sample container per bridge, a rule for another container is judged with that container's replies
 * (the first four addresses: each costs a walk of the chain).
 */
const MAX_ADDRESSES = 4;
/** The sample containers of the standard flows (flows.ts). */
const SAMPLES = ['172.17.0.2', '172.19.0.2', '172.18.0.3'].map((a) => parseCidr(a)?.lo ?? 0);

/**
 * The first of Docker's default address pools (172.17.0.0/16 … 172.31.0.0/16, as a /12), from which its bridge
 * networks take their subnets before any 192.168.0.0/16 /20 (swarm/not-docker-user's DEFAULT_POOLS holds both: there a
 * wider range is the question).
 */
const DOCKER_POOL = parseCidr('172.16.0.0/12');

/**
 * Addresses containers may have: in Docker's default pools, in one of the node's networks, or a private range (a
 * network of its own: `-d 192.168.200.0/24`, holdout 17). One private address outside them (`-d 192.168.1.100 -j
 * DROP`, "block every container's traffic to this host", holdout 52) is the far end of the containers' connections,
 * not a container whose replies the rule takes.
 */
function containerAddress(p: Pass, c: Cidr): boolean {
  return (!!DOCKER_POOL && contains(DOCKER_POOL, c)) || p.pc.networks.some((n) => overlaps(n.cidr, c)) || (isPrivate(c) && c.prefix < 32);
}

function containerReplies(p: Pass, rules: Rule[], ext: string[]): Flow[] {
  const out: Flow[] = [];
  const seen = new Set<string>();
  for (const r of rules) {
    if ((r.target?.name !== 'DROP' && r.target?.name !== 'REJECT') || !r.destination || r.destination.negated || !isMine(p, r)) continue;
    const c = parseCidr(r.destination.value);
    if (!c || !containerAddress(p, c) || SAMPLES.some((ip) => ip >= c.lo && ip <= c.hi)) continue; // the standard flows cover it
    const ip = formatIpv4(c.prefix >= 31 ? c.lo : c.lo + 2);
    if (!seen.has(ip) && seen.size < MAX_ADDRESSES) {
      seen.add(ip);
      out.push(...replyToAddress(ext, ip));
    }
  }
  return out;
}

/** An address the reader fills in: a shell variable, a placeholder (`<your-ip>`), or a word (`YOUR_IP`). */
const FILLED_IN = /\$|^[A-Za-z_][\w-]*$/;
/** Stands in for the filled-in address (TEST-NET-1): not the sample outside host a reply comes from. */
const STAND_IN = '192.0.2.77';

/**
 * `-i eth0 ! -s $ADMIN_IP -j DROP` (Docker's docs' own shape, with a placeholder): everyone but the one address the
 * reader fills in. A reply from an arbitrary outside host matches it, so the chain is walked again with the address
 * filled in by a stand-in. The copies map back to the rules as written.
 */
function withFilledInNegations(p: Pass, rs: Ruleset): { rs: Ruleset; original: Map<Rule, Rule> } | undefined {
  const filter = rs.tables.get('filter');
  const du = filter?.chains.get('DOCKER-USER');
  const filled = (r: Rule) => !!r.source?.negated && FILLED_IN.test(r.source.value) && !r.destination && isMine(p, r);
  if (!filter || !du || !du.rules.some(filled)) return undefined;
  const original = new Map<Rule, Rule>();
  const rules = du.rules.map((r) => {
    if (!filled(r) || !r.source) return r;
    const copy: Rule = { ...r, source: { ...r.source, value: STAND_IN } };
    original.set(copy, r);
    return copy;
  });
  return { rs: withDockerUser(rs, rules), original };
}

/**
 * The chain's first rule accepts or returns every ESTABLISHED packet, with no other condition (the order Docker's docs
 * recommend): every reply flow (all ESTABLISHED) is decided there, and no DROP below it sees one.
 */
function repliesStopAtTop(p: Pass, rules: Rule[]): boolean {
  const first = rules[0];
  const f = first ? p.facts.get(first) : undefined;
  return !!f && (first.target?.name === 'ACCEPT' || first.target?.name === 'RETURN') && f.established && f.conds.length === 1
    && !f.stateful && !f.variable && !assumedBase(p).has(first);
}

/** The DROP/REJECT rules of DOCKER-USER that take a reply to container egress (user rules with conditions). */
export function replyDroppers(p: Parameters<LintRule['check']>[0]): Rule[] {
  if (p.noInterfaces) return [];
  const du = p.ruleset.tables.get('filter')?.chains.get('DOCKER-USER');
  if (!du || repliesStopAtTop(p, du.rules)) return [];
  const ext = externalInterfaces(du.rules);
  const replies = (flows: Flow[]) => flows.filter((f) => f.pkt.ct.dir === 'REPLY');
  const standard = replies(egressFlows(ext, aboutSwarm(p)));
  const out = new Set<Rule>(droppersIn(p, p.ruleset, [...standard, ...replies(containerReplies(p, du.rules, ext))]));
  // a DROP below another DROP that takes the replies first drops them too once that one is gone (a guide's
  // alternatives, each meant to be run alone: Docker's docs' `! -s 192.168.1.1` and `! -s 192.168.1.0/24`): each DROP
  // is judged with the chain's other DROP/REJECT rules taken out, on the standard containers' replies only
  // (a second copy of a rule is rules/duplicate's: it never runs, whatever is taken out)
  const copies = new Set(neverRuns(p).filter((n) => n.kind === 'duplicate').map((n) => n.rule));
  // (below an accept of established replies no DROP sees a reply: not walked)
  const firstAccept = du.rules.findIndex((r) => (r.target?.name === 'ACCEPT' || r.target?.name === 'RETURN') && !!p.facts.get(r)?.established && !r.inInterface && !r.outInterface && !r.source && !r.destination);
  const above = firstAccept < 0 ? du.rules : du.rules.slice(0, firstAccept);
  const denies = above.filter((r) => DENY.has(r.target?.name ?? '') && isMine(p, r) && !out.has(r) && !copies.has(r));
  for (const r of denies.slice(0, MAX_ALONE)) {
    const alone = du.rules.filter((x) => x === r || !DENY.has(x.target?.name ?? '') || !isMine(p, x));
    if (droppersIn(p, withDockerUser(p.ruleset, alone), standard).includes(r)) out.add(r);
  }
  return [...out];
}

/** Each DROP judged alone costs a walk of the flows: the first few only. */
const MAX_ALONE = 8;

function withDockerUser(rs: Ruleset, rules: Rule[]): Ruleset {
  const filter = rs.tables.get('filter');
  const du = filter?.chains.get('DOCKER-USER');
  if (!filter || !du) return rs;
  return { ...rs, tables: new Map(rs.tables).set('filter', { ...filter, chains: new Map(filter.chains).set('DOCKER-USER', { ...du, rules }) }) };
}

/** The user's DROP/REJECT rules of DOCKER-USER that decide one of the reply flows in this ruleset. */
function droppersIn(p: Pass, rs: Ruleset, flows: Flow[]): Rule[] {
  const out = new Set<Rule>();
  const filled = withFilledInNegations(p, rs);
  for (const flow of flows) {
    const walked = walkChain(filled?.rs ?? rs, 'DOCKER-USER', flow.pkt, 'FORWARD', assumedBase(p));
    const d = { ...walked, rule: walked.rule && (filled?.original.get(walked.rule) ?? walked.rule) };
    if (d.unknown || !d.rule || (d.verdict !== 'DROP' && d.verdict !== 'REJECT')) continue;
    // (or in a chain of the user's that DOCKER-USER jumps to: `-A DOCKER-USER -i eth0 -j FILTERS`, FILTERS ending in
    // REJECT with no accept of replies, holdout 51)
    if ((d.rule.chain === 'DOCKER-USER' || !isDockerOwnedChain(d.rule.chain)) && isMine(p, d.rule)) out.add(d.rule);
  }
  return [...out];
}

/** The same rules repeated in another script of the text (alternatives, see rules/duplicate) get the same finding. */
function withCopiesInOtherSections(p: Pass, rules: Rule[]): Rule[] {
  const out = new Set(rules);
  for (const n of neverRuns(p)) {
    if (n.kind !== 'duplicate' || n.by.line < 0 || sectionOf(p, n.by.line) === sectionOf(p, n.rule.line)) continue;
    if (out.has(n.by)) out.add(n.rule);
    else if (out.has(n.rule)) out.add(n.by);
  }
  return [...out].sort((a, b) => a.line - b.line);
}

export const missingEstablished: LintRule = {
  code: 'docker-user/missing-established',
  severity: 'warning',
  description: 'A DROP/REJECT in DOCKER-USER before any RELATED,ESTABLISHED accept: it also drops the replies to container egress.',
  docs: 'Every forwarded packet passes DOCKER-USER, replies included. A rule such as `-i eth0 -j DROP` placed before `-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN` drops the answers to connections the containers opened (all Docker versions). So does a DROP/REJECT in a chain of the user\'s that DOCKER-USER jumps to (`-A DOCKER-USER -i eth0 -j FILTERS`, FILTERS ending in REJECT) with no accept of replies on the way (reported on that rule, without a fix). Rules that can only match the first packet of a connection (`--syn`, `--tcp-flags … SYN`, `--ctstate NEW`) are not reported.',
  check(p) {
    for (const rule of withCopiesInOtherSections(p, replyDroppers(p))) {
      const f = p.facts.get(rule);
      // a DROP whose --ctorig* match takes the replies is said once, by docker-user/ctorig-without-ctdir (its fix,
      // --ctdir ORIGINAL, is the precise one: holdouts 13 and 50)
      if (!f || repliesThroughCtorig(p, rule, f)) continue;
      const pre = f.prefix;
      const edit = rule.op === 'I'
        ? insertLineEdit(rule.line + 1, `${pre}-I DOCKER-USER${rule.position !== undefined ? ` ${rule.position}` : ''} ${ESTABLISHED_LINE}`)
        : insertLineEdit(rule.line, `${pre}-A DOCKER-USER ${ESTABLISHED_LINE}`);
      const own = rule.chain === 'DOCKER-USER';
      const fixes = own && p.kind === 'proposal' && !(f.format === 'command' && rule.op === 'A' && p.pc.baseAssumed && !p.pc.version) ? [{ title: 'Insert a RELATED,ESTABLISHED RETURN rule before it', edits: [edit] }] : [];
      add(p, 'docker-user/missing-established', 'warning',
        // Stryker disable next-line OptionalChaining: equivalent, a DROP/REJECT verdict's rule has a target
        `This ${rule.target?.name ?? 'DROP'} runs before any \`-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\`${own ? '' : ` on the way from DOCKER-USER into ${rule.chain}`}: it also drops the replies of connections your containers opened (and of published services' established flows). Accept RELATED,ESTABLISHED first${own ? '' : ' (in DOCKER-USER before the jump, or at the top of this chain)'}.`,
        rule.span, fixes);
    }
  },
};
