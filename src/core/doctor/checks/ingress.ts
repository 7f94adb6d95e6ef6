/**
 * Routing mesh: every port published in ingress mode needs, on every node, its DNAT in the host's nat
 * DOCKER-INGRESS chain (to the ingress_sbox address on docker_gwbridge) and the mangle MARK in ingress_sbox
 * that steers it into IPVS (swarmkit#2937: ingress rules gone after a restart). Docker creates none of it on a
 * kernel without IPVS (the lab's): such nodes are skipped, saying so.
 */
import { markValue, matchArg, parseTable, showRule, targetArg } from '../rules';
import { ipvsOf } from './loadBalancer';
import type { Check, CheckResult, DoctorInput, DoctorNode, Finding } from '../types';

interface Published {
  service: string;
  port: number;
  protocol: string;
  fwm?: number;
}

/** Ingress-mode published ports (managers list services), with the FWM this node gave the service on ingress. */
function publishedPorts(input: DoctorInput, node: DoctorNode): Published[] {
  const ingress = node.model.networks.find((n) => n.ingress);
  const out = new Map<string, Published>();
  for (const m of input.nodes) {
    for (const s of m.model.services) {
      for (const p of s.ports) {
        if (!p.publishedPort || (p.publishMode ?? 'ingress') !== 'ingress') continue;
        // LocalLBIndex 0 is Docker's "none assigned": then any MARK on the port will do
        const fwm = ingress?.services.find((x) => x.name === s.name)?.localLbIndex || undefined;
        out.set(`${p.protocol}/${p.publishedPort}`, { service: s.name, port: p.publishedPort, protocol: p.protocol, fwm });
      }
    }
  }
  return [...out.values()];
}

function checkNode(input: DoctorInput, node: DoctorNode, res: CheckResult): void {
  const ports = publishedPorts(input, node);
  if (!ports.length || !node.model.namespaces.some((n) => n.name === 'ingress_sbox')) return;
  const ipvs = ipvsOf(node, 'ingress_sbox');
  if (typeof ipvs === 'string') {
    res.skipped.push({ check: 'ingress', node: node.name, reason: `routing mesh not compared: ${ipvs}` });
    return;
  }
  const base = { node: node.name, network: 'ingress', target: { node: node.name } };
  if (node.hostNat !== undefined) {
    const nat = parseTable(node.hostNat, 'nat').filter((r) => r.chain === 'DOCKER-INGRESS');
    for (const p of ports) {
      const dnat = nat.find(
        (r) =>
          r.target?.name === 'DNAT' &&
          matchArg(r, 'dport') === String(p.port) &&
          // Stryker disable next-line OptionalChaining: equivalent, a rule with --dport has its -p (iptables refuses -m tcp/udp without it)
          r.protocol?.value === p.protocol,
      );
      if (dnat) continue;
      const f: Finding = { ...base, code: 'ingress/dnat-missing', severity: 'error', message: `no DNAT for published ${p.protocol} port ${p.port} (${p.service}) in the host's nat DOCKER-INGRESS chain`, symptom: `clients connecting to ${node.name}:${p.port} are not sent into the routing mesh: connection refused or timeout on this node only`, evidence: [{ label: `nat DOCKER-INGRESS on ${node.name}`, source: 'iptables -t nat -S', rows: nat.map(showRule) }] };
      const to = nat.map((r) => targetArg(r, 'to-destination')).find((x) => x !== undefined);
      if (to) f.fix = { title: `re-create the DNAT for ${p.port}`, node: node.name, commands: [['iptables', '-t', 'nat', '-I', 'DOCKER-INGRESS', '-p', p.protocol, '-m', p.protocol, '--dport', String(p.port), '-j', 'DNAT', '--to-destination', `${to.split(':')[0]}:${p.port}`]] };
      res.findings.push(f);
    }
  }
  const mangleText = node.mangle.ingress_sbox;
  if (mangleText === undefined) return;
  const mangle = parseTable(mangleText, 'mangle');
  for (const p of ports) {
    if (mangle.some((r) => r.chain === 'PREROUTING' && matchArg(r, 'dport') === String(p.port) && (p.fwm === undefined || markValue(r) === p.fwm))) continue;
    res.findings.push({ ...base, code: 'ingress/mark-missing', severity: 'error', message: `no mangle MARK in ingress_sbox for published ${p.protocol} port ${p.port} (${p.service}${p.fwm ? `, FWM ${p.fwm}` : ''})`, symptom: `packets to ${node.name}:${p.port} reach ingress_sbox but are not load balanced: timeout`, evidence: [{ label: 'mangle in ingress_sbox', source: 'iptables -t mangle -S (ns ingress_sbox)', rows: mangle.filter((r) => r.target?.name === 'MARK').map(showRule) }], target: { node: node.name, namespace: 'ingress_sbox' } });
  }
}

export const ingressMesh: Check = {
  id: 'ingress',
  // Stryker disable next-line StringLiteral: equivalent, a check's title is its description: no code reads it
  title: 'every published port has its DOCKER-INGRESS DNAT and its ingress_sbox MARK on every node',
  run(input): CheckResult {
    const res: CheckResult = { findings: [], skipped: [] };
    for (const node of input.nodes) checkNode(input, node, res);
    return res;
  },
};
