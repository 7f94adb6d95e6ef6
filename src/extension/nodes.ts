/**
 * Keeps one connection and the last discovered model per configured node; refreshes them in parallel, so a
 * node that fails shows its error while the others stay correct.
 *
 * Like OpenSSH, only network failures are tried again by themselves (with backoff). An authentication,
 * key-file or host-key failure waits for the user: it is not retried by a timer, by Refresh All or by a
 * trace — only by Retry / Refresh on that node, or by a change to its settings. (A server that sees the
 * same failing key again and again is what fail2ban bans, cutting off the good nodes on that host too.)
 */
import * as vscode from 'vscode';
import type { ConnectHooks, NodeConfig } from '../core/connect';
import type { NodeConnection } from '../core/discovery';
import { config } from './config';
import { heavy } from './lazy';
import { errorMessage } from '../core/diagnostics';
import { TransportError } from '../core/transport/types';
import type { Logger } from '../core/log';
import type { NodeModel } from '../core/model';

export type NodeStatus = 'idle' | 'connecting' | 'ok' | 'error';

export interface NodeState {
  config: NodeConfig;
  status: NodeStatus;
  model?: NodeModel;
  error?: string;
  conn?: NodeConnection;
  failures: number;
  /** When the automatic reconnect is due (ms since epoch), while one is scheduled. */
  nextAttempt?: number;
  retryTimer?: NodeJS.Timeout;
  /** The last failure needs the user (authentication, key file, host key, sudo): no automatic attempt. */
  needsUser?: boolean;
  /** A connect under way (callers share it). */
  connecting?: Promise<NodeConnection>;
  /** A discovery under way (callers share it). */
  refreshing?: Promise<void>;
}

/** Failures that trying again cannot fix without the user: never retried automatically. */
export function needsUser(e: unknown): boolean {
  return e instanceof TransportError && (e.kind === 'auth' || e.kind === 'hostkey' || e.kind === 'sudo');
}

/** What the tree shows on the node row: the cause, the words before the first colon. */
export function causeOf(message: string): string {
  for (const [re, cause] of CAUSES) {
    const m = re.exec(message);
    if (m) return cause || m[1];
  }
  const i = message.indexOf(': ');
  return i > 0 && i < 40 ? message.slice(0, i) : message;
}

/** Causes of errors that do not lead with one (Docker API, local socket): by the system error in them. */
const CAUSES: [RegExp, string][] = [
  [/^(authentication failed|host key not trusted|connection refused|host unreachable|network unreachable|unknown host|timed out|key file not readable|key is encrypted|wrong passphrase|passphrase not given|cancelled)\b/, ''],
  [/\bECONNREFUSED\b/, 'connection refused'],
  [/\bENOENT\b.*\.sock|\.sock.*\bENOENT\b/, 'Docker socket not found'],
  [/\bEACCES\b/, 'permission denied'],
  [/\b(EHOSTUNREACH|EHOSTDOWN)\b/, 'host unreachable'],
  [/\b(ETIMEDOUT|timed out|timeout)\b/i, 'timed out'],
  [/\bENOTFOUND\b/, 'unknown host'],
  [/certificate|self[- ]signed|\bTLS\b|\bSSL\b/i, 'TLS failed'],
  [/sudo needs a password/, 'sudo needs a password'],
];

export interface RefreshOptions {
  signal?: AbortSignal;
  /** The user asked for this node (Retry, Refresh on the node): also after a failure that needs the user. */
  force?: boolean;
}

/** Automatic reconnects after a failure: 2, 4, 8, 16, 32, 60 s, then only a manual refresh tries again. */
export const MAX_AUTO_RETRIES = 6;
export function backoffMs(failures: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.min(failures, 6));
}

export class NodeManager implements vscode.Disposable {
  private readonly states = new Map<string, NodeState>();
  private readonly changed = new vscode.EventEmitter<NodeState | undefined>();
  readonly onDidChange = this.changed.event;

  private disposed = false;

  constructor(
    private readonly hooks: (node: NodeConfig) => ConnectHooks | Promise<ConnectHooks>,
    private readonly log: Logger,
    private readonly backoff: (failures: number) => number = backoffMs,
  ) {
    this.reloadConfig();
  }

  configs(): NodeConfig[] {
    return config.allNodes();
  }

  /**
   * Reads the settings again; returns the nodes that are new or whose settings changed (to rediscover). The
   * nodes keep the settings' order ("this machine" first): a node shown again takes its place, not the last.
   */
  reloadConfig(): string[] {
    const next = new Map<string, NodeState>();
    const touched: string[] = [];
    for (const c of this.configs()) {
      const s = this.states.get(c.name);
      if (s && JSON.stringify(s.config) === JSON.stringify(c)) {
        next.set(c.name, s);
        continue;
      }
      if (s) this.drop(s);
      next.set(c.name, { config: c, status: 'idle', failures: 0 });
      touched.push(c.name);
    }
    for (const [name, s] of this.states) if (!next.has(name)) this.drop(s);
    this.states.clear();
    for (const [name, s] of next) this.states.set(name, s);
    this.changed.fire(undefined);
    return touched;
  }

  private drop(s: NodeState): void {
    clearTimeout(s.retryTimer);
    void s.conn?.close();
  }

