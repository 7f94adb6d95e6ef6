/** docker-user/swarm-port: a DOCKER-USER rule on the Swarm ports, which DOCKER-USER never sees. */
import type { Rule, Span } from '../../iptables/model';
import type { LintRule } from '../rule';
import type { PreparedContext } from '../context';
import { portIn } from '../net';
import { isEsp, type RuleFacts } from '../facts';
import { add, isMine } from '../pass';

/** The Swarm port (or ESP) a DOCKER-USER rule names, and where; undefined when it names none. */
function swarmHit(rule: Rule, f: RuleFacts, pc: PreparedContext): { span: Span; port: string } | undefined {
  if (rule.chain !== 'DOCKER-USER' || rule.table !== 'filter' || rule.op === 'D') return undefined;
  if (rule.protocol && isEsp(rule)) return { span: rule.protocol.span, port: 'ESP' };
  if (f.dstPorts.length === 0) return undefined;
  for (const d of f.dstPorts) {
    const set = d.set;
    // (a wide single range, `1024:65535`, is not aimed at a Swarm port)
    if (d.o.negated || !set || (set.length === 1 && set[0][1] - set[0][0] > 16)) continue;
    for (const port of pc.swarm.all) if (portIn(set, port)) return { span: d.o.span, port: String(port) };
  }
  return undefined;
}

export const swarmPort: LintRule = {
  code: 'docker-user/swarm-port',
  severity: 'warning',
  description: 'A DOCKER-USER rule on 2377/7946/4789 or ESP: the node\'s own Swarm traffic never passes DOCKER-USER.',
  docs: "Swarm's control plane (2377/tcp), gossip (7946/tcp+udp), VXLAN data plane (4789/udp or `--data-path-port`) and ESP are addressed to the node itself and leave from it: they pass INPUT and OUTPUT, never FORWARD/DOCKER-USER. A rule on these ports in DOCKER-USER does not protect or open them; filter them in INPUT (all Docker versions).",
  appliesTo: (rule, f, pc) => swarmHit(rule, f, pc) !== undefined,
  check(p, rules) {
    const sp = p.pc.swarm;
    for (const { rule, f } of rules) {
      const hit = isMine(p, rule) ? swarmHit(rule, f, p.pc) : undefined;
      if (!hit) continue;
      add(p, 'docker-user/swarm-port', 'warning',
        `${hit.port === 'ESP' ? 'ESP' : `Port ${hit.port}`} is Swarm traffic addressed to this node (${hit.port === String(sp.control) ? 'cluster management' : hit.port === String(sp.data) ? 'VXLAN data plane' : hit.port === 'ESP' ? 'encrypted overlay data plane' : 'gossip'}): it passes INPUT/OUTPUT, never FORWARD, so DOCKER-USER never sees it and this rule does nothing for it. Filter Swarm ports in INPUT.`,
        hit.span);
    }
  },
};
