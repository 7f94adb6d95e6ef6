/**
 * The nodes' own firewalls against the swarm's ports, judged by the project's netfilter evaluator on each node's
 * `iptables-save`: for every pair of nodes, the sender's OUTPUT and the receiver's PREROUTING + INPUT for the
 * manager port 2377/tcp (to managers), gossip 7946/tcp and 7946/udp, VXLAN on the data-path port (udp/4789 or the
 * port vxlan0 uses) and ESP (IP protocol 50) when an overlay is encrypted; for the TCP ports also the reply
 * (ESTABLISHED) on the way back. Docker's documentation lists exactly these as what the hosts must let through.
 * This is what the probes cannot show: memberlist's UDP and ESP have no reply a probe could wait for, and the
 * rule that drops is named. A drop decided by a rule the evaluator cannot fully read (rate limits, owner, an
 * unknown ipset) is said as "may drop", not as an error.
 */
import type { NamespaceInfo } from '../../model';
import { parseDumpText } from '../../iptables/parse';
import { evaluateHook, NamespaceRules, type EvalEnv, type Hit, type Hook, type HookResult } from '../../trace/netfilter';
import { newPacket, type Packet } from '../../trace/packet';
import { envOf } from '../../trace/prepare';
import { nodeAddr, overlayNamespace, overlayNetworks } from '../scope';
import type { Check, CheckResult, DoctorInput, DoctorNode, Finding } from '../types';

interface SwarmFlow {
  name: string;
  proto: 'tcp' | 'udp' | 'esp';
  port?: number;
  sport?: number;
  /** What breaks when this flow is dropped. */
  symptom: string;
}

interface Prepared {
  node: DoctorNode;
  addr: string;
  rules: NamespaceRules;
  env: EvalEnv;
  /** The interface holding the node's swarm address. */
  iface?: string;
}

/** Targets that do not change a packet's fate: an undecidable match on them changes nothing. */
const NO_EFFECT = new Set(['LOG', 'NFLOG', 'ULOG', 'AUDIT', 'TRACE']);

function hostNamespace(node: DoctorNode): NamespaceInfo | undefined {
  return node.model.namespaces.find((ns) => ns.kind === 'host');
}

function prepare(node: DoctorNode, res: CheckResult): Prepared | undefined {
  const addr = nodeAddr(node);
  if (node.hostRules === undefined) {
    res.skipped.push({ check: 'underlay', node: node.name, reason: `the host firewall was not read (${node.hostRulesSkipped ?? 'no command access'}): its rules on the swarm ports are not judged` });
    return undefined;
  }
  if (!addr) {
    res.skipped.push({ check: 'underlay', node: node.name, reason: 'the node has no swarm address (not in a swarm, or its engine did not say): its firewall is not judged' });
    return undefined;
  }
  const ruleset = parseDumpText(node.hostRules);
  // Stryker disable next-line StringLiteral,BooleanLiteral: the source label is not shown by this check, and a missing table changes no verdict here (uncertainty is read from the hits)
  const rules = new NamespaceRules().add(ruleset, `iptables-save on ${node.name}`, true);
  const host = hostNamespace(node);
  const iface = host?.interfaces.find((i) => i.addresses.some((a) => a.address === addr))?.name;
  return { node, addr, rules, env: envOf({ interfaces: host?.interfaces ?? [] }), iface };
}

function isManager(node: DoctorNode, input: DoctorInput): boolean {
  const addr = nodeAddr(node);
  if (node.model.swarm?.controlAvailable) return true;
  return input.nodes.some((n) => (n.model.swarm?.remoteManagers ?? []).some((m) => m.addr.split(':')[0] === addr));
}

function flowsTo(receiver: DoctorNode, input: DoctorInput): SwarmFlow[] {
  const nets = overlayNetworks(input);
  const flows: SwarmFlow[] = [];
  if (isManager(receiver, input)) flows.push({ name: 'manager port 2377/tcp', proto: 'tcp', port: 2377, symptom: 'the sender cannot reach this manager: Raft and node heartbeats fail, the node goes Down in `docker node ls` and gets no new tasks' });
  flows.push({ name: 'gossip 7946/tcp', proto: 'tcp', port: 7946, symptom: 'NetworkDB cannot sync its tables over TCP (push/pull): overlay peers, service VIPs and DNS drift apart between these nodes' });
  flows.push({ name: 'gossip 7946/udp', proto: 'udp', port: 7946, sport: 7946, symptom: 'memberlist probes and NetworkDB broadcasts go over UDP: nodes flap as suspect/failed ("Was able to connect … over TCP but UDP probes failed" in dockerd\'s log) and table updates arrive late or never' });
  const ports = new Set(nets.map((n) => overlayNamespace(receiver, n.id)?.interfaces.find((i) => i.name === 'vxlan0')?.vxlan?.dstport).filter((p): p is number => p !== undefined));
  if (nets.length) for (const port of ports.size ? ports : [4789]) flows.push({ name: `VXLAN ${port}/udp`, proto: 'udp', port, sport: 40123, symptom: 'overlay traffic between these nodes is dropped: tasks on one cannot reach tasks on the other (timeouts), the routing mesh cannot forward to tasks there' });
  if (nets.some((n) => n.encrypted)) flows.push({ name: 'ESP (IP protocol 50)', proto: 'esp', symptom: 'encrypted overlay traffic between these nodes is dropped: tasks on encrypted networks cannot reach each other across them' });
  return flows;
}

