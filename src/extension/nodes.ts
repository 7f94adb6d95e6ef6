/**
 * Keeps one connection and the last discovered model per configured node; refreshes them in parallel, so a
 * node that fails shows its error while the others stay correct. Reconnects with backoff on refresh.
 */
import * as vscode from 'vscode';
import type { ConnectHooks, NodeConfig } from '../core/connect';
import type { NodeConnection } from '../core/discovery';
import { config } from './config';
import { errorMessage } from '../core/diagnostics';
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

  /** Reads the settings again; returns the nodes that are new or whose settings changed (to rediscover). */
  reloadConfig(): string[] {
    const seen = new Set<string>();
    const touched: string[] = [];
    for (const c of this.configs()) {
      seen.add(c.name);
      const s = this.states.get(c.name);
      if (s && JSON.stringify(s.config) === JSON.stringify(c)) continue;
      if (s) this.drop(s);
      this.states.set(c.name, { config: c, status: 'idle', failures: 0 });
      touched.push(c.name);
    }
    for (const [name, s] of this.states) {
      if (seen.has(name)) continue;
      this.drop(s);
      this.states.delete(name);
    }
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

  async connection(name: string): Promise<NodeConnection> {
    const s = this.states.get(name);
    if (!s) throw new Error(`unknown node ${name}`);
    if (s.conn && !(s.conn.runner && 'isClosed' in s.conn.runner && (s.conn.runner as { isClosed: boolean }).isClosed)) return s.conn;
    // ssh2 and dockerode load with the first connection, not at activation.
    const { connectNode } = await import('../core/connect');
    s.conn = await connectNode(s.config, await this.hooks(s.config));
    return s.conn;
  }

  /** Discovers one node; errors are kept on the node, never thrown. */
  async refreshNode(name: string, signal?: AbortSignal): Promise<void> {
    const s = this.states.get(name);
    if (!s || this.disposed) return;
    clearTimeout(s.retryTimer);
    s.retryTimer = undefined;
    s.nextAttempt = undefined;
    s.status = 'connecting';
    this.changed.fire(s);
    try {
      const conn = await this.connection(name);
      const { discoverNode } = await import('../core/discovery');
      s.model = await discoverNode(conn, { signal });
      s.status = 'ok';
      s.error = undefined;
      s.failures = 0;
      s.nextAttempt = undefined;
      this.log.info(`${name}: discovered ${s.model.namespaces.length} namespaces, ${s.model.networks.length} networks in ${s.model.discoveryMs} ms`);
      for (const d of s.model.diagnostics) this.log.warn(`${name}: [${d.source}] ${d.message}${d.excerpt ? ` — ${d.excerpt}` : ''}`);
    } catch (e) {
      s.status = 'error';
      s.error = errorMessage(e);
      s.failures += 1;
      void s.conn?.close();
      s.conn = undefined;
      // Automatic reconnect with exponential backoff (a manual refresh always tries at once); cancelled
      // discoveries are not retried.
      const cancelled = signal?.aborted === true;
      if (!cancelled && s.failures <= MAX_AUTO_RETRIES && !this.disposed) {
        const wait = this.backoff(s.failures);
        s.nextAttempt = Date.now() + wait;
        s.retryTimer = setTimeout(() => void this.refreshNode(name), wait);
        s.retryTimer.unref?.();
      }
      this.log.error(`${name}: ${s.error}${s.nextAttempt ? ` (retrying in ${Math.round((s.nextAttempt - Date.now()) / 1000)} s)` : cancelled ? '' : ' (no more automatic retries; refresh to try again)'}`);
    }
    this.changed.fire(s);
  }

  async refreshAll(signal?: AbortSignal): Promise<void> {
    await Promise.all(this.all().map((s) => this.refreshNode(s.config.name, signal)));
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
