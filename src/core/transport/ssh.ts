/**
 * Commands and Docker API streams over one ssh2 connection per node. Commands are argv arrays joined with
 * strict quoting (./quote.ts); host keys are verified by a caller-supplied policy before authentication.
 *
 * run() goes through a persistent remote `sh` per connection when it can (see RemoteShell): an exec channel
 * makes sshd start the user's login shell for every command, and that shell's rc files (~/.bashrc is read
 * even for non-interactive sshd sessions) can cost 100–300 ms each time. The shell is started once; each
 * command is one line on its stdin followed by per-command random end markers on stdout and stderr.
 */
import { randomBytes } from 'node:crypto';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import { nullLogger, type Logger } from '../log';
import { DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_MS, makeCollector } from './collect';
import { fingerprintSha256, keyTypeOfBlob } from './knownHosts';
import { shellJoin } from './quote';
import { classifyConnectError } from './sshErrors';
import { TransportError, type CommandRunner, type RunOptions, type RunResult } from './types';

export { classifyConnectError } from './sshErrors';

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
  /** Aborting gives up a connect in flight (the socket is closed at once). */
  signal?: AbortSignal;
}

export interface SshRunnerOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Prefix commands with `sudo -n` (for non-root users). */
  sudo?: boolean;
  /**
   * Persistent remote shell for run(): 'eager' (default) opens it right after connecting, 'lazy' on the first
   * run, 'off' runs every command on its own exec channel. Falls back to exec by itself when the server
   * refuses or never answers (ForceCommand, no `sh`).
   */
  shell?: 'eager' | 'lazy' | 'off';
  /**
   * Persistent shells per connection (default 2: one is opened eagerly, the second when two runs overlap);
   * runs beyond them while all are busy use exec channels. Each shell holds one of sshd's MaxSessions.
   */
  maxShells?: number;
  /** How long a new shell may take to answer its handshake before shells are given up for this connection. */
  shellReadyTimeoutMs?: number;
  logger?: Logger;
}

/** Connects to the jump host and opens the forwarded stream to the target (ProxyJump); fills `jumpClients`. */
async function throughJump(target: SshTarget, jumpClients: Client[]): Promise<Duplex> {
  const jumped = await connectSsh({ ...(target.jump as SshTarget), signal: target.signal });
  jumpClients.push(jumped.client, ...jumped.jumpClients);
  return new Promise<Duplex>((resolve, reject) => {
    // Stryker disable next-line StringLiteral: the originator address of a direct-tcpip request is only logged by the jump host's sshd; it does not choose the route
    jumped.client.forwardOut('127.0.0.1', 0, target.host, target.port ?? 22, (err, stream) => {
      if (err) {
        // Close the jump connection(s): left open they leak (and keep the process alive).
        for (const j of jumpClients) j.end();
        // Stryker disable next-line OptionalChaining: throughJump is only called with a jump host
        reject(new TransportError(`ProxyJump ${target.jump?.host}: cannot reach ${target.host}:${target.port ?? 22}: ${err.message}`, 'connect'));
      } else resolve(stream);
    });
  });
}