/** The packet of one direction of a flow; `reply` is the receiver's answer (ESTABLISHED) on a TCP flow. */
function flowPacket(f: SwarmFlow, from: Prepared, to: Prepared, reply: boolean, inIface: string | undefined): Packet {
  const sport = f.sport ?? 41000;
  const p = reply
    ? newPacket({ src: to.addr, dst: from.addr, proto: f.proto, sport: f.port, dport: sport, inIface })
    : newPacket({ src: from.addr, dst: to.addr, proto: f.proto, sport: f.port === undefined ? undefined : sport, dport: f.port, inIface });
  if (reply) p.ct = { state: 'ESTABLISHED', origSrc: from.addr, origDst: to.addr, origSport: sport, origDport: f.port, status: [], dir: 'REPLY' };
  if (f.proto === 'tcp') p.tcpFlags = reply ? ['SYN', 'ACK'] : ['SYN'];
  return p;
}

interface Drop {
  at: Prepared;
  hook: Hook;
  result: HookResult;
  uncertain: boolean;
}

function undecidable(hits: Hit[]): boolean {
  return hits.some((h) => h.unsupported.length > 0 && !(h.kind === 'rule' && NO_EFFECT.has(h.target)));
}

/** Evaluates the hooks a packet crosses on one node; the first that does not accept it. */
function dropOn(at: Prepared, hooks: Hook[], pkt: Packet): Drop | undefined {
  let p = pkt;
  for (const hook of hooks) {
    const result = evaluateHook(at.rules, hook, p, at.env);
    if (result.verdict === 'DROP' || result.verdict === 'REJECT') return { at, hook, result, uncertain: undecidable(result.tables.flatMap((t) => t.hits)) };
    p = result.packet;
  }
  return undefined;
}

/** Where one direction of a flow dies: the sender's OUTPUT, or the receiver's PREROUTING/INPUT. */
function walk(f: SwarmFlow, from: Prepared, to: Prepared, reply: boolean): Drop | undefined {
  const [tx, rx] = reply ? [to, from] : [from, to];
  const out = flowPacket(f, from, to, reply, undefined);
  out.outIface = tx.iface;
  return dropOn(tx, ['OUTPUT'], out) ?? dropOn(rx, ['PREROUTING', 'INPUT'], { ...flowPacket(f, from, to, reply, rx.iface) });
}

function decidedText(d: Drop): string {
  const h = d.result.decidedBy;
  // Stryker disable next-line ConditionalExpression,StringLiteral: a DROP or REJECT verdict always carries the rule or policy that gave it
  if (!h) return `${d.hook}: ${d.result.verdict}`;
  if (h.kind === 'policy') return `policy ${h.policy} of ${h.table}/${h.chain}`;
  return `${h.table}/${h.chain} rule ${h.position}: ${h.text}`;
}

function finding(d: Drop, f: SwarmFlow, peers: string[], reply: boolean): Finding {
  const dir = reply ? `replies of ${f.name}` : f.name;
  const way = d.hook === 'OUTPUT' ? `leaving ${d.at.node.name} for` : `arriving on ${d.at.node.name} from`;
  const verb = d.uncertain ? 'may drop' : d.result.verdict === 'REJECT' ? 'rejects' : 'drops';
  const unsupported = [...new Set(d.result.tables.flatMap((t) => t.hits).flatMap((h) => h.unsupported))];
  return {
    code: d.uncertain ? 'underlay/firewall-may-block' : 'underlay/firewall-blocks',
    severity: d.uncertain ? 'info' : 'error',
    node: d.at.node.name,
    message: `${d.at.node.name}'s firewall ${verb} ${dir} ${way} ${peers.join(', ')} (${d.hook}, ${decidedText(d)})`,
    symptom: d.uncertain ? `if that rule matches: ${f.symptom}. It uses matches the evaluator cannot decide (${unsupported.join(', ')}): check it by hand` : f.symptom,
    evidence: [{ label: `${d.hook} path of ${dir} on ${d.at.node.name}`, source: 'iptables-save, evaluated', rows: d.result.tables.flatMap((t) => t.hits).map((h) => (h.kind === 'rule' ? `${h.table}/${h.chain} #${h.position} ${h.text} → ${h.effect}` : `${h.table}/${h.chain} policy ${h.policy}`)) }],
    target: { node: d.at.node.name },
  };
}

export const firewall: Check = {
  id: 'underlay',
  title: "the nodes' own firewalls let the swarm's ports through (2377/tcp to managers, 7946/tcp+udp, VXLAN, ESP)",
  run(input): CheckResult {
    const res: CheckResult = { findings: [], skipped: [] };
    const ready = input.nodes.map((n) => prepare(n, res)).filter((p): p is Prepared => p !== undefined);
    const groups = new Map<string, { drop: Drop; flow: SwarmFlow; reply: boolean; peers: string[] }>();
    for (const to of ready) {
      for (const f of flowsTo(to.node, input)) {
        for (const from of ready) {
          if (from === to) continue;
          for (const reply of f.proto === 'tcp' ? [false, true] : [false]) {
            const d = walk(f, from, to, reply);
            if (!d) continue;
            const peer = d.at === to ? from : to;
            const key = `${d.at.node.name}\0${d.hook}\0${f.name}\0${reply}\0${decidedText(d)}`;
            const g = groups.get(key) ?? { drop: d, flow: f, reply, peers: [] };
            g.peers.push(`${peer.node.name} (${peer.addr})`);
            groups.set(key, g);
          }
        }
      }
    }
    for (const g of groups.values()) res.findings.push(finding(g.drop, g.flow, g.peers, g.reply));
    return res;
  },
};
