/**
 * Types of the DOCKER-USER linter (VS Code-free; shared by the language server and `swarmnet lint`).
 * Positions are 0-based line / UTF-16 column, end exclusive (LSP-compatible), like the rule model's spans.
 */
import type { Severity } from '../diagnostics';
import type { Span, TableName } from '../iptables/model';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface LintFix {
  title: string;
  edits: TextEdit[];
}

export interface LintDiagnostic {
  /** Stable code, e.g. `swarm/not-docker-user`, `syntax/unknown-option`. */
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  /** Quick fixes; the first is the preferred one. */
  fixes: LintFix[];
  /** Other lines that explain the finding (e.g. the rule that shadows this one). */
  related?: { span: Span; message: string }[];
}

export interface LintNetwork {
  name: string;
  id?: string;
  driver?: string;
  subnets: string[];
  ingress?: boolean;
  encrypted?: boolean;
}

export interface LintInterface {
  name: string;
  /** CIDRs configured on the interface (e.g. "192.168.33.2/24"). */
  addresses?: string[];
}

export interface PublishedPort {
  port: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** Port inside the container (after DNAT for host/bridge mode publishing). */
  targetPort?: number;
  mode?: 'ingress' | 'host';
  service?: string;
  /** How the text shows the port is published, when it does not publish it itself (`the text opens http://localhost:3000 after docker-compose up`). */
  evidence?: string;
}

export interface SwarmPorts {
  /** Manager API port (default 2377). */
  controlPort?: number;
  /** Gossip port, TCP and UDP (7946, fixed). */
  gossipPort?: number;
  /** VXLAN data-path port (default 4789, `docker swarm init --data-path-port`). */
  dataPathPort?: number;
}

/** Facts about the node the rules are meant for (node-aware mode). Everything is optional. */
export interface LintContext {
  nodeName?: string;
  interfaces?: LintInterface[];
  networks?: LintNetwork[];
  /** The node's current filter rules (`iptables-save -t filter` or `iptables -S`). */
  filterRules?: string;
  swarmPorts?: SwarmPorts;
  publishedPorts?: PublishedPort[];
  /** Addresses of the other Swarm nodes (control/data plane peers). */
  peerAddresses?: string[];
  /** Addresses of this node (what clients see as the "host IP"). */
  nodeAddresses?: string[];
  /** Docker engine version of the node (`/version` Version, e.g. "28.2.2"). */
  engineVersion?: string;
  /** `/info` FirewallBackend.Driver (28.1+): "iptables", "iptables+firewalld", "nftables", … */
  firewallBackend?: string;
}

export type FileKind = 'dump' | 'proposal' | 'listing';

export interface LintOptions {
  /** Stop parsing after this many milliseconds and report what was checked (the server's bound). */
  budgetMs?: number;
  /** Table of lines outside `*table` sections and of command lines without -t; inferred from the text when absent. */
  defaultTable?: TableName;
  /** Check every quick fix with the netfilter evaluator and drop unsafe ones (default true). */
  checkFixes?: boolean;
  /**
   * Give every check every rule line, not only those its appliesTo selects (./applies.ts): slower, and the same
   * findings (what test/unit/lint-applies.test.ts shows).
   */
  everyLine?: boolean;
}

export interface LintResult {
  diagnostics: LintDiagnostic[];
  /** `dump` when the text is a full dump of Docker's own rules, `proposal` when it is a user's rule file. */
  kind: FileKind;
  /** Number of rules parsed. */
  ruleCount: number;
}

export function spanRange(span: Span): Range {
  return { start: { line: span.line, character: span.start }, end: { line: span.line, character: span.end } };
}
