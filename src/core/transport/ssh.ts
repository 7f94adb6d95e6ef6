/**
 * Commands and Docker API streams over one ssh2 connection per node. Commands are argv arrays joined with
 * strict quoting (./quote.ts); host keys are verified by a caller-supplied policy before authentication.
 */
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import { DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_MS, makeCollector } from './collect';
import { fingerprintSha256, keyTypeOfBlob } from './knownHosts';
import { shellJoin } from './quote';
import { TransportError, type CommandRunner, type RunOptions, type RunResult } from './types';

export interface HostKeyInfo {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  key: Buffer;
}

/** Decides whether to trust a host key. Must never trust silently: the default refuses. */
export type HostKeyVerifier = (info: HostKeyInfo) => Promise<boolean> | boolean;

export interface SshTarget {
  host: string;
  port?: number;
  username: string;
  privateKey?: Buffer | string;
  passphrase?: string;
  /** Path to an ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string;
  password?: string;
  verifyHostKey: HostKeyVerifier;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Connect through this host first (ProxyJump). */
  jump?: SshTarget;
}

export interface SshRunnerOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Prefix commands with `sudo -n` (for non-root users). */
  sudo?: boolean;
}

function classifyConnectError(err: Error & { level?: string; code?: string }, target: SshTarget, hostKeyRejected: string | undefined): TransportError {
  const where = `${target.username}@${target.host}:${target.port ?? 22}`;
  if (hostKeyRejected) return new TransportError(`${where}: host key not trusted (${hostKeyRejected})`, 'hostkey');
  if (err.level === 'client-authentication') {
    return new TransportError(`${where}: authentication failed (key, agent or passphrase not accepted)`, 'auth');
  }
  if (err.level === 'client-timeout' || /Timed out/i.test(err.message)) {
    return new TransportError(`${where}: timed out while connecting`, 'timeout');
  }
  if (/passphrase|Encrypted private/i.test(err.message)) {
    return new TransportError(`${where}: cannot read private key: ${err.message}`, 'auth');
  }
  return new TransportError(`${where}: cannot connect: ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' ').trim(), 'connect');
}

export async function connectSsh(target: SshTarget, sock?: Duplex): Promise<{ client: Client; jumpClients: Client[] }> {
  const jumpClients: Client[] = [];
  if (target.jump && !sock) {
    const jumped = await connectSsh(target.jump);
    jumpClients.push(jumped.client, ...jumped.jumpClients);
    sock = await new Promise<Duplex>((resolve, reject) => {
      jumped.client.forwardOut('127.0.0.1', 0, target.host, target.port ?? 22, (err, stream) => {
        if (err) {
          // Close the jump connection(s): left open they leak (and keep the process alive).
          for (const j of jumpClients) j.end();
          reject(new TransportError(`ProxyJump ${target.jump?.host}: cannot reach ${target.host}:${target.port ?? 22}: ${err.message}`, 'connect'));
        } else resolve(stream);
      });
    });
  }
  const client = new Client();
  let hostKeyRejected: string | undefined;
  const port = target.port ?? 22;
  const cfg: ConnectConfig = {
    host: target.host,
    port,
    username: target.username,
    privateKey: target.privateKey,
    passphrase: target.passphrase,
    agent: target.agent,
    password: target.password,
    readyTimeout: target.readyTimeoutMs ?? 10_000,
    keepaliveInterval: target.keepaliveIntervalMs ?? 10_000,
    keepaliveCountMax: 3,
    sock,
    hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
      const info: HostKeyInfo = { host: target.host, port, keyType: keyTypeOfBlob(key), fingerprint: fingerprintSha256(key), key };
      Promise.resolve()
        .then(() => target.verifyHostKey(info))
        .then((ok) => {
          if (!ok) hostKeyRejected = `${info.keyType} ${info.fingerprint}`;
          verify(ok);
        })
        .catch((e: unknown) => {
          hostKeyRejected = e instanceof Error ? e.message : String(e);
          verify(false);
        });
    },
  };
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      client.removeListener('ready', onReady);
      // ssh2 can emit a second error later (e.g. "Connection lost before handshake" after a ready timeout):
      // without a listener that is an uncaught exception. Swallow it and close the socket now.
      client.on('error', () => undefined);
      client.end();
      for (const j of jumpClients) j.end();
      reject(classifyConnectError(err, target, hostKeyRejected));
    };
    const onReady = (): void => {
      client.removeListener('error', onError);
      client.on('error', () => undefined);
      resolve();
    };
    client.once('ready', onReady);
    client.once('error', onError);
    try {
      client.connect(cfg);
    } catch (e) {
      onError(e instanceof Error ? e : new Error(String(e)));
    }
  });
  return { client, jumpClients };
}

/**
 * The remote side bounds the command too: OpenSSH ignores signal requests on root sessions ("session
 * signalling requires privilege separation"), so a command we gave up on would run on. `timeout -s KILL`
 * (coreutils / busybox) ends it a second after our own deadline; argv passes through "$@" untouched.
 */
export function remotelyBounded(argv: readonly string[], timeoutMs: number): string[] {
  const secs = String(Math.ceil(timeoutMs / 1000) + 1);
  return ['sh', '-c', 'command -v timeout >/dev/null 2>&1 && exec timeout -s KILL "$0" "$@"; exec "$@"', secs, ...argv];
}

export class SshRunner implements CommandRunner {
  readonly description: string;
  private closed = false;

  private constructor(
    private readonly client: Client,
    private readonly jumpClients: Client[],
    target: SshTarget,
    private readonly opts: SshRunnerOptions,
  ) {
    this.description = `ssh ${target.username}@${target.host}:${target.port ?? 22}${target.jump ? ` via ${target.jump.host}` : ''}`;
    client.on('close', () => {
      this.closed = true;
    });
  }

  static async connect(target: SshTarget, opts: SshRunnerOptions = {}): Promise<SshRunner> {
    const { client, jumpClients } = await connectSsh(target);
    return new SshRunner(client, jumpClients, target, opts);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The exact command line sent to the remote shell for argv (exposed for tests and logs). */
  commandLine(argv: readonly string[]): string {
    return shellJoin(this.opts.sudo ? ['sudo', '-n', '--', ...argv] : argv);
  }

  run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    if (this.closed) return Promise.reject(new TransportError(`${this.description}: connection closed`, 'connect'));
    const timeoutMs = opts.timeoutMs ?? this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = opts.maxOutputBytes ?? this.opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    let line: string;
    try {
      line = this.commandLine(remotelyBounded(argv, timeoutMs));
    } catch (e) {
      return Promise.reject(new TransportError(e instanceof Error ? e.message : String(e), 'exec'));
    }
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new TransportError('cancelled', 'cancelled'));
        return;
      }
      this.client.exec(line, (err, stream: ClientChannel) => {
        if (err) {
          reject(new TransportError(`${this.description}: exec failed: ${err.message}`, 'exec'));
          return;
        }
        let settled = false;
        let graceTimer: NodeJS.Timeout | undefined;
        const stop = (): void => {
          // ssh2's Channel.signal() silently does nothing once stdin has been closed (it checks `writable`),
          // yet a signal request after EOF is valid SSH and OpenSSH honours it (killpg): send it directly.
          try {
            const ch = stream as unknown as { outgoing?: { id: number; state: string }; _client?: { _protocol?: { signal(id: number, sig: string): void } } };
            if (ch.outgoing && (ch.outgoing.state === 'open' || ch.outgoing.state === 'eof')) ch._client?._protocol?.signal(ch.outgoing.id, 'KILL');
            else stream.signal('KILL');
          } catch {
            /* not all servers support signals */
          }
          stream.close();
          // Never wait on the server: if it does not close the channel soon, settle anyway (OpenSSH refuses
          // signals in some setups — "session signalling requires privilege separation" — and keeps the channel
          // open until the process ends by itself).
          graceTimer ??= setTimeout(() => settle(), 500);
        };
        const col = makeCollector(maxBytes, stop);
        const timer = setTimeout(() => {
          col.markTimedOut();
          stop();
        }, timeoutMs);
        const onAbort = (): void => stop();
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        let exitCode: number | null = null;
        let gotExit = false;
        const settle = (): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (graceTimer) clearTimeout(graceTimer);
          opts.signal?.removeEventListener('abort', onAbort);
          if (opts.signal?.aborted) {
            reject(new TransportError('cancelled', 'cancelled'));
            return;
          }
          if (!gotExit && !col.timedOut && !col.truncated && this.closed) {
            reject(new TransportError(`${this.description}: connection lost while running ${argv[0]}`, 'connect'));
            return;
          }
          const r = col.finish(exitCode);
          if (this.opts.sudo && r.code !== 0 && /sudo: (a password is required|a terminal is required)/.test(r.stderr)) {
            reject(new TransportError(`${this.description}: sudo needs a password for ${argv[0]} (configure NOPASSWD for read-only commands, or connect as root)`, 'sudo'));
            return;
          }
          resolve(r);
        };
        stream.on('data', (c: Buffer) => col.onStdout(c));
        stream.stderr.on('data', (c: Buffer) => col.onStderr(c));
        stream.on('exit', (code: number | null) => {
          gotExit = true;
          exitCode = typeof code === 'number' ? code : null;
        });
        // When the connection drops, ssh2 closes the channel before the client emits 'close': look again on
        // the next turn so a lost connection is an error, not an empty successful-looking result.
        stream.on('close', () => setTimeout(settle, gotExit ? 0 : 20));
        if (opts.stdin !== undefined) stream.end(opts.stdin);
        else stream.end();
      });
    });
  }

  /** Opens a stream to a unix socket on the node (e.g. /var/run/docker.sock) through the SSH connection. */
  openUnixSocket(path: string): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.client.openssh_forwardOutStreamLocal(path, (err, stream) => {
        if (err) reject(new TransportError(`${this.description}: cannot open ${path}: ${err.message}`, 'connect'));
        else resolve(stream);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.end();
    for (const j of this.jumpClients) j.end();
  }
}
