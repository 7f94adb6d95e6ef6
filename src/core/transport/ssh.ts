/**
 * Commands and Docker API streams over one ssh2 connection per node. Commands are argv arrays joined with
 * strict quoting (./quote.ts); host keys are verified by a caller-supplied policy before authentication.
 *
 * run() goes through a persistent remote `sh` per connection when it can (see RemoteShell): an exec channel
 * makes sshd start the user's login shell for every command, and that shell's rc files (~/.bashrc is read
 * even for non-interactive sshd sessions) can cost 100–300 ms each time. The shell is started once; each
 * command is one line on its stdin followed by per-command random end markers on stdout and stderr.
 */
import type { Client, ClientChannel } from 'ssh2';
import type { Duplex } from 'node:stream';
import { nullLogger, type Logger } from '../log';
import { ShellPool } from './shellPool';
import { DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_MS, makeCollector } from './collect';
import { shellJoin } from './quote';
import { TransportError, type CommandRunner, type RunOptions, type RunResult } from './types';

export { classifyConnectError } from './sshErrors';

import { connectSsh, type SshTarget } from './sshConnect';
import { RemoteShell, remotelyBounded } from './remoteShell';

export { connectSsh, type HostKeyInfo, type HostKeyVerifier, type SshTarget } from './sshConnect';
export { MarkerScanner, remotelyBounded } from './remoteShell';

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

export class SshRunner implements CommandRunner {
  readonly description: string;
  private closed = false;
  private readonly pool: ShellPool;
  /** How runs went (for tests, logs and the bench). */
  readonly stats = { shellRuns: 0, execRuns: 0, shellsOpened: 0 };

  private constructor(
    private readonly client: Client,
    private readonly jumpClients: Client[],
    target: SshTarget,
    private readonly opts: SshRunnerOptions,
  ) {
    this.description = `ssh ${target.username}@${target.host}:${target.port ?? 22}${target.jump ? ` via ${target.jump.host}` : ''}`;
    this.pool = new ShellPool(client, this.description, {
      maxShells: (opts.shell ?? 'eager') === 'off' ? 0 : (opts.maxShells ?? 2),
      readyTimeoutMs: opts.shellReadyTimeoutMs ?? 5000,
      logger: opts.logger ?? nullLogger,
      onOpen: () => this.stats.shellsOpened++,
    });
    client.on('close', () => {
      this.closed = true;
      this.pool.close('connection closed');
    });
    if ((opts.shell ?? 'eager') === 'eager') this.pool.open();
  }

  static async connect(target: SshTarget, opts: SshRunnerOptions = {}): Promise<SshRunner> {
    const { client, jumpClients } = await connectSsh(target);
    return new SshRunner(client, jumpClients, target, opts);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** What a login costs on this server: the slowest start of a shell seen on this connection (undefined before one started). */
  get loginMs(): number | undefined {
    return this.pool.loginMs;
  }

  /** Pids of the persistent remote shells that are up (for tests and logs). */
  get shellPids(): number[] {
    return this.pool.pids;
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
    if (opts.signal?.aborted) return Promise.reject(new TransportError('cancelled', 'cancelled'));
    const deadline = Date.now() + timeoutMs;
    // Commands with stdin data keep their own channel (the shell's stdin is its command stream).
    if (opts.stdin !== undefined || !this.pool.usable()) return this.execOrWait(argv, line, opts, deadline, maxBytes);
    const shell = this.pool.idle();
    if (shell) return this.runOnShell(shell, argv, line, opts, deadline, maxBytes);
    this.pool.grow(this.pool.waiting + 1);
    return this.waitThenRun(argv, line, opts, deadline, maxBytes);
  }

  /**
   * Every shell is busy or still starting. An exec channel would start the user's login shell again, rc files and
   * all (on our CI machine root's ~/.bashrc runs `pyenv init`: over a second per command under load, and a burst of
   * them queues on the CPU). So the run waits for a shell as long as a login takes on this server (the slowest shell
   * start seen; while no shell has started yet, or while one is starting for it, until it is up), and only then takes
   * an exec channel.
   */
  private async waitThenRun(argv: readonly string[], line: string, opts: RunOptions, deadline: number, maxBytes: number): Promise<RunResult> {
    const login = this.loginMs;
    // a shell starting for this run (one per starting shell, in line order) is waited for: an exec would cost the same login
    const forThisRun = this.pool.waiting < this.pool.starting();
    const until = login === undefined || forThisRun ? deadline : Math.min(deadline, Date.now() + login);
    const shell = await this.pool.waitFor(until, opts.signal);
    if (opts.signal?.aborted) {
      if (shell) this.pool.release(shell);
      throw new TransportError('cancelled', 'cancelled');
    }
    if (shell) return this.runOnShell(shell, argv, line, opts, deadline, maxBytes);
    return this.execOrWait(argv, line, opts, deadline, maxBytes);
  }

  /** On an exec channel; when the server refuses another session (sshd's MaxSessions, 10 by default, counts
   * the shells too), waits for a shell instead of failing, as long as there is one. */
  private execOrWait(argv: readonly string[], line: string, opts: RunOptions, deadline: number, maxBytes: number): Promise<RunResult> {
    return this.runExec(argv, line, opts, Math.max(1, deadline - Date.now()), maxBytes).catch(async (e: unknown) => {
      if (!(e instanceof TransportError && e.kind === 'exec' && /Channel open failure/i.test(e.message)) || opts.stdin !== undefined) throw e;
      if (!this.pool.hasLive()) throw e;
      const waited = await this.pool.waitFor(deadline, opts.signal);
      if (!waited) throw e;
      return this.runOnShell(waited, argv, line, opts, deadline, maxBytes);
    });
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
        this.pool.release(shell);
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
          this.pool.release(shell);
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
    this.pool.close('runner closed');
    this.client.end();
    for (const j of this.jumpClients) j.end();
  }
}
