/**
 * Throwaway OpenSSH servers on loopback for the SSH transport tests: each has its own host key, config and
 * authorized_keys in a temp dir, listens on a free 127.0.0.1 port, and is stopped (by its pid) at the end.
 * Needs root and /usr/sbin/sshd (openssh-server, installed by scripts/setup.sh): fails loudly otherwise.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers';

export const SSHD = '/usr/sbin/sshd';

export function requireRootAndSshd(): void {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} missing: install openssh-server (scripts/setup.sh does)`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new Error('the SSH tests start sshd and need root');
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = netConnect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`sshd did not listen on 127.0.0.1:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface KeyPair {
  path: string;
  pub: string;
  /** The public key's base64 blob. */
  blob: Buffer;
  type: string;
}

export function makeKey(dir: string, name: string, opts: { type?: string; passphrase?: string } = {}): KeyPair {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', opts.type ?? 'ed25519', '-N', opts.passphrase ?? '', '-C', `swarmnet-test-${name}`, '-f', path]);
  const pub = readFileSync(`${path}.pub`, 'utf8').trim();
  const [type, b64] = pub.split(/\s+/);
  return { path, pub, blob: Buffer.from(b64, 'base64'), type };
}

export interface Sshd {
  port: number;
  dir: string;
  hostKey: KeyPair;
  logFile: string;
  proc: ChildProcess;
  /** Child sshd processes (one per connection) — to kill a session mid-command. */
  sessionPids(): number[];
  log(): string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  authorizedKeys: string[];
  extraConfig?: string[];
  logLevel?: 'INFO' | 'VERBOSE' | 'DEBUG1';
}

export async function startSshd(opts: SshdOptions): Promise<Sshd> {
  requireRootAndSshd();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'swarmnet-sshd-'));
  // Readable by non-root users: sshd reads authorized_keys with the user's privileges.
  chmodSync(dir, 0o755);
  const hostKey = makeKey(dir, 'host_ed25519');
  const ak = join(dir, 'authorized_keys');
  writeFileSync(ak, `${opts.authorizedKeys.join('\n')}\n`, { mode: 0o644 });
  const port = await freePort();
  const logFile = join(dir, 'sshd.log');
  const cfg = join(dir, 'sshd_config');
  writeFileSync(
    cfg,
    [
      // sshd keeps the first value of a keyword: the test's own settings go first.
      ...(opts.extraConfig ?? []),
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey.path}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${ak}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'AllowTcpForwarding yes',
      'AllowStreamLocalForwarding yes',
      'MaxStartups 100',
      `LogLevel ${opts.logLevel ?? 'VERBOSE'}`,
      '',
    ].join('\n'),
  );
  execFileSync(SSHD, ['-t', '-f', cfg]);
  const proc = spawn(SSHD, ['-D', '-f', cfg, '-E', logFile], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await waitForPort(port, 5000);
  const listenerPid = proc.pid as number;
  return {
    port,
    dir,
    hostKey,
    logFile,
    proc,
    sessionPids: () => {
      const out: number[] = [];
      for (const line of execFileSync('ps', ['-o', 'pid=,ppid=', '-e'], { encoding: 'utf8' }).split('\n')) {
        const [pid, ppid] = line.trim().split(/\s+/).map(Number);
        if (ppid === listenerPid) out.push(pid);
      }
      return out;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A real ssh-agent on a private socket, with keys added by ssh-add. */
export async function startAgent(dir: string, keys: string[]): Promise<{ sock: string; stop: () => Promise<void> }> {
  const sock = join(dir, 'agent.sock');
  const proc = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const until = Date.now() + 5000;
  while (!existsSync(sock)) {
    if (Date.now() > until) throw new Error('ssh-agent did not create its socket');
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const k of keys) execFileSync('ssh-add', ['-q', k], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'pipe' });
  return {
    sock,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
    },
  };
}

export const TEST_USER = 'swarmnet-test';

/** Creates the throwaway non-root user (no password, not locked, no sudo rights). Returns true if created. */
export function ensureTestUser(): boolean {
  try {
    execFileSync('id', [TEST_USER], { stdio: 'pipe' });
    return false;
  } catch {
    execFileSync('useradd', ['--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/sh', TEST_USER], { stdio: 'pipe' });
    // '*' = no password login but not locked (sshd refuses locked accounts for key auth without PAM).
    execFileSync('usermod', ['-p', '*', TEST_USER], { stdio: 'pipe' });
    return true;
  }
}

export function removeTestUser(): void {
  try {
    execFileSync('userdel', [TEST_USER], { stdio: 'pipe' });
  } catch {
    /* already gone */
  }
}
