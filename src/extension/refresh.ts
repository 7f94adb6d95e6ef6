/** Discovery runs the user sees: all nodes or some, with progress and cancel. */
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { NodeManager } from './nodes';

export class Refresher {
  constructor(
    private readonly nodes: NodeManager,
    private readonly log: Logger,
  ) {}

  /** Discovers the named nodes (default: all) in parallel. */
  run(names?: string[], force = false): Thenable<void> {
    const targets = names ?? this.nodes.all().map((s) => s.config.name);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Swarm: discovering nodes', cancellable: true }, async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      let done = 0;
      await Promise.all(
        targets.map(async (name) => {
          await this.nodes.refreshNode(name, { signal: ac.signal, force });
          done += 1;
          progress.report({ message: `${done}/${targets.length} ${name}`, increment: 100 / Math.max(1, targets.length) });
        }),
      );
      this.log.debug(`discovery of ${targets.length} node(s) done`);
    });
  }
}