export async function connectSsh(target: SshTarget, sock?: Duplex): Promise<{ client: Client; jumpClients: Client[] }> {
  const jumpClients: Client[] = [];
  if (target.jump && !sock) sock = await throughJump(target, jumpClients);
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
  if (target.signal?.aborted) {
    for (const j of jumpClients) j.end();
    throw new TransportError('cancelled', 'cancelled');
  }
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      // Stryker disable next-line StringLiteral: after client.end() below ssh2 emits no 'ready', so a listener left behind is never called
      client.removeListener('ready', onReady);
      // Stryker disable next-line StringLiteral: a later error on the ended client would only settle the settled promise and end the ended connections again
      client.removeListener('error', onError);
      client.on('error', () => undefined);
      client.end();
      for (const j of jumpClients) j.end();
      reject(new TransportError(`cancelled: connecting to ${target.username}@${target.host}:${port}`, 'cancelled'));
    };
    target.signal?.addEventListener('abort', onAbort, { once: true });
    const onError = (err: Error): void => {
      target.signal?.removeEventListener('abort', onAbort);
      // Stryker disable next-line StringLiteral: after an error (and client.end() below) ssh2 emits no 'ready', so a listener left behind is never called
      client.removeListener('ready', onReady);
      // ssh2 can emit a second error later (e.g. "Connection lost before handshake" after a ready timeout):
      // without a listener that is an uncaught exception. Swallow it and close the socket now.
      client.on('error', () => undefined);
      client.end();
      for (const j of jumpClients) j.end();
      reject(classifyConnectError(err, target, hostKeyRejected));
    };
    const onReady = (): void => {
      target.signal?.removeEventListener('abort', onAbort);
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

/**
 * Passes a byte stream through until `marker` appears; the bytes after it are kept in `rest`. Binary-safe:
 * a trailing part of a chunk that could be the start of the marker is held back until the next chunk decides.
 */
export class MarkerScanner {
  private held: Buffer = Buffer.alloc(0);
  private seen = false;
  rest: Buffer = Buffer.alloc(0);

  constructor(
    private readonly marker: Buffer,
    private readonly emit: (b: Buffer) => void,
  ) {}

  get found(): boolean {
    return this.seen;
  }

  /** Feeds a chunk; true once the marker has been seen. */
  push(chunk: Buffer): boolean {
    if (this.seen) {
      this.rest = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
      return true;
    }
    const buf = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    const at = buf.indexOf(this.marker);
    if (at >= 0) {
      if (at > 0) this.emit(buf.subarray(0, at));
      this.seen = true;
      this.held = Buffer.alloc(0);
      this.rest = Buffer.from(buf.subarray(at + this.marker.length));
      return true;
    }
    const keep = this.partialAtEnd(buf);
    if (buf.length > keep) this.emit(buf.subarray(0, buf.length - keep));
    this.held = Buffer.from(buf.subarray(buf.length - keep));
    return false;
  }

  /** Length of the longest suffix of buf that is a proper prefix of the marker. */
  private partialAtEnd(buf: Buffer): number {
    const first = this.marker[0];
    for (let k = Math.min(this.marker.length - 1, buf.length); k > 0; k--) {
      const from = buf.length - k;
      if (buf[from] === first && buf.subarray(from).equals(this.marker.subarray(0, k))) return k;
    }
    return 0;
  }
}

/** One command on a RemoteShell: output goes to the callbacks, then exactly one of done / fail. */
interface ShellJob {
  stdout(b: Buffer): void;
  stderr(b: Buffer): void;
  done(code: number): void;
  fail(why: string): void;
}

const MARKER_PREFIX = 'swarmnet-end-';

/**
 * Shell code printing `<prefix><nonce>:<value>\n` on stdout and `<prefix><nonce>\n` on the real stderr (fd 3
 * in the shell). The marker is printed from two pieces, so an echo of this very input can never contain it.
 */
function markerCode(nonce: string, value: string): string {
  return `printf '%s%s:%s\\n' '${MARKER_PREFIX}' '${nonce}' "${value}"; printf '%s%s\\n' '${MARKER_PREFIX}' '${nonce}' >&3`;
}

type ShellState = 'opening' | 'idle' | 'busy' | 'dead';

/**
 * A remote POSIX `sh` reading commands from its stdin over one exec channel (`exec sh` through the login
 * shell, so the environment is the one exec commands get). A handshake (marker + `$$`) proves it works and
 * separates what the rc files printed. One command at a time; each ends with fresh random markers on stdout
 * (with `$?`) and stderr, and the command's own stdin is /dev/null so it cannot eat the following input.
 * Unlike exec, a command killed by a signal reports 128+n (what `$?` says), not null.
 */
export class RemoteShell {
  state: ShellState = 'opening';
  /** Claimed by a run (waiting for the handshake or running). */
  claimed = false;
  /** The remote shell's pid (from the handshake). */
  pid: number | undefined;
  readonly ready: Promise<boolean>;
  private channel: ClientChannel | undefined;
  private job: ShellJob | undefined;
  private out: MarkerScanner | undefined;
  private err: MarkerScanner | undefined;
  private exitCode: number | undefined;
  private resolveReady: (ok: boolean) => void = () => undefined;
  /** The shell answered nothing useful or the server refused it (vs. a failed channel open). */
  unsupported = false;

  constructor(
    client: Client,
    readyTimeoutMs: number,
    private readonly log: Logger,
    private readonly label: string,
    private readonly onGone: (s: RemoteShell) => void,
  ) {
    this.ready = new Promise<boolean>((resolve) => {
      this.resolveReady = resolve;
    });
    const readyTimer = setTimeout(() => {
      if (this.state !== 'opening') return;
      this.unsupported = true;
      this.destroy(`no handshake within ${readyTimeoutMs} ms`);
    }, readyTimeoutMs);
    void this.ready.then(() => clearTimeout(readyTimer));
    try {
      client.exec('exec sh', (err, ch) => {
        if (err) {
          this.destroy(`cannot open: ${err.message}`);
          return;
        }
        this.channel = ch;
        if (this.state === 'dead') {
          ch.close();
          return;
        }
        ch.on('error', (e: Error) => this.destroy(`channel error: ${e.message}`));
        ch.on('data', (c: Buffer) => this.onData(c, false));
        ch.stderr.on('data', (c: Buffer) => this.onData(c, true));
        ch.on('exit', (code: number | null, signal?: string) => {
          if (this.state === 'opening') this.unsupported = true;
          this.destroy(`ended (${code ?? signal ?? 'no status'})`);
        });
        ch.on('close', () => {
          if (this.state === 'opening') this.unsupported = true;
          this.destroy('channel closed');
        });
        const nonce = randomBytes(16).toString('hex');
        const marker = Buffer.from(`${MARKER_PREFIX}${nonce}`);
        const preamble: Buffer[] = [];
        let preambleBytes = 0;
        const keep = (b: Buffer): void => {
          if (preambleBytes < 4096) preamble.push(Buffer.from(b.subarray(0, 4096 - preambleBytes)));
          preambleBytes += b.length;
        };
        this.out = new MarkerScanner(Buffer.concat([marker, Buffer.from(':')]), keep);
        this.err = new MarkerScanner(Buffer.concat([marker, Buffer.from('\n')]), keep);
        this.job = {
          stdout: () => undefined,
          stderr: () => undefined,
          done: (pid) => {
            this.pid = pid;
            if (preambleBytes) this.log.debug(`${this.label}: the login shell printed ${preambleBytes} bytes before the remote shell started: ${JSON.stringify(Buffer.concat(preamble).toString('utf8').slice(0, 200))}`);
            this.state = 'idle';
            this.resolveReady(true);
          },
          fail: () => undefined,
        };
        // The shell's own stderr goes to /dev/null (shells print "Killed" and the like for a command that died
        // by a signal, which an exec channel would not show); commands get the real stderr from fd 3.
        ch.write(`exec 3>&2 2>/dev/null; ${markerCode(nonce, '$$')}\n`);
      });
    } catch (e) {
      this.destroy(`cannot open: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Sends one command line; the shell must be idle. */
  start(line: string, job: ShellJob): void {
    if (this.state !== 'idle' || !this.channel) {
      job.fail('remote shell not ready');
      return;
    }
    this.state = 'busy';
    this.job = job;
    this.exitCode = undefined;
    const nonce = randomBytes(16).toString('hex');
    const marker = Buffer.from(`${MARKER_PREFIX}${nonce}`);
    this.out = new MarkerScanner(Buffer.concat([marker, Buffer.from(':')]), (b) => job.stdout(b));
    this.err = new MarkerScanner(Buffer.concat([marker, Buffer.from('\n')]), (b) => job.stderr(b));
    // A subshell that execs the command: the redirections are the command's alone (ash applies a simple
    // command's redirections in the shell itself while it waits), and the wait status is the command's.
    this.channel.write(`(exec ${line} </dev/null 2>&3 3>&-); ${markerCode(nonce, '$?')}\n`);
  }

  isDead(): boolean {
    return this.state === 'dead';
  }

  private onData(chunk: Buffer, isErr: boolean): void {
    if (this.state === 'dead') return;
    const scanner = isErr ? this.err : this.out;
    if (!this.job || !scanner) {
      // Output while idle: something a previous command left running in the background writes here; it
      // would end up in the next command's output. Start afresh instead.
      this.destroy(`unexpected output while idle: ${JSON.stringify(chunk.toString('utf8').slice(0, 80))}`);
      return;
    }
    scanner.push(chunk);
    if (this.isDead()) return; // the job's callbacks may have dropped the shell (output cap)
    this.check();
  }

  private check(): void {
    const out = this.out;
    const err = this.err;
    const job = this.job;
    if (!out || !err || !job) return;
    if (out.found && this.exitCode === undefined) {
      const nl = out.rest.indexOf(10);
      if (nl >= 0) {
        const text = out.rest.subarray(0, nl).toString('latin1');
        if (!/^\d{1,10}$/.test(text)) {
          this.destroy(`garbled end marker ${JSON.stringify(out.rest.toString('latin1').slice(0, 40))}`);
          return;
        }
        this.exitCode = Number(text);
      } else if (out.rest.length > 12) {
        this.destroy('garbled end marker');
        return;
      }
    }
    if (this.exitCode !== undefined && err.found) {
      const code = this.exitCode;
      // Bytes after an end marker: something the command left running writes to the shell's output. The
      // command's own result is complete, but that shell is not clean any more.
      const stray = out.rest.length > String(code).length + 1 || err.rest.length > 0;
      this.job = undefined;
      this.out = undefined;
      this.err = undefined;
      if (this.state === 'busy') this.state = 'idle';
      if (stray) this.destroy('output after the end marker (a background process of the command?)');
      job.done(code);
    }
  }

  /** Closes the channel (the remote command, if any, ends by its remote timeout or SIGPIPE). */
  destroy(why: string): void {
    if (this.state === 'dead') return;
    const wasOpening = this.state === 'opening';
    this.state = 'dead';
    this.log.debug(`${this.label}: remote shell${this.pid ? ` ${this.pid}` : ''} closed: ${why}`);
    const job = this.job;
    this.job = undefined;
    if (this.channel) {
      try {
        this.channel.close();
      } catch {
        /* already closed */
      }
    }
    this.onGone(this);
    if (wasOpening) this.resolveReady(false);
    else job?.fail(why);
  }
}

export class SshRunner implements CommandRunner {
  readonly description: string;
  private closed = false;
  private readonly shells: RemoteShell[] = [];
  /** Runs whose exec channel the server refused (MaxSessions), waiting for a shell to be free. */
  private readonly shellWaiters: ((s: RemoteShell) => void)[] = [];
  private shellsGivenUp = false;
  private readonly log: Logger;
  /** How runs went (for tests, logs and the bench). */
  readonly stats = { shellRuns: 0, execRuns: 0, shellsOpened: 0 };

  private constructor(
    private readonly client: Client,
    private readonly jumpClients: Client[],
    target: SshTarget,
    private readonly opts: SshRunnerOptions,
  ) {
    this.description = `ssh ${target.username}@${target.host}:${target.port ?? 22}${target.jump ? ` via ${target.jump.host}` : ''}`;
    this.log = opts.logger ?? nullLogger;
    client.on('close', () => {
      this.closed = true;
      for (const s of [...this.shells]) s.destroy('connection closed');
    });
    if ((opts.shell ?? 'eager') === 'eager') this.openShell();
  }

  static async connect(target: SshTarget, opts: SshRunnerOptions = {}): Promise<SshRunner> {
    const { client, jumpClients } = await connectSsh(target);
    return new SshRunner(client, jumpClients, target, opts);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Pids of the persistent remote shells that are up (for tests and logs). */
  get shellPids(): number[] {
    return this.shells.flatMap((s) => (s.pid !== undefined && s.state !== 'dead' ? [s.pid] : []));
  }

  /** The exact command line sent to the remote shell for argv (exposed for tests and logs). */
  commandLine(argv: readonly string[]): string {
    return shellJoin(this.opts.sudo ? ['sudo', '-n', '--', ...argv] : argv);
  }

  private openShell(): RemoteShell {
    this.stats.shellsOpened++;
    const s = new RemoteShell(this.client, this.opts.shellReadyTimeoutMs ?? 5000, this.log, this.description, (gone) => {
      const at = this.shells.indexOf(gone);
      if (at >= 0) this.shells.splice(at, 1);
      if (gone.unsupported && !this.shellsGivenUp && !this.closed) {
        this.shellsGivenUp = true;
        this.log.debug(`${this.description}: no persistent shell on this server; every command uses its own exec channel`);
      }
    });
    this.shells.push(s);
    return s;
  }

  /** A shell for one run: an unclaimed one (up or starting), or a new one while under the limit. */
  private claimShell(): RemoteShell | undefined {
    if ((this.opts.shell ?? 'eager') === 'off' || this.shellsGivenUp || this.closed) return undefined;
    let s = this.shells.find((x) => !x.claimed && x.state === 'idle') ?? this.shells.find((x) => !x.claimed && x.state === 'opening');
    if (!s && this.shells.length < Math.max(0, this.opts.maxShells ?? 2)) s = this.openShell();
    if (s) s.claimed = true;
    return s;
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
    if (opts.signal?.aborted) return Promise.reject(new TransportError('cancelled', 'cancelled'));
    // Commands with stdin data keep their own channel (the shell's stdin is its command stream).
    const shell = opts.stdin === undefined ? this.claimShell() : undefined;
    const deadline = Date.now() + timeoutMs;
    if (shell) return this.runOnShell(shell, argv, line, opts, deadline, maxBytes);
    return this.execOrWait(argv, line, opts, deadline, maxBytes);
  }

  /** On an exec channel; when the server refuses another session (sshd's MaxSessions, 10 by default, counts
   * the shells too), waits for a shell instead of failing, as long as there is one. */
  private execOrWait(argv: readonly string[], line: string, opts: RunOptions, deadline: number, maxBytes: number): Promise<RunResult> {
    return this.runExec(argv, line, opts, Math.max(1, deadline - Date.now()), maxBytes).catch(async (e: unknown) => {
      if (!(e instanceof TransportError && e.kind === 'exec' && /Channel open failure/i.test(e.message)) || opts.stdin !== undefined) throw e;
      if (!this.shells.some((x) => !x.isDead())) throw e;
      const waited = await this.waitForShell(deadline, opts.signal);
      if (!waited) throw e;
      return this.runOnShell(waited, argv, line, opts, deadline, maxBytes);
    });
  }

  private waitForShell(deadline: number, signal: AbortSignal | undefined): Promise<RemoteShell | undefined> {
    return new Promise((resolve) => {
      const waiter = (sh: RemoteShell): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', give);
        resolve(sh);
      };
      const give = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', give);
        const at = this.shellWaiters.indexOf(waiter);
        if (at >= 0) this.shellWaiters.splice(at, 1);
        resolve(undefined);
      };
      const timer = setTimeout(give, Math.max(1, deadline - Date.now()));
      signal?.addEventListener('abort', give, { once: true });
      this.shellWaiters.push(waiter);
    });
  }

  /** A run is done with its shell: hand it to a waiting run (a new shell if it was dropped), else free it. */
  private releaseShell(shell: RemoteShell): void {
    shell.claimed = false;
    if (this.shellWaiters.length === 0) return;
    // A shell that never came up (its channel refused too) is not replaced for the waiters: no open/fail loop.
    if (shell.state !== 'idle' && shell.pid === undefined) return;
    const next = this.claimShell();
    const waiter = this.shellWaiters.shift();
    if (next && waiter) waiter(next);
    else if (waiter) this.shellWaiters.unshift(waiter);
  }

  /** The result checks shared by both ways: a lost connection, cancellation, `sudo -n` wanting a password. */
  private conclude(argv: readonly string[], r: RunResult, signal: AbortSignal | undefined): RunResult {
    if (signal?.aborted) throw new TransportError('cancelled', 'cancelled');
    if (this.opts.sudo && r.code !== 0 && /sudo: (a password is required|a terminal is required)/.test(r.stderr)) {
      throw new TransportError(`${this.description}: sudo needs a password for ${argv[0]} (configure NOPASSWD for read-only commands, or connect as root)`, 'sudo');
    }
    return r;
  }

  private runOnShell(shell: RemoteShell, argv: readonly string[], line: string, opts: RunOptions, deadline: number, maxBytes: number): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let started = false;
      let failure: string | undefined;
      let exitCode: number | null = null;
      const finish = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        this.releaseShell(shell);
        if (opts.signal?.aborted) {
          reject(new TransportError('cancelled', 'cancelled'));
          return;
        }
        if (failure !== undefined && !col.timedOut && !col.truncated) {
          reject(
            this.closed
              ? new TransportError(`${this.description}: connection lost while running ${argv[0]}`, 'connect')
              : new TransportError(`${this.description}: the remote shell ended while running ${argv[0]} (${failure})`, 'connect'),
          );
          return;
        }
        try {
          resolve(this.conclude(argv, col.finish(exitCode), opts.signal));
        } catch (e) {
          reject(e);
        }
      };
      // Past the cap, on timeout or cancel the shell is dropped (its channel closed): the command dies by
      // SIGPIPE or by its remote `timeout -s KILL`, and the next run opens a new shell.
      const stop = (why: string): void => {
        if (started) shell.destroy(why);
        finish();
      };
      const col = makeCollector(maxBytes, () => stop('output cap'));
      const timer = setTimeout(() => {
        col.markTimedOut();
        stop('timeout');
      }, Math.max(1, deadline - Date.now()));
      const onAbort = (): void => stop('cancelled');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      void shell.ready.then((ok) => {
        if (settled) return;
        if (!ok || shell.state !== 'idle') {
          // No shell after all: this command on its own exec channel, within what is left of its time.
          settled = true;
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          this.releaseShell(shell);
          this.execOrWait(argv, line, opts, deadline, maxBytes).then(resolve, reject);
          return;
        }
        started = true;
        this.stats.shellRuns++;
        shell.start(line, {
          stdout: (b) => col.onStdout(b),
          stderr: (b) => col.onStderr(b),
          done: (code) => {
            exitCode = code;
            finish();
          },
          fail: (why) => {
            failure = why;
            // When the connection drops the channel goes first and the client's 'close' follows: look again
            // a moment later so the error says which.
            setTimeout(finish, 20);
          },
        });
      });
    });
  }

  private runExec(argv: readonly string[], line: string, opts: RunOptions, timeoutMs: number, maxBytes: number): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new TransportError('cancelled', 'cancelled'));
        return;
      }
      if (this.closed) {
        reject(new TransportError(`${this.description}: connection lost while running ${argv[0]}`, 'connect'));
        return;
      }
      this.stats.execRuns++;
      const onChannel = (err: Error | undefined, stream: ClientChannel): void => {
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
          try {
            resolve(this.conclude(argv, col.finish(exitCode), opts.signal));
          } catch (e) {
            reject(e);
          }
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
      };
      try {
        this.client.exec(line, onChannel);
      } catch (e) {
        // ssh2 throws (e.g. "Not connected") when the connection went away a moment ago.
        const msg = e instanceof Error ? e.message : String(e);
        reject(new TransportError(`${this.description}: cannot run ${argv[0]}: ${msg}`, this.closed || /not connected/i.test(msg) ? 'connect' : 'exec'));
      }
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
    for (const s of [...this.shells]) s.destroy('runner closed');
    this.client.end();
    for (const j of this.jumpClients) j.end();
  }
}
