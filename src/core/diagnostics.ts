/**
 * Diagnostics produced while gathering or parsing node state. Parsers are total: instead of throwing on
 * bad input they return what they could read plus diagnostics that say what they could not.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Where the problem came from, e.g. "ip -j addr (ns ingress_sbox)" or "iptables-save". */
  source: string;
  message: string;
  /** 1-based line of the offending input, when known. */
  line?: number;
  /** A short excerpt of the offending input (never a secret). */
  excerpt?: string;
}

export interface Parsed<T> {
  value: T;
  diagnostics: Diagnostic[];
}

export function excerpt(text: string, max = 80): string {
  const oneLine = text.replace(/[\r\n]+/g, '\\n');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
