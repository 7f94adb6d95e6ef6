/**
 * Collects a child's stdout/stderr with an output cap and a time limit; shared by the local and SSH runners.
 */
import type { RunResult } from './types';

export interface Collector {
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
  finish(code: number | null): RunResult;
  readonly timedOut: boolean;
  readonly truncated: boolean;
}

export function makeCollector(maxBytes: number, onLimit: () => void): Collector & { markTimedOut(): void } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let total = 0;
  let truncated = false;
  let timedOut = false;
  const started = Date.now();
  const push = (arr: Buffer[], chunk: Buffer): void => {
    if (truncated) return;
    const room = maxBytes - total;
    if (chunk.length > room) {
      arr.push(chunk.subarray(0, Math.max(0, room)));
      total = maxBytes;
      truncated = true;
      onLimit();
      return;
    }
    arr.push(chunk);
    total += chunk.length;
  };
  return {
    onStdout: (c) => push(out, c),
    onStderr: (c) => push(err, c),
    markTimedOut: () => {
      timedOut = true;
    },
    get timedOut() {
      return timedOut;
    },
    get truncated() {
      return truncated;
    },
    finish: (code) => ({
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
      code: timedOut || truncated ? null : code,
      timedOut,
      truncated,
      durationMs: Date.now() - started,
    }),
  };
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;
