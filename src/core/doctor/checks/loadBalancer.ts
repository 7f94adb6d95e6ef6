/**
 * Load balancer vs tasks: behind each service VIP, IPVS (in the network's `lb_*` sandbox) must hold a firewall
 * mark service for its `LocalLBIndex` whose real servers are exactly the running tasks' addresses (compared by
 * address, not by count as moby's `ssd` does: moby#36878, #33790), and mangle must mark the VIP with that FWM.
 * This kernel (the lab's) has no IPVS: on such nodes the check is skipped and says so.
 */
import { parseIpvsadm, type IpvsTable } from '../../parsers/ipvsadm';
import { markValue, parseTable, showRule } from '../rules';
import { networkOn, overlayNetworks, runningTasks, stripPrefix, type OverlayNetwork } from '../scope';
import type { Check, CheckResult, DoctorInput, DoctorNode, Finding } from '../types';

export function lbNamespace(net: OverlayNetwork): string {
  return net.ingress ? 'ingress_sbox' : `lb_${net.id.slice(0, 9)}`;
}

/** The IPVS table of a namespace, or why it cannot be compared. */
export function ipvsOf(node: DoctorNode, ns: string): IpvsTable | string {
  const text = node.ipvs[ns];
  if (text === undefined) return `ipvsadm -Ln not read in ${ns}`;
  const t = parseIpvsadm(text).value;
  // only a printed table can be compared: no output at all ("empty") says nothing about what IPVS holds
  if (t.status !== 'ok') {
    // Stryker disable next-line StringLiteral: equivalent, the parser gives every status but ok a reason; the fallback is for the type
    return t.reason ?? `ipvsadm: ${t.status}`;
  }
  if (!t.numeric) return 'ipvsadm printed names, not addresses (run with -n)';
  return t;
}

/** Expected backends: the manager's running tasks of that service on this network; else the node's own view. */
function expectedBackends(input: DoctorInput, net: OverlayNetwork, service: { name: string; tasks: { endpointIp: string }[] }): string[] {
  const running = runningTasks(input, net).filter((t) => t.service === service.name);
  if (running.length || input.nodes.some((n) => n.model.swarm?.controlAvailable)) return running.map((t) => t.ip).sort();
  return service.tasks.map((t) => stripPrefix(t.endpointIp)).sort();
}

function checkService(input: DoctorInput, node: DoctorNode, net: OverlayNetwork, ns: string, ipvs: IpvsTable, service: { name: string; vip?: string; localLbIndex?: number; tasks: { endpointIp: string }[] }, out: Finding[]): void {
  if (!service.localLbIndex || !service.vip) return;
  const fwm = service.localLbIndex;
  const vip = stripPrefix(service.vip);
  const svc = ipvs.services.find((s) => s.fwmark === fwm); // only firewall-mark services have one
  const want = expectedBackends(input, net, service);
  const base = { node: node.name, network: net.name, target: { node: node.name, namespace: ns, networkId: net.id } };
  // a numeric listing (the only one compared) prints every real server's port
  const ipvsRows = svc ? svc.realServers.map((r) => `-> ${r.host}:${r.port} ${r.forward} w${r.weight}`) : ['(no FWM service)'];
  const evidence = [
    { label: `IPVS FWM ${fwm} in ${ns} on ${node.name}`, source: `ipvsadm -Ln (ns ${ns})`, rows: ipvsRows },
    { label: `running tasks of ${service.name} on ${net.name}`, source: 'docker API /tasks (manager)', rows: want },
  ];
  if (!svc) {
    out.push({ ...base, code: 'lb/fwm-missing', severity: 'error', message: `no IPVS service for ${service.name}'s VIP ${vip} (FWM ${fwm}) in ${ns}`, symptom: `connections from ${node.name} to ${service.name}'s VIP ${vip} are not load balanced: they time out`, evidence });
    return;
  }
  // Stryker disable next-line LogicalOperator: equivalent, a numeric listing (the only one compared) gives every real server its address
  const have = svc.realServers.map((r) => r.address ?? r.host);
  for (const ip of want.filter((w) => !have.includes(w))) out.push({ ...base, code: 'lb/backend-missing', severity: 'warning', message: `${service.name}'s task ${ip} is not a real server of FWM ${fwm} in ${ns}`, symptom: `from ${node.name}, the VIP never sends connections to ${ip}`, evidence });
  for (const ip of have.filter((h) => !want.includes(h))) out.push({ ...base, code: 'lb/backend-stale', severity: 'error', message: `FWM ${fwm} in ${ns} still balances to ${ip}, which no running task of ${service.name} has`, symptom: `from ${node.name}, some connections to ${service.name}'s VIP ${vip} time out or are refused (1 in ${have.length})`, evidence });
  const mangle = node.mangle[ns];
  if (mangle === undefined) return;
  const rules = parseTable(mangle, 'mangle');
  if (!rules.some((r) => r.destination && stripPrefix(r.destination.value) === vip && markValue(r) === fwm)) {
    out.push({ ...base, code: 'lb/mark-missing', severity: 'error', message: `no mangle rule in ${ns} marks ${service.name}'s VIP ${vip} with FWM ${fwm} (0x${fwm.toString(16)})`, symptom: `packets to ${vip} are not steered into IPVS: the VIP does not answer from ${node.name}`, evidence: [...evidence, { label: `mangle in ${ns}`, source: `iptables -t mangle -S (ns ${ns})`, rows: rules.filter((r) => r.target?.name === 'MARK').map(showRule) }] });
  }
}

export const loadBalancer: Check = {
  id: 'lb',
  // Stryker disable next-line StringLiteral: equivalent, a check's title is its description: no code reads it
  title: 'IPVS real servers behind each VIP are exactly the running tasks; the VIP is marked',
  run(input): CheckResult {
    const res: CheckResult = { findings: [], skipped: [] };
    for (const net of overlayNetworks(input)) {
      const ns = lbNamespace(net);
      for (const node of input.nodes) {
        const local = networkOn(node, net.id);
        if (!local?.services.some((s) => s.localLbIndex) || !node.model.namespaces.some((n) => n.name === ns)) continue;
        const ipvs = ipvsOf(node, ns);
        if (typeof ipvs === 'string') {
          res.skipped.push({ check: 'lb', node: node.name, reason: `${net.name} (${ns}): ${ipvs}` });
          continue;
        }
        for (const s of local.services) checkService(input, node, net, ns, ipvs, s, res.findings);
      }
    }
    return res;
  },
};
