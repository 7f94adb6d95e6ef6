/**
 * Host-key policy for the extension: known_hosts first; an unknown key is shown (type + SHA256 fingerprint)
 * and trusted only when the user says so; a changed key is refused with a warning. Never trusts silently.
 */
import * as vscode from 'vscode';
import { appendFile, readFile } from 'node:fs/promises';
import { checkHostKey, knownHostsLine } from '../core/transport/knownHosts';
import type { HostKeyVerifier } from '../core/transport/ssh';
import type { Logger } from '../core/log';

export function hostKeyVerifier(knownHostsPath: string, log: Logger): HostKeyVerifier {
  return async (info) => {
    const text = await readFile(knownHostsPath, 'utf8').catch(() => '');
    const verdict = checkHostKey(text, info.host, info.port, info.keyType, info.key);
    if (verdict.status === 'match') return true;
    if (verdict.status === 'mismatch' || verdict.status === 'revoked') {
      const why = verdict.status === 'revoked' ? 'is REVOKED' : `does not match the key in ${knownHostsPath}:${verdict.line}`;
      log.error(`${info.host}:${info.port}: host key ${info.keyType} ${info.fingerprint} ${why}; connection refused`);
      void vscode.window.showErrorMessage(`Host key for ${info.host}:${info.port} ${why}. Someone could be intercepting the connection (or the host was reinstalled). Connection refused; fix known_hosts if the change is expected.`, { modal: false });
      return false;
    }
    const choice = await vscode.window.showWarningMessage(
      `Unknown host ${info.host}:${info.port}`,
      { modal: true, detail: `${info.keyType} key fingerprint is ${info.fingerprint}.\nCompare it with \`ssh-keygen -lf\` on the host before trusting it.` },
      'Trust Once',
      'Trust and Save',
    );
    if (choice === 'Trust and Save') {
      await appendFile(knownHostsPath, `${text && !text.endsWith('\n') ? '\n' : ''}${knownHostsLine(info.host, info.port, info.key)}\n`, { mode: 0o600 });
      log.info(`${info.host}:${info.port}: host key ${info.fingerprint} saved to ${knownHostsPath}`);
      return true;
    }
    return choice === 'Trust Once';
  };
}
