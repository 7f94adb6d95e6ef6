/**
 * The persistent remote `sh` behind SshRunner.run(): one exec channel per shell, commands written to its stdin and
 * ended by random markers (MarkerScanner); and the remote bound on every command (remotelyBounded).
 */
import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import type { Logger } from '../log';

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
  /** How long the shell took from the channel request to its handshake: what the user's login costs on this server. */
  startupMs: number | undefined;
  private readonly openedAt = Date.now();

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
            this.startupMs = Date.now() - this.openedAt;
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
