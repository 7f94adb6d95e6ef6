/** docker-user/cuts-egress: an unconditional DROP/REJECT in DOCKER-USER takes all container egress. */
import type { LintRule } from '../rule';
import { egressFlows, externalInterfaces, walkChain } from '../flows';
import { aboutSwarm, add, assumedBase, isMine } from '../pass';

export const cutsEgress: LintRule = {
  code: 'docker-user/cuts-egress',
  severity: 'warning',
  description: 'A DROP/REJECT in DOCKER-USER with no interface or address condition: all container egress (and its replies) is cut.',
  docs: 'DOCKER-USER sees container traffic in both directions: outgoing connections from containers (`-i docker0`/`docker_gwbridge`/`br-…`) as well as incoming published-port traffic. A default deny such as `-A DOCKER-USER -j DROP` after a few port ACCEPTs meant for incoming traffic also drops every connection a container opens (package updates, DNS, APIs). Restrict the deny to the external interface (`-i eth0`) and accept RELATED,ESTABLISHED first.',
  check(p) {
    const du = p.ruleset.tables.get('filter')?.chains.get('DOCKER-USER');
    if (!du) return;
    // only a deny without interface or address condition can take every container's egress
    const candidates = du.rules.some((r) => (r.target?.name === 'DROP' || r.target?.name === 'REJECT') && !r.inInterface && !r.outInterface && !r.source && !r.destination && isMine(p, r));
    if (!candidates) return;
    const ext = externalInterfaces(du.rules);
    const seen = new Set();
    for (const flow of egressFlows(ext, aboutSwarm(p))) {
      if (flow.pkt.ct.dir === 'REPLY') continue;
      const d = walkChain(p.ruleset, 'DOCKER-USER', flow.pkt, 'FORWARD', assumedBase(p));
      const rule = d.rule;
      if (d.unknown || !rule || (d.verdict !== 'DROP' && d.verdict !== 'REJECT') || rule.chain !== 'DOCKER-USER' || !isMine(p, rule) || seen.has(rule)) continue;
      if (rule.inInterface || rule.outInterface || rule.source || rule.destination) continue;
      seen.add(rule);
      add(p, 'docker-user/cuts-egress', 'warning',
        `This ${rule.target?.name ?? 'DROP'} has no interface or address condition: besides incoming traffic it takes every connection your containers open to the outside (and its replies), e.g. ${flow.name}. Limit it to the external interface (-i ${ext[0]}) and accept RELATED,ESTABLISHED before it.`,
        rule.span);
    }
  },
};
