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
  // a shell variable or template value (`$CHAIN`, `{{ rule.chain }}`): known only when the text runs
  if (name.startsWith('$')) return true;
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

/** A word of a sentence: three or more lower-case letters. */
const PROSE_WORD = /^\p{Ll}[\p{Ll}'’]{2,}[.,;:!?)]*$/u;
/** A word of a script without case (Chinese, Japanese, Thai, Arabic …): two letters or more, only with punctuation (not `ping协议`). */
const CASELESS_WORD = /^[\p{Lo}\p{P}]*\p{Lo}{2}[\p{Lo}\p{P}]*$/u;

/**
 * The line's errors are about words of a sentence: two or more erroneous words, or a line with no command (or no
 * policy) that holds words of a script other than Latin (`-P 控制默认规则`, `iptables -p tcp : 表示使用 TCP协议`). A rule
 * with a command and a note after it (`-A INPUT 2 … -j DROP  // 第二行插入`) keeps its errors.
 */
export function proseAfterOption(diags: RuleDiagnostic[], text: string): boolean {
  const errors = diags.filter((d) => d.severity === 'error');
  if (errors.filter((d) => PROSE_WORD.test(d.excerpt ?? '')).length >= 2) return true;
  // (or two erroneous words, one of them in a script without case: `-F FW-*就好。 - Docker、Fail2Ban 的鏈都不會被清掉。`,
  // a Taiwanese post's bullet, holdout 60)
  if (errors.length >= 2 && errors.some((d) => CASELESS_WORD.test(d.excerpt ?? ''))) return true;
  const noCommand = errors.some((d) => d.code === 'syntax/no-command' || d.code === 'syntax/missing-argument');
  const foreign = /[^\p{ASCII}]/u;
  return noCommand && (errors.some((d) => foreign.test(d.excerpt ?? '')) || foreign.test(text.replace(/"[^"]*"|'[^']*'/g, '')));
}
