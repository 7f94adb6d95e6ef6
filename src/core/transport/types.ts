/**
 * How the core reaches a node. A CommandRunner runs one program with an argument array on the node
 * (locally with child_process without a shell, or over SSH with strict quoting); the Docker API is reached
 * with dockerode through the same connection (see ./docker.ts).
 */
export interface RunOptions {
  /** Time limit for this command, ms (default: the runner's). */
  timeoutMs?: number;
  /** Output cap in bytes for stdout+stderr (default: the runner's); past it the command is killed. */
  maxOutputBytes?: number;
  /** Data written to the command's stdin, then closed. */
  stdin?: string;
  /** Abort (e.g. from a cancelled progress notification). */
  signal?: AbortSignal;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when killed by a signal / timeout / cap. */
  code: number | null;
  timedOut: boolean;
  truncated: boolean;
  durationMs: number;
}

export interface CommandRunner {
  /** Human-readable description of where commands run, e.g. "local" or "ssh root@10.0.0.2:22". */
  readonly description: string;
  /** Run argv[0] with argv[1..] on the node. Never goes through a shell unquoted. */
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
}

export class TransportError extends Error {
  constructor(message: string, readonly kind: 'connect' | 'auth' | 'hostkey' | 'timeout' | 'exec' | 'output' | 'sudo' | 'cancelled') {
    super(message);
    this.name = 'TransportError';
  }
}
