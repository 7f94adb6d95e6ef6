/**
 * DNS vs tasks: from a task sandbox on each node, the embedded DNS must answer a service's name with its VIP
 * (or, for dnsrr services, its running tasks) and `tasks.<service>` with exactly the running tasks' addresses.
 * NXDOMAIN for a running service after a node outage (moby#53141), or answers naming gone tasks, show here.
 */
import type { DnsQuery } from '../dns';
import { overlayNetworks, runningTasks, stripPrefix, type OverlayNetwork } from '../scope';
import type { Check, CheckResult, DoctorInput, DoctorNode, Finding } from '../types';

/** The answer expected: the service's VIP on the network, or (tasks.<service>, or a dnsrr service's name) its running tasks. */
function expected(input: DoctorInput, q: DnsQuery, net: OverlayNetwork): { vip?: string; want: string[] } {
  const tasks = [...new Set(runningTasks(input, net).filter((t) => t.service === q.service).map((t) => t.ip))].sort();
  if (q.name.startsWith('tasks.')) return { want: tasks };
  const svc = input.nodes.filter((n) => n.model.swarm?.controlAvailable).flatMap((n) => n.model.services).find((s) => s.name === q.service);
  const vip = svc?.vips.find((v) => v.networkId === q.networkId)?.addr;
  return vip ? { vip: stripPrefix(vip), want: [stripPrefix(vip)] } : { want: tasks };
}

function judge(input: DoctorInput, node: DoctorNode, q: DnsQuery, out: Finding[]): void {
  const net = overlayNetworks(input).find((n) => n.id === q.networkId);
  if (!net || q.addresses === undefined) return;
  const { vip, want } = expected(input, q, net);
  const got = q.addresses;
  const base = {
    node: node.name,
    network: net.name,
    target: { node: node.name, namespace: q.ns, networkId: q.networkId },
    evidence: [
      { label: `${q.name} from task sandbox ${q.ns} on ${node.name}`, source: `${q.tool ?? 'nslookup'} ${q.name} 127.0.0.11 (nsenter)`, rows: (q.output ?? '').split('\n').filter(Boolean) },
      { label: 'expected (manager: VIP and running tasks)', source: 'docker API /services, /tasks', rows: want.length ? want : ['(no address: nothing running)'] },
    ],
  };
  if (want.length && q.nxdomain) {
    out.push({ ...base, code: 'dns/nxdomain', severity: 'error', message: `${q.name} is NXDOMAIN from ${node.name} (${q.ns}), though ${q.service} has ${vip ? 'a VIP' : 'running tasks'} on ${net.name}: ${want.join(', ')}`, symptom: `clients on ${node.name} cannot resolve ${q.name}: "could not resolve host" until the gossip is repaired (moby#53141)` });
    return;
  }
  const stale = got.filter((a) => !want.includes(a));
  const missing = want.filter((a) => !got.includes(a));
  if (stale.length) out.push({ ...base, code: vip ? 'dns/wrong-vip' : 'dns/stale-task', severity: 'error', message: `${q.name} from ${node.name} answers ${stale.join(', ')}, which ${vip ? `is not the VIP of ${q.service} (${vip})` : `no running task of ${q.service} has`}`, symptom: `some lookups of ${q.name} on ${node.name} lead to an address nothing listens on: timeouts` });
  // (an NXDOMAIN with something expected returned above: here an empty answer is an answer lacking everything)
  if (missing.length) out.push({ ...base, code: 'dns/missing-task', severity: 'warning', message: `${q.name} from ${node.name} lacks ${missing.join(', ')}`, symptom: `clients on ${node.name} never reach ${missing.join(', ')} by name` });
}

export const dns: Check = {
  id: 'dns',
  // Stryker disable next-line StringLiteral: equivalent, a check's title is its description: no code reads it
  title: 'the embedded DNS answers each service with its VIP and tasks.<service> with the running tasks',
  run(input): CheckResult {
    const res: CheckResult = { findings: [], skipped: [] };
    if (!input.nodes.some((n) => n.model.swarm?.controlAvailable)) {
      res.skipped.push({ check: 'dns', reason: 'no manager among the nodes: the expected answers need the service and task lists' });
      return res;
    }
    for (const node of input.nodes) {
      if (node.dnsSkipped) res.skipped.push({ check: 'dns', node: node.name, reason: node.dnsSkipped });
      if (node.dns) for (const q of node.dns) judge(input, node, q, res.findings);
    }
    return res;
  },
};
