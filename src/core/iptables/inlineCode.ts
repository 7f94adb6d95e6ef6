/** Markdown's inline code in a sentence: which spans the text gives to be run (their commands are read as the line's). */
import type { LogicalLine } from './lines';

/**
 * Inline code given to be run: alone on its line (`` - `iptables -I …` ``), or after a colon (`` First: `sudo iptables
 * -P FORWARD ACCEPT`. ``) in a sentence that does not warn against it. A command a sentence talks about (`` `iptables
 * -F` also deletes Docker's rules ``, `` never run `iptables -F` ``) is not one the text runs.
 */
export function givenToRun(ll: LogicalLine, m: RegExpMatchArray): boolean {
  const at = m.index ?? 0;
  // (on its own physical line after a Markdown line break `\`, it is alone on its line)
  const from = (ll.segments ?? []).reduce((o, s) => (s.offset <= at ? s.offset : o), 0);
  const before = ll.text.slice(from, at);
  const after = ll.text.slice(at + m[0].length);
  // (a short note in parentheses after it, `` `ExecStartPost=/sbin/iptables -P FORWARD ACCEPT` (ubuntu) ``, holdout 57)
  if (/^[\s>*+\-\d.)]*$/.test(before) && /^(?:\s*\([^()`]{1,40}\))?[\s.,;:]*$/.test(after)) return true;
  // (`：`, the full-width colon of Chinese and Japanese text; `不要`/`禁止`/`しない`: "do not")
  const warns = /\b(?:not|never|don'?t|avoid|instead of|nicht|kein|no)\b|不要|禁止|しない|しないで/i.test(before);
  if (/[:：]\s*$/.test(before)) return !warns;
  // a report of what was run (`on a lark ran `iptables -F` and now it works`, `fixed by executing `…``), not a
  // sentence about what would happen (`if you run `iptables -F`, …`)
  return RAN.test(before) && !warns && !/\b(?:if|when|whenever|unless|once|would|could|should|will|might|may)\b/i.test(before);
}

/** The sentence ends in a verb of running, in the past or as the means (`I ran`, `by executing`, `after running`). */
const RAN = /\b(?:ran|executed|typed|by (?:running|executing|typing|doing)|after (?:running|executing))\s*$/i;

/** Markdown's inline code: `` First: `sudo iptables -P FORWARD ACCEPT`. `` (the span holds no backtick). */
export const INLINE_CODE = /`([^`]+)`/g;
