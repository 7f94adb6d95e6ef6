/** docker-user/swarm-port: a DOCKER-USER rule on the Swarm ports, which DOCKER-USER never sees. */
import type { LintRule } from '../rule';
import { swarmPorts } from '../context';
import { portIn } from '../net';
import { protoName } from '../facts';
import { add, isMine } from '../pass';

export const swarmPort: LintRule = {
  code: 'docker-user/swarm-port',
  severity: 'warning',
  description: 'A DOCKER-USER rule on 2377/7946/4789 or ESP: the node\'s own Swarm traffic never passes DOCKER-USER.',
  docs: "Swarm's control plane (2377/tcp), gossip (7946/tcp+udp), VXLAN data plane (4789/udp or `--data-path-port`) and ESP are addressed to the node itself and leave from it: they pass INPUT and OUTPUT, never FORWARD/DOCKER-USER. A rule on these ports in DOCKER-USER does not protect or open them; filter them in INPUT (all Docker versions).",
  check(p) {
    const sp = swarmPorts(p.pc);
    const ports = [sp.control, sp.gossip, sp.data];
    for (const { rule, f } of p.doc) {
      if (f.dstPorts.length === 0 && !rule.protocol) continue;
      if (rule.chain !== 'DOCKER-USER' || rule.table !== 'filter' || rule.op === 'D' || !isMine(p, rule)) continue;
      const esp = rule.protocol && !rule.protocol.negated && protoName(rule.protocol.value) === 'esp';
      let hit: { span: typeof rule.span; port: string } | undefined = esp && rule.protocol ? { span: rule.protocol.span, port: 'ESP' } : undefined;
      for (const d of f.dstPorts) {
        const set = d.set;
        if (hit || d.o.negated || !set) continue;
        const port = ports.find((x) => portIn(set, x) && !(set.length === 1 && set[0][1] - set[0][0] > 16));
        if (port !== undefined) hit = { span: d.o.span, port: String(port) };
      }
      if (!hit) continue;
      add(p, 'docker-user/swarm-port', 'warning',
        `${hit.port === 'ESP' ? 'ESP' : `Port ${hit.port}`} is Swarm traffic addressed to this node (${hit.port === String(sp.control) ? 'cluster management' : hit.port === String(sp.data) ? 'VXLAN data plane' : hit.port === 'ESP' ? 'encrypted overlay data plane' : 'gossip'}): it passes INPUT/OUTPUT, never FORWARD, so DOCKER-USER never sees it and this rule does nothing for it. Filter Swarm ports in INPUT.`,
        hit.span);
    }
  },
};
