/** Inputs and outputs of the packet tracer. VS Code-free; serialisable to JSON (the webview and --json use it). */
import type { Diagnostic } from '../diagnostics';
import type { NamespaceKind, NodeModel } from '../model';
import type { TableName } from '../iptables/model';
import type { Rewrite } from './netfilter';
import type { IpSetLike } from '../iptables/matches/types';
import type { CtState } from '../iptables/matches/packet';

/** One rule dump of a namespace: iptables-save (all tables), or -S / -nvL of one table (or one chain of it). */
export interface RuleDump {
  text: string;
  /** Where it came from (file name or command), shown with line numbers in hops. */
  source: string;
  /** Table for -S / -nvL dumps (they do not name it); iptables-save dumps carry their own. */
  table?: TableName;
  /** A full `iptables-save` of the namespace: tables absent from it are not in use (empty), not missing. */
  complete?: boolean;
}

export interface NamespaceDumps {
  rules: RuleDump[];
  /** `ipvsadm -Ln` output (or its error text, e.g. "Protocol not available"). */
  ipvs?: { text: string; source: string };
  /** Known ipset contents, e.g. docker-ext-bridges-v4 → ["172.17.0.0/16"]. */
  ipsets?: Record<string, IpSetLike>;
}

export interface ScenarioNode {
  /** The node's discovered model (may be partial). */
  model: NodeModel;
  /** Dumps per namespace name ("host" for the root namespace). */
  dumps: Record<string, NamespaceDumps>;
}

export interface TraceScenario {
  name?: string;
  nodes: ScenarioNode[];
  /** Notes about how the scenario was assembled (shown with the trace). */
  notes?: string[];
}

export interface TraceRequest {
  /** Source: an IP (external client or a task address), a task/container/namespace name or "task:<service>[@<node>]". */
  from: string;
  /** Destination: "ip:port", "ip", "service[:port]" or "task:<service>[@<node>][:port]". */
  to: string;
  proto?: string;
  sport?: number;
  /** Destination port when `to` names no port (or to override it). */
  dport?: number;
  /** For external clients: the node whose address is the destination (default: the node owning `to`). */
  entryNode?: string;
  /** Follow only this IPVS backend (address or name) instead of all. */
  backend?: string;
  /** External client: the interface the packet arrives on at the entry node (default: the one with `to`'s address). */
  inIface?: string;
  /** Conntrack state of the traced packet (default NEW: the first packet of a connection). */
  ctState?: CtState;
  /** TCP flags set on the packet, e.g. ["ACK"] (default: SYN when NEW, ACK otherwise). */
  tcpFlags?: string[];
  /** The packet's firewall mark as it enters netfilter (default 0). */
  mark?: number;
}

export type HopKind = 'enter' | 'netfilter' | 'routing' | 'ipvs' | 'bridge' | 'veth' | 'vxlan' | 'underlay' | 'deliver' | 'drop' | 'reply' | 'exit' | 'unknown';

export interface HopRule {
  table: string;
  chain: string;
  /** 1-based position in the chain; 0 for a policy. */
  position: number;
  text: string;
  source: string;
  /** 1-based line in the source dump. */
  line?: number;
  counters?: { packets: number; bytes: number };
  effect: string;
  unsupported: string[];
  /** This rule (or policy) gave the hop's verdict. */
  decided: boolean;
}

export interface Hop {
  /** Sequence number in the whole trace (depth-first order). */
  id: number;
  node: string;
  namespace: string;
  nsKind?: NamespaceKind;
  kind: HopKind;
  title: string;
  detail: string[];
  rules: HopRule[];
  rewrites: Rewrite[];
  verdict?: 'ACCEPT' | 'DROP' | 'REJECT' | 'QUEUE' | 'DELIVER' | 'FORWARD' | 'UNKNOWN';
  /** The packet after this hop, e.g. "TCP 1.2.3.4:40000 → 172.18.0.2:8080 mark 0x100". */
  packet: string;
  iface?: { in?: string; out?: string };
  drop?: string;
  uncertain: string[];
}

export type Outcome =
  | { kind: 'delivered'; node: string; namespace: string; endpoint: string }
  | { kind: 'dropped'; node: string; namespace: string; reason: string }
  | { kind: 'left'; node: string; reason: string }
  | { kind: 'unknown'; node: string; namespace: string; reason: string };

export interface TracePath {
  hops: Hop[];
  /** Alternatives after an IPVS choice: one per backend the scheduler could pick. */
  branches: { label: string; path: TracePath }[];
  /** Set on leaves. */
  outcome?: Outcome;
}

export interface TraceResult {
  request: TraceRequest;
  scenario?: string;
  path: TracePath;
  /** One line per leaf. */
  summary: string[];
  notes: string[];
  diagnostics: Diagnostic[];
}
