/**
 * What the trust suite (trust.test.ts) needs around the workbench: a HOME whose ~/.ssh holds the lab's key and
 * known_hosts (what Add Node offers), a throwaway sshd on loopback whose log is the witness of every authentication
 * attempt, a key that sshd does not accept and one with a passphrase that it does, and the settings files.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeKey, startSshd, type KeyPair, type Sshd } from '../ssh/sshd';
import { LAB_JSON, REPO_ROOT } from './harness';

export const PASSPHRASE = 'swarmnet e2e passphrase';

export interface TrustEnv {
  /** HOME of code-server (and so of the extension host). */
  home: string;
  /** The lab key as ~/.ssh/id_ed25519 of that HOME. */
  homeKey: string;
  sshd: Sshd;
  /** Not in sshd's authorized_keys. */
  wrong: KeyPair;
  /** Authorized; encrypted with PASSPHRASE. */
  locked: KeyPair;
  /** A node of `swarmnet.nodes` reaching the throwaway sshd as root. */
  node(name: string, keyPath: string): Record<string, unknown>;
  /** Failed public-key attempts sshd logged for `k` (VERBOSE logs each with the key's fingerprint). */
  failedFor(k: KeyPair): number;
  acceptedFor(k: KeyPair): number;
  stop(): Promise<void>;
}

const fingerprint = (k: KeyPair): string => `SHA256:${createHash('sha256').update(k.blob).digest('base64').replace(/=+$/, '')}`;

export async function startTrustEnv(): Promise<TrustEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'swarmnet-e2e-trust-'));
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const lab = JSON.parse(readFileSync(LAB_JSON, 'utf8')) as { nodes: { keyPath: string }[]; knownHosts?: string };
  const homeKey = join(home, '.ssh', 'id_ed25519');
  copyFileSync(lab.nodes[0].keyPath, homeKey);
  copyFileSync(`${lab.nodes[0].keyPath}.pub`, `${homeKey}.pub`);
  copyFileSync(lab.knownHosts ?? join(REPO_ROOT, '.lab', 'known_hosts'), join(home, '.ssh', 'known_hosts'));
  const wrong = makeKey(dir, 'id_wrong');
  const locked = makeKey(dir, 'id_locked', { passphrase: PASSPHRASE });
  const sshd = await startSshd({ authorizedKeys: [locked.pub] });
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostKey.pub.split(/\s+/).slice(0, 2).join(' ')}\n`);
  const count = (re: RegExp, k: KeyPair): number =>
    sshd.log().split('\n').filter((l) => re.test(l) && l.includes(fingerprint(k))).length;
  return {
    home,
    homeKey,
    sshd,
    wrong,
    locked,
    node: (name, keyPath) => ({ name, transport: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root', keyPath, useAgent: false, knownHostsFile: knownHosts }),
    failedFor: (k) => count(/Failed publickey for root/, k),
    acceptedFor: (k) => count(/Accepted publickey for root/, k),
    stop: async () => {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A settings.json as an object ({} when the file does not exist). */
export function readSettings(path: string): Record<string, unknown> {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
}

/** Sets (or with `undefined` removes) keys of a settings.json, as a user editing the file would. */
export function editSettings(path: string, changes: Record<string, unknown>): void {
  const s = readSettings(path);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete s[k];
    else s[k] = v;
  }
  writeFileSync(path, JSON.stringify(s, null, 2));
}
