/** Passphrases of encrypted key files, in VS Code's SecretStorage only (never in settings). */
import * as vscode from 'vscode';
import type { NodeConfig } from '../core/connect';
import type { Logger } from '../core/log';

const keyOf = (node: string): string => `swarmnet.passphrase.${node}`;

export class Secrets {
  constructor(
    private readonly store: vscode.SecretStorage,
    private readonly log: Logger,
  ) {}

  /** The stored passphrase, or asks for one. */
  async passphrase(node: NodeConfig): Promise<string | undefined> {
    const stored = await this.store.get(keyOf(node.name));
    if (stored !== undefined) return stored;
    const entered = await vscode.window.showInputBox({ title: `Passphrase for ${node.keyPath}`, prompt: `Node ${node.name}: the key is encrypted. The passphrase is kept in VS Code's secret storage.`, password: true, ignoreFocusOut: true });
    if (entered !== undefined) await this.store.store(keyOf(node.name), entered);
    return entered;
  }

  async forget(node: string): Promise<void> {
    await this.store.delete(keyOf(node));
    this.log.debug(`${node}: stored passphrase removed`);
  }
}
