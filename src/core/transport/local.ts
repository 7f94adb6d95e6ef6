/** Runs commands on this machine with child_process.spawn and no shell. */
import { spawn } from 'node:child_process';
import { DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_MS, makeCollector } from './collect';
import { TransportError, type CommandRunner, type RunOptions, type RunResult } from './types';

export class LocalRunner implements CommandRunner {
  readonly description = 'local';
  constructor(private readonly defaults: { timeoutMs?: number; maxOutputBytes?: number; prefix?: readonly string[] } = {}) {}

  run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    if (argv.length === 0) return Promise.reject(new TransportError('empty command', 'exec'));
    const full = [...(this.defaults.prefix ?? []), ...argv];
    const timeoutMs = opts.timeoutMs ?? this.defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = opts.maxOutputBytes ?? this.defaults.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new TransportError('cancelled', 'cancelled'));
        return;
      }
      const child = spawn(full[0], full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], shell: false });
      const kill = (): void => {
        child.kill('SIGKILL');
      };
      const col = makeCollector(maxBytes, kill);
      const timer = setTimeout(() => {
        col.markTimedOut();
        kill();
      }, timeoutMs);
      const onAbort = (): void => kill();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (c: Buffer) => col.onStdout(c));
      child.stderr.on('data', (c: Buffer) => col.onStderr(c));
      child.stdin.on('error', () => undefined);
      if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
      else child.stdin.end();
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (e.code === 'ENOENT') {
          const r = col.finish(127);
          resolve({ ...r, stderr: `${full[0]}: command not found` });
        } else reject(new TransportError(`${full[0]}: ${e.message}`, 'exec'));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (opts.signal?.aborted) {
          reject(new TransportError('cancelled', 'cancelled'));
          return;
        }
        resolve(col.finish(code));
      });
    });
  }

  async close(): Promise<void> {
    /* nothing to release */
  }
}
