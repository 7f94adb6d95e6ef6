/**
 * The Swarm doctor's data: what is gathered per node (the discovered model, NetworkDB through the engine's
 * diagnostic server, raw kernel outputs), what a check finds (a stable code, the evidence from each side, the
 * symptom it causes) and the guarded fix it may offer (commands for one node, run only on confirmation).
 */
import type { Severity } from '../diagnostics';
import type { NodeModel } from '../model';
import type { EndpointRecord, GossipPeer, PeerRecord, TableRow } from './networkdb';
import type { DnsQuery } from './dns';
import type { Probe } from './probes';

export interface NetworkGossip {
  /** `/networkpeers?nid=`: the nodes this node believes take part in the network's gossip. */
  peers?: GossipPeer[];
  endpoints?: TableRow<EndpointRecord>[];
  overlayPeers?: TableRow<PeerRecord>[];
}

export interface NodeGossip {
  /** `/clusterpeers`. */
  clusterPeers?: GossipPeer[];
  /** By full network id. */
  networks: Record<string, NetworkGossip>;
}

/** Everything the checks read about one node. Raw texts are kept as the evidence. */
export interface DoctorNode {
  name: string;
  model: NodeModel;
  /** Absent when the diagnostic server could not be read; `gossipSkipped` says why. */
  gossip?: NodeGossip;
  gossipSkipped?: string;
  /** `ipvsadm -Ln` per namespace (lb_*, ingress_sbox), as printed (failures included: they say why). */
  ipvs: Record<string, string>;
  /** `iptables -t mangle -S` per namespace (lb_*, ingress_sbox). */
  mangle: Record<string, string>;
  /** The host namespace's nat rules: its `iptables-save` (only the nat table is read) or a nat listing. */
  hostNat?: string;
  /** `iptables-save` of the host namespace (all tables); absent when it could not be read, `hostRulesSkipped` says why. */
  hostRules?: string;
  hostRulesSkipped?: string;
  /** Probes this node sent to the others (absent: not run, e.g. a snapshot or `--no-probes`). */
  probes?: Probe[];
  /** Embedded-DNS lookups from a task sandbox per network (absent: not run); `dnsSkipped` says why none. */
  dns?: DnsQuery[];
  dnsSkipped?: string;
}

export interface DoctorInput {
  nodes: DoctorNode[];
  /** Only this network (name, full id or id prefix). */
  network?: string;
}

export interface Evidence {
  /** What the rows are, e.g. "FDB on vxlan0 in 1-qru7ngt575 (node2)". */
  label: string;
  /** The command or API call they came from. */
  source: string;
  rows: string[];
}

export interface GuardedFix {
  title: string;
  /** The node the commands run on. */
  node: string;
  /** Each an argv, shown to the user first and run only when the user confirms this finding. */
  commands: string[][];
}

/** Where the finding points in the explorer tree. */
export interface FindingTarget {
  node: string;
  namespace?: string;
  networkId?: string;
}

export interface Finding {
  code: string;
  severity: Severity;
  node: string;
  network?: string;
  /** One line: what is wrong, about which row. */
  message: string;
  /** What a user sees because of it. */
  symptom: string;
  evidence: Evidence[];
  fix?: GuardedFix;
  target: FindingTarget;
}

export interface Skipped {
  check: string;
  node?: string;
  reason: string;
}

export interface CheckResult {
  findings: Finding[];
  skipped: Skipped[];
}

export interface Check {
  /** Code prefix of its findings, e.g. `kernel`. */
  id: string;
  title: string;
  run(input: DoctorInput): CheckResult;
}

export interface DoctorReport {
  findings: Finding[];
  skipped: Skipped[];
  checks: string[];
  nodes: string[];
  durationMs: number;
}
