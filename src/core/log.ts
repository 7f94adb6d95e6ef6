/**
 * A leveled logger interface for the core. Adapters provide the sink (VS Code output channel, stderr for the
 * CLI). Messages pass through `redact` so that key material and passphrases can never reach a log.
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
}

const SECRET_PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /(passphrase|password|secret|token)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
];

export function redact(msg: string): string {
  let out = msg;
  for (const re of SECRET_PATTERNS) out = out.replace(re, (_m, a: string, b: string) => (typeof b === 'string' && !a.startsWith('-----') ? `${a}${b}***` : '***redacted key***'));
  return out;
}

export function makeLogger(sink: (line: string) => void, level: () => LogLevel): Logger {
  const at = (l: LogLevel) => (msg: string) => {
    if (ORDER[l] <= ORDER[level()]) sink(`[${new Date().toISOString()}] [${l}] ${redact(msg)}`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

export const nullLogger: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
