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
    if (p.noInterfaces) return; // -nL without -v: interface conditions unknown
    const du = p.ruleset.tables.get('filter')?.chains.get('DOCKER-USER');
    if (!du) return;
    // only a deny without interface or address condition can take every container's egress; each is judged with
    // the others left out (scripts add one in each branch of an if)
    const candidates = du.rules.filter((r) => (r.target?.name === 'DROP' || r.target?.name === 'REJECT') && !r.inInterface && !r.outInterface && !r.source && !r.destination && isMine(p, r));
    if (!candidates.length) return;
    const ext = externalInterfaces(du.rules);
    const flows = egressFlows(ext, aboutSwarm(p)).filter((f) => f.pkt.ct.dir !== 'REPLY');
    for (const rule of candidates) {
      const skip = new Set([...assumedBase(p), ...candidates.filter((c) => c !== rule)]);
      const flow = flows.find((fl) => {
        const d = walkChain(p.ruleset, 'DOCKER-USER', fl.pkt, 'FORWARD', skip);
        return !d.unknown && d.rule === rule;
      });
      if (!flow) continue;
      add(p, 'docker-user/cuts-egress', 'warning',
        `This ${rule.target?.name ?? 'DROP'} has no interface or address condition: besides incoming traffic it takes every connection your containers open to the outside (and its replies), e.g. ${flow.name}. Limit it to the external interface (-i ${ext[0]}) and accept RELATED,ESTABLISHED before it.`,
        rule.span);
    }
  },
};
