/**
 * The persistent remote shells of one SSH connection (./remoteShell.ts) and the runs waiting for one: which shell a
 * run gets, when another is opened, and who gets a shell that comes free. ./ssh.ts decides when a run waits and when
 * it takes an exec channel instead.
 */
import type { Client } from 'ssh2';
import type { Logger } from '../log';
import { RemoteShell } from './remoteShell';

export interface ShellPoolOptions {
  /** Shells per connection (0: none, every run uses an exec channel). Each holds one of sshd's MaxSessions. */
  maxShells: number;
  /** How long a new shell may take to answer its handshake before shells are given up for this connection. */
  readyTimeoutMs: number;
  logger: Logger;
  /** Called for each shell opened (the runner's stats). */
  onOpen(): void;
}

export class ShellPool {
  private readonly shells: RemoteShell[] = [];
  /** Runs waiting for a shell to be free (every shell busy, or the server refused their exec channel: MaxSessions). */
  private readonly waiters: ((s: RemoteShell | undefined) => void)[] = [];
  private givenUp = false;
  private closed = false;
  private slowestStartMs: number | undefined;

  constructor(
    private readonly client: Client,
    private readonly description: string,
    private readonly opts: ShellPoolOptions,
  ) {}

  /** What a login costs on this server: the slowest start of a shell seen on this connection (undefined before one started). */
  get loginMs(): number | undefined {
    return this.slowestStartMs;
  }

  /** Pids of the shells that are up. */
  get pids(): number[] {
    return this.shells.flatMap((s) => (s.pid !== undefined && s.state !== 'dead' ? [s.pid] : []));
  }

  /** Runs waiting for a shell. */
  get waiting(): number {
    return this.waiters.length;
  }

  open(): RemoteShell {
    this.opts.onOpen();
    const s = new RemoteShell(this.client, this.opts.readyTimeoutMs, this.opts.logger, this.description, (gone) => {
      const at = this.shells.indexOf(gone);
      if (at >= 0) this.shells.splice(at, 1);
      if (gone.unsupported && !this.givenUp && !this.closed) {
        this.givenUp = true;
        this.opts.logger.debug(`${this.description}: no persistent shell on this server; every command uses its own exec channel`);
      }
      // no shell left to wait for: the waiting runs go on without one
      if (this.givenUp || !this.hasLive()) this.wake();
    });
    this.shells.push(s);
    void s.ready.then((up) => {
      if (!up) return;
      if (s.startupMs !== undefined) this.slowestStartMs = Math.max(this.slowestStartMs ?? 0, s.startupMs);
      this.handOver(s);
    });
    return s;
  }

  /** Shells run this connection's commands (allowed, not given up, the connection open). */
  usable(): boolean {
    return this.opts.maxShells > 0 && !this.givenUp && !this.closed;
  }

  /** A shell that is up or starting. */
  hasLive(): boolean {
    return this.shells.some((x) => !x.isDead());
  }

  /** Shells whose handshake has not come yet. */
  starting(): number {
    return this.shells.filter((x) => x.state === 'opening').length;
  }

  /** An idle shell nobody has claimed, claimed for one run. */
  idle(): RemoteShell | undefined {
    if (!this.usable()) return undefined;
    const s = this.shells.find((x) => !x.claimed && x.state === 'idle');
    if (s) s.claimed = true;
    return s;
  }

  /** One more shell while under the limit and fewer are starting than runs wait; it serves the first waiting run once up. */
  grow(waiting: number): void {
    const live = this.shells.filter((x) => !x.isDead()).length;
    if (this.usable() && live < this.opts.maxShells && this.starting() < waiting) this.open();
  }

  /** Waits for a shell handed over until the deadline or the signal (undefined then, or when none will come). */
  waitFor(deadline: number, signal: AbortSignal | undefined): Promise<RemoteShell | undefined> {
    return new Promise((resolve) => {
      const waiter = (sh: RemoteShell | undefined): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', give);
        resolve(sh);
      };
      const give = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', give);
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        resolve(undefined);
      };
      const timer = setTimeout(give, Math.max(1, deadline - Date.now()));
      signal?.addEventListener('abort', give, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** A run is done with its shell: it goes to a waiting run, or a replacement is opened if it was dropped. */
  release(shell: RemoteShell): void {
    shell.claimed = false;
    if (shell.state === 'idle') this.handOver(shell);
    // (a shell that never came up, its channel refused too, is not replaced for the waiters: no open/fail loop)
    else if (this.waiters.length > 0 && shell.pid !== undefined) this.grow(this.waiters.length);
  }

  /** Every shell closed; the waiting runs go on without one. */
  close(reason: string): void {
    this.closed = true;
    for (const s of [...this.shells]) s.destroy(reason);
    this.wake();
  }

  /** An idle, unclaimed shell goes to the run that has waited longest. */
  private handOver(s: RemoteShell): void {
    if (s.claimed || s.state !== 'idle') return;
    const waiter = this.waiters.shift();
    if (!waiter) return;
    s.claimed = true;
    waiter(s);
  }

  /** No shell will come (shells given up, connection closed): the waiting runs go on without one. */
  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
}
