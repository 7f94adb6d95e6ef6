/** docker-user/missing-established: a DROP/REJECT that also takes the replies to container egress. */
import type { Rule } from '../../iptables/model';
import type { LintRule } from '../rule';
import { egressFlows, externalInterfaces, walkChain } from '../flows';
import { aboutSwarm, add, assumedBase, insertLineEdit, isMine } from '../pass';

const ESTABLISHED_LINE = '-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN';

/** The DROP/REJECT rules of DOCKER-USER that take a reply to container egress (user rules with conditions). */
export function replyDroppers(p: Parameters<LintRule['check']>[0]): Rule[] {
  if (p.noInterfaces) return [];
  const du = p.ruleset.tables.get('filter')?.chains.get('DOCKER-USER');
  if (!du) return [];
  const ext = externalInterfaces(du.rules);
  const out = new Set<Rule>();
  for (const flow of egressFlows(ext, aboutSwarm(p))) {
    if (flow.pkt.ct.dir !== 'REPLY') continue;
    const d = walkChain(p.ruleset, 'DOCKER-USER', flow.pkt, 'FORWARD', assumedBase(p));
    if (d.unknown || !d.rule || (d.verdict !== 'DROP' && d.verdict !== 'REJECT')) continue;
    if (d.rule.chain === 'DOCKER-USER' && isMine(p, d.rule)) out.add(d.rule);
  }
  return [...out];
}

export const missingEstablished: LintRule = {
  code: 'docker-user/missing-established',
  severity: 'warning',
  description: 'A DROP/REJECT in DOCKER-USER before any RELATED,ESTABLISHED accept: it also drops the replies to container egress.',
  docs: 'Every forwarded packet passes DOCKER-USER, replies included. A rule such as `-i eth0 -j DROP` placed before `-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN` drops the answers to connections the containers opened (all Docker versions). Rules that can only match the first packet of a connection (`--syn`, `--tcp-flags … SYN`, `--ctstate NEW`) are not reported.',
  check(p) {
    for (const rule of replyDroppers(p)) {
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
