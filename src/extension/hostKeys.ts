/**
 * The VS Code side of host-key trust: the core policy (makeKnownHostsVerifier) decides, this file asks.
 * An unknown host gets a modal warning with host, key type and SHA256 fingerprint and the choices
 * "Trust Once" / "Trust and Save" (cancel refuses). A changed or revoked key is refused with an error message.
 */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../core/log';
import { knownHostName, makeKnownHostsVerifier, type UnknownHostChoice, type UnknownHostInfo } from '../core/transport/knownHosts';
import type { HostKeyInfo, HostKeyVerifier } from '../core/transport/ssh';

export const TRUST_ONCE = 'Trust Once';
export const TRUST_AND_SAVE = 'Trust and Save';

export function defaultKnownHostsPath(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

/** The text of the unknown-host question (exported for tests). */
export function unknownHostDetail(info: UnknownHostInfo): string {
  const lines = [
    `Host: ${knownHostName(info.host, info.port)}`,
    `Key type: ${info.keyType}`,
    `Fingerprint: ${info.fingerprint}`,
    '',
    'Compare the fingerprint with the output of `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on the host before trusting it.',
  ];
  if (info.otherKeyTypes.length) lines.push('', `Keys of other types (${info.otherKeyTypes.join(', ')}) are already known for this host.`);
  lines.push('', `"Trust and Save" adds the key to ${info.knownHostsPath}.`);
  return lines.join('\n');
}

export async function askUnknownHost(info: UnknownHostInfo): Promise<UnknownHostChoice> {
  const choice = await vscode.window.showWarningMessage(
    `The authenticity of host ${knownHostName(info.host, info.port)} can't be established.`,
    { modal: true, detail: unknownHostDetail(info) },
    TRUST_ONCE,
    TRUST_AND_SAVE,
  );
  if (choice === TRUST_AND_SAVE) return 'save';
  if (choice === TRUST_ONCE) return 'once';
  return 'reject';
}

export function mismatchMessage(info: HostKeyInfo, line: number, detail: { status: 'mismatch' | 'revoked'; path: string; expectedType?: string }): string {
  const where = knownHostName(info.host, info.port);
  if (detail.status === 'revoked') {
    return `Host key ${info.keyType} ${info.fingerprint} of ${where} is REVOKED (${detail.path}:${line}). Connection refused.`;
  }
  return (
    `HOST KEY CHANGED for ${where}: it presented ${info.keyType} ${info.fingerprint}, which does not match ${detail.path}:${line}. ` +
    'Someone could be intercepting the connection, or the host was reinstalled. Connection refused; if the change is expected, ' +
    `remove the old key (ssh-keygen -R '${where}') and connect again.`
  );
}

/** The verifier the extension passes to connectNode. */
export function makeHostKeyVerifier(log: Logger, knownHostsPath = defaultKnownHostsPath(), extraKnownHostsPaths: string[] = ['/etc/ssh/ssh_known_hosts']): HostKeyVerifier {
  return makeKnownHostsVerifier({
    knownHostsPath,
    extraKnownHostsPaths,
    onUnknown: async (info) => {
      const choice = await askUnknownHost(info);
      log.info(`${knownHostName(info.host, info.port)}: unknown host key ${info.keyType} ${info.fingerprint}: ${choice}`);
      return choice;
    },
    onMismatch: (info, line, detail) => {
      const msg = mismatchMessage(info, line, detail);
      log.error(msg);
      void vscode.window.showErrorMessage(msg);
    },
  });
}
