/**
 * Passphrases of encrypted key files, in VS Code's SecretStorage only (never in settings), and only once
 * they worked: an answer is kept in memory until the key decrypted and the server accepted it; a wrong one
 * is forgotten (also when it was stored) and the user is asked again.
 */
import * as vscode from 'vscode';
import type { NodeConfig } from '../core/nodeConfig';
import type { Logger } from '../core/log';

const keyOf = (node: string): string => `swarmnet.passphrase.${node}`;

export class Secrets {
  constructor(
    private readonly store: vscode.SecretStorage,
    private readonly log: Logger,
  ) {}

  /** The stored passphrase (unless the last one was wrong), or asks for one. */
  async passphrase(node: NodeConfig, attempt: { wrong: boolean } = { wrong: false }): Promise<string | undefined> {
    if (!attempt.wrong) {
      const stored = await this.store.get(keyOf(node.name));
      if (stored !== undefined) return stored;
    }
    const entered = await vscode.window.showInputBox({
      title: `Passphrase for ${node.keyPath}`,
      prompt: attempt.wrong
        ? `Wrong passphrase for ${node.keyPath} — try again (node ${node.name}).`
        : `Node ${node.name}: the key is encrypted. Once it works, the passphrase is kept in VS Code's secret storage.`,
      password: true,
      ignoreFocusOut: true,
    });
    this.log.info(`${node.name}: passphrase for ${node.keyPath} ${entered === undefined ? 'not given' : attempt.wrong ? 'asked again after a wrong one' : 'entered'}`);
    return entered;
  }

  async accepted(node: NodeConfig, passphrase: string): Promise<void> {
    if ((await this.store.get(keyOf(node.name))) === passphrase) return;
    await this.store.store(keyOf(node.name), passphrase);
    this.log.info(`${node.name}: passphrase worked; kept in secret storage`);
  }

  async rejected(node: NodeConfig): Promise<void> {
    this.log.warn(`${node.name}: wrong passphrase for ${node.keyPath}`);
    await this.forget(node.name);
  }

  async forget(node: string): Promise<void> {
    await this.store.delete(keyOf(node));
  }
}
