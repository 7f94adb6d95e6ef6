/** Diagnostics of rule lines that several parts of the line parser give: at a token, and on chain names. */
import type { RuleDiagnostic, Span } from './model';
import { DIAG, mkDiag, type DiagCode } from './codes';
import { spanOf, type LogicalLine } from './lines';
import type { Tok } from './tokenize';

export function tokSpan(ll: LogicalLine, t: Tok): Span {
  return spanOf(ll, t.start, t.end);
}

/** An error on token t, its text as the excerpt. */
export function errAt(diags: RuleDiagnostic[], ll: LogicalLine, code: DiagCode, msg: string, t: Tok): void {
  diags.push(mkDiag('error', code, msg, tokSpan(ll, t), t.text));
}

const SPACE_RE = /\s/;

/** iptables' rules for a chain name (at most 28 characters, not an option, no `!`, no space); false and an error if broken. */
export function checkChainName(name: string, span: Span, diags: RuleDiagnostic[]): boolean {
  if (name.length > 28) {
    diags.push(mkDiag('error', DIAG.badChainName, `chain name "${name}" is longer than 28 characters`, span, name));
    return false;
  }
  if (name.startsWith('-') || name.startsWith('!') || SPACE_RE.test(name)) {
    diags.push(mkDiag('error', DIAG.badChainName, `invalid chain name "${name}"`, span, name));
    return false;
  }
  return true;
}
