/** docker-user/missing-established: a DROP/REJECT that also takes the replies to container egress. */
import type { Rule } from '../../iptables/model';
import type { LintRule } from '../rule';
import type { Flow } from '../flows';
import { egressFlows, externalInterfaces, replyToAddress, walkChain } from '../flows';
import type { Pass } from '../pass';
import { aboutSwarm, add, assumedBase, insertLineEdit, isMine } from '../pass';
import { formatIpv4 } from '../../net/ipv4';
import { isPrivate, parseCidr } from '../../net/cidr';
import { neverRuns } from '../order';
import { sectionOf } from '../sections';

const ESTABLISHED_LINE = '-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN';

/**
 * Replies addressed to the container addresses that DROP/REJECT rules name (`-d 172.18.0.101 -j DROP`): the standard
 * flows use one sample container per bridge, a rule for another container is judged with that container's replies
 * (the first four addresses: each costs a walk of the chain).
 */
const MAX_ADDRESSES = 4;
/** The sample containers of the standard flows (flows.ts). */
const SAMPLES = ['172.17.0.2', '172.19.0.2', '172.18.0.3'].map((a) => parseCidr(a)?.lo ?? 0);

function containerReplies(p: Pass, rules: Rule[], ext: string[]): Flow[] {
  const out: Flow[] = [];
  const seen = new Set<string>();
  for (const r of rules) {
    if ((r.target?.name !== 'DROP' && r.target?.name !== 'REJECT') || !r.destination || r.destination.negated || !isMine(p, r)) continue;
    const c = parseCidr(r.destination.value);
    if (!c || !isPrivate(c) || SAMPLES.some((ip) => ip >= c.lo && ip <= c.hi)) continue; // the standard flows cover it
    const ip = formatIpv4(c.prefix >= 31 ? c.lo : c.lo + 2);
    if (!seen.has(ip) && seen.size < MAX_ADDRESSES) {
      seen.add(ip);
      out.push(...replyToAddress(ext, ip));
    }
  }
  return out;
}

/** The DROP/REJECT rules of DOCKER-USER that take a reply to container egress (user rules with conditions). */
export function replyDroppers(p: Parameters<LintRule['check']>[0]): Rule[] {
  if (p.noInterfaces) return [];
  const du = p.ruleset.tables.get('filter')?.chains.get('DOCKER-USER');
  if (!du) return [];
  const ext = externalInterfaces(du.rules);
  const out = new Set<Rule>();
  for (const flow of [...egressFlows(ext, aboutSwarm(p)), ...containerReplies(p, du.rules, ext)]) {
    if (flow.pkt.ct.dir !== 'REPLY') continue;
    const d = walkChain(p.ruleset, 'DOCKER-USER', flow.pkt, 'FORWARD', assumedBase(p));
    if (d.unknown || !d.rule || (d.verdict !== 'DROP' && d.verdict !== 'REJECT')) continue;
    if (d.rule.chain === 'DOCKER-USER' && isMine(p, d.rule)) out.add(d.rule);
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
  docs: 'Every forwarded packet passes DOCKER-USER, replies included. A rule such as `-i eth0 -j DROP` placed before `-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN` drops the answers to connections the containers opened (all Docker versions). Rules that can only match the first packet of a connection (`--syn`, `--tcp-flags … SYN`, `--ctstate NEW`) are not reported.',
  check(p) {
    for (const rule of withCopiesInOtherSections(p, replyDroppers(p))) {
      const f = p.facts.get(rule);
      if (!f) continue;
      const pre = f.prefix;
      const edit = rule.op === 'I'
        ? insertLineEdit(rule.line + 1, `${pre}-I DOCKER-USER${rule.position !== undefined ? ` ${rule.position}` : ''} ${ESTABLISHED_LINE}`)
        : insertLineEdit(rule.line, `${pre}-A DOCKER-USER ${ESTABLISHED_LINE}`);
      const fixes = p.kind === 'proposal' && !(f.command && rule.op === 'A' && p.pc.baseAssumed && !p.pc.version) ? [{ title: 'Insert a RELATED,ESTABLISHED RETURN rule before it', edits: [edit] }] : [];
      add(p, 'docker-user/missing-established', 'warning',
        // Stryker disable next-line OptionalChaining: equivalent, a DROP/REJECT verdict's rule has a target
        `This ${rule.target?.name ?? 'DROP'} runs before any \`-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\`: it also drops the replies of connections your containers opened (and of published services' established flows). Accept RELATED,ESTABLISHED first.`,
        rule.span, fixes);
    }
  },
};
