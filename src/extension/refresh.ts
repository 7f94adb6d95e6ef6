/**
 * Discovery runs the user sees, inside the view (like the Container Tools and Remote-SSH views): a progress
 * bar on the view, the view's message naming the nodes still pending, each node's row spinning until it is
 * done, and a Cancel button in the view title that also aborts connects in flight. Every node goes at its
 * own pace: a hung node delays nobody else's row. Timings go to the Swarm Network log.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { NodeManager } from './nodes';

export const VIEW_ID = 'swarmnet.explorer';
export const DISCOVERING_CONTEXT = 'swarmnet.discovering';

/** The view message while nodes are pending: `Discovering node2, node3… (1 of 3 done)`. */
export function pendingMessage(pending: readonly string[], total: number): string {
  if (pending.length === 0) return '';
  const names = pending.length > 4 ? `${pending.slice(0, 4).join(', ')} and ${pending.length - 4} more` : pending.join(', ');
  return `Discovering ${names}… (${total - pending.length} of ${total} done)`;
}

export interface ViewLike {
  message?: string;
}

export class Refresher {
  private readonly runs = new Set<AbortController>();
  private readonly pending = new Set<string>();
  private total = 0;

  constructor(
    private readonly nodes: NodeManager,
    private readonly log: Logger,
    private readonly view?: ViewLike,
  ) {}

  /** Discovers the named nodes (default: all) in parallel; `force` also retries failures that wait for the user. */
  async run(names?: string[], force = false): Promise<void> {
    const targets = names ?? this.nodes.all().map((s) => s.config.name);
    if (targets.length === 0) return;
    const ac = new AbortController();
    this.runs.add(ac);
    for (const n of targets) this.pending.add(n);
    this.total += targets.length;
    this.show();
    void vscode.commands.executeCommand('setContext', DISCOVERING_CONTEXT, true);
    const t0 = Date.now();
    try {
      await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () =>
        Promise.all(
          targets.map(async (name) => {
            await this.nodes.refreshNode(name, { signal: ac.signal, force });
            this.pending.delete(name);
            this.log.debug(`${name}: done ${Date.now() - t0} ms after the refresh started`);
            this.show();
          }),
        ),
      );
      this.log.info(`discovery of ${targets.length} node(s) (${targets.join(', ')}) finished in ${Date.now() - t0} ms${ac.signal.aborted ? ' (cancelled)' : ''}`);
    } finally {
      this.runs.delete(ac);
      if (this.runs.size === 0) {
        this.total = 0;
        this.pending.clear();
        this.show();
        void vscode.commands.executeCommand('setContext', DISCOVERING_CONTEXT, false);
      }
    }
  }

  /** Cancels every discovery in flight, connects included. */
  cancel(): void {
    const n = this.runs.size;
    for (const ac of this.runs) ac.abort();
    if (n) this.log.info(`discovery cancelled (pending: ${[...this.pending].join(', ') || 'none'})`);
  }

  private show(): void {
    if (this.view) this.view.message = pendingMessage([...this.pending], this.total) || undefined;
  }
}