  all(): NodeState[] {
    return [...this.states.values()];
  }

  get(name: string): NodeState | undefined {
    return this.states.get(name);
  }

  models(): NodeModel[] {
    return this.all().flatMap((s) => (s.model ? [s.model] : []));
  }

  async connection(name: string, signal?: AbortSignal): Promise<NodeConnection> {
    const s = this.states.get(name);
    if (!s) throw new Error(`unknown node ${name}`);
    if (s.conn && !(s.conn.runner && 'isClosed' in s.conn.runner && (s.conn.runner as { isClosed: boolean }).isClosed)) return s.conn;
    if (s.needsUser) throw new TransportError(`${s.error ?? 'needs attention'} (not tried again: use Retry on the node)`, 'auth');
    if (!s.connecting) {
      // ssh2 and dockerode load with the first connection, not at activation.
      s.connecting = (async () => {
        const { connectNode } = await heavy();
        return connectNode(s.config, await this.hooks(s.config), signal);
      })().finally(() => (s.connecting = undefined));
    }
    s.conn = await s.connecting;
    return s.conn;
  }

  /** Discovers one node; errors are kept on the node, never thrown. */
  async refreshNode(name: string, opts: RefreshOptions | AbortSignal = {}): Promise<void> {
    const { signal, force } = opts instanceof AbortSignal ? { signal: opts, force: false } : opts;
    const s = this.states.get(name);
    if (!s || this.disposed) return;
    if (s.needsUser && !force) {
      this.log.debug(`${name}: not refreshed: ${s.error} (waits for Retry)`);
      return;
    }
    // One discovery per node at a time: a second caller (settings event at startup, a trace) shares it.
    if (s.refreshing) return s.refreshing;
    s.refreshing = this.discover(s, signal).finally(() => (s.refreshing = undefined));
    return s.refreshing;
  }

  private async discover(s: NodeState, signal: AbortSignal | undefined): Promise<void> {
    const name = s.config.name;
    clearTimeout(s.retryTimer);
    s.retryTimer = undefined;
    s.nextAttempt = undefined;
    s.needsUser = false;
    s.status = 'connecting';
    this.changed.fire(s);
    const t0 = Date.now();
    try {
      const conn = await this.connection(name, signal);
      const tc = Date.now() - t0;
      const { discoverNode } = await heavy();
      s.model = await discoverNode(conn, { signal });
      s.status = 'ok';
      s.error = undefined;
      s.failures = 0;
      this.log.info(`${name}: discovered ${s.model.namespaces.length} namespaces, ${s.model.networks.length} networks in ${Date.now() - t0} ms (connect ${tc} ms, discovery ${s.model.discoveryMs} ms)`);
      this.warnSameSwarmNode(s);
      for (const d of s.model.diagnostics) this.log.warn(`${name}: [${d.source}] ${d.message}${d.excerpt ? ` — ${d.excerpt}` : ''}`);
    } catch (e) {
      this.failed(s, e, signal?.aborted === true);
    }
    this.changed.fire(s);
  }

  /** Two entries that turn out to be the same swarm node (same node id): say so once. */
  private warnSameSwarmNode(s: NodeState): void {
    const id = s.model?.swarm?.nodeId;
    const other = id ? this.all().find((o) => o !== s && o.model?.swarm?.nodeId === id) : undefined;
    if (!other || !id) return;
    const msg = `${s.config.name} and ${other.config.name} are the same swarm node (id ${id.slice(0, 12)}): remove one of them.`;
    this.log.warn(msg);
    if (!this.warnedSame.has(id)) void vscode.window.showWarningMessage(`Swarm: ${msg}`);
    this.warnedSame.add(id);
  }

  private readonly warnedSame = new Set<string>();

  private failed(s: NodeState, e: unknown, cancelled: boolean): void {
    const name = s.config.name;
    s.status = 'error';
    s.error = errorMessage(e);
    s.failures += 1;
    void s.conn?.close();
    s.conn = undefined;
    s.needsUser = needsUser(e);
    // Only network failures come back by themselves, with exponential backoff; cancelled ones do not.
    if (!cancelled && !s.needsUser && s.failures <= MAX_AUTO_RETRIES && !this.disposed) {
      const wait = this.backoff(s.failures);
      s.nextAttempt = Date.now() + wait;
      s.retryTimer = setTimeout(() => void this.refreshNode(name), wait);
      s.retryTimer.unref?.();
    }
    const next = s.nextAttempt
      ? ` (retrying in ${Math.round((s.nextAttempt - Date.now()) / 1000)} s)`
      : cancelled
        ? ''
        : s.needsUser
          ? ' (not retried automatically: fix it, then Retry on the node)'
          : ' (no more automatic retries; refresh to try again)';
    this.log.error(`${name}: ${s.error}${next}`);
  }

  /** Refreshes every node except those whose failure waits for the user. */
  async refreshAll(signal?: AbortSignal): Promise<void> {
    await Promise.all(this.all().map((s) => this.refreshNode(s.config.name, { signal })));
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.states.values()) {
      clearTimeout(s.retryTimer);
      void s.conn?.close();
    }
    this.changed.dispose();
  }
}
