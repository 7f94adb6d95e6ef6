/**
 * A shell string that spans lines: `az vm run-command invoke --scripts "` on one line, the remote script's commands on
 * the next ones, `" \` where it closes (holdout 54); `sh -c '` … `'` the same. The shell allows a newline inside
 * quotes, so neither line has an unterminated quote: each line is parsed on its own (the commands inside are read as
 * commands), and the two quotes that pair across lines are said as one info instead of two errors.
 */
import type { LineResult } from '../iptables/parse';
import type { RuleDiagnostic } from '../iptables/model';
import { DIAG, mkDiag } from '../iptables/codes';

/** The quote character an unterminated-quote error of the result points at, with the error. */
function openQuote(r: LineResult, lines: string[]): { d: RuleDiagnostic; quote: string } | undefined {
  const d = r.diagnostics.find((x) => x.code === DIAG.unterminatedQuote);
  if (!d) return undefined;
  const quote = lines[d.span.line]?.[d.span.start] ?? '';
  return quote === '"' || quote === "'" ? { d, quote } : undefined;
}

function hasUnterminatedQuote(r: LineResult): boolean {
  if (r.diagnostics.length === 0) return false;
  for (const d of r.diagnostics) if (d.code === DIAG.unterminatedQuote) return true;
  return false;
}

/** The results with the unterminated-quote errors that pair up across lines replaced by an info on each end. */
export function quotesAcrossLines(text: string, results: LineResult[]): LineResult[] {
  if (!results.some(hasUnterminatedQuote)) return results;
  const lines = text.split('\n');
  const replaced = new Map<LineResult, LineResult>();
  let open: { r: LineResult; d: RuleDiagnostic; quote: string } | undefined;
  for (const r of results) {
    const q = openQuote(r, lines);
    if (!q) continue;
    if (open && open.quote === q.quote && q.d.span.line > open.d.span.line) {
      const first = open;
      const info = (at: RuleDiagnostic, other: number) => mkDiag('info', DIAG.unterminatedQuote, `this line and line ${other + 1} each leave a quote open: one string across the lines between them (a script passed to a remote shell or \`sh -c\`), whose lines are read as commands`, at.span);
      replaced.set(first.r, { ...first.r, diagnostics: first.r.diagnostics.map((x) => (x === first.d ? info(x, q.d.span.line) : x)) });
      replaced.set(r, { ...r, diagnostics: r.diagnostics.map((x) => (x === q.d ? info(x, first.d.span.line) : x)) });
      open = undefined;
    } else open = { r, ...q };
  }
  return replaced.size ? results.map((r) => replaced.get(r) ?? r) : results;
}
