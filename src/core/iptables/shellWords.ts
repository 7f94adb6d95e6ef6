/**
 * The words of a shell line as the shell reads them before running it: redirections (`2>/dev/null`, `> file`) taken
 * out, a Markdown blockquote's `> ` is no redirection, and documentation's placeholders (`<host_port>`) are one word.
 */
import type { RuleDiagnostic } from './model';
import { DIAG, mkDiag } from './codes';
import { spanOf, type LogicalLine } from './lines';
import type { Tok } from './tokenize';

const REDIRECTIONS = new Set(['>', '>>', '>&', '<', '<<']);

/**
 * A Markdown blockquote's `> ` before a command (`> iptables -A DOCKER-USER …`, `> for c in …; do …`, holdout 47):
 * a line-start `>` and a blank before a word that names no file (no `/` or `.`: `> /tmp/log`, `> out.txt` truncate one).
 */
function blockquoteMarker(toks: Tok[]): boolean {
  const [t, next] = toks;
  return !!t && !!next && t.op && t.text === '>' && next.start > t.end && !next.op && !next.quoted && !/[/.]/.test(next.text);
}

/**
 * The tokens without shell redirections (`2>/dev/null`, `>/dev/null 2>&1`, `< file`): the operator, its target
 * word and a file-descriptor number written right before it. (`&>file`: the `&` ends the command, the rest is a
 * redirection of an empty one.)
 */
export function withoutRedirections(toks: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let q = 0; q < toks.length; q++) {
    const t = toks[q];
    if (q === 0 && blockquoteMarker(toks)) continue;
    if (!(t.op && REDIRECTIONS.has(t.text))) {
      out.push(t);
      continue;
    }
    const prev = out[out.length - 1];
    if (prev && !prev.quoted && prev.end === t.start && /^\d+$/.test(prev.text)) out.pop();
    if (toks[q + 1] && !toks[q + 1].op) q++;
  }
  return out;
}

/**
 * Placeholders of documentation (`--dport <host_port>`, `-s <allowed-cidr>`): `<`, a name and `>` written together
 * are not two redirections but a value the reader fills in. Each becomes one word holding an unknown value (as a
 * shell variable does, `$host_port`), said by an info.
 */
export function withPlaceholders(ll: LogicalLine, toks: Tok[], diags: RuleDiagnostic[]): Tok[] {
  if (!toks.some((t) => t.op && t.text === '<')) return toks;
  const out: Tok[] = [];
  for (let q = 0; q < toks.length; q++) {
    const end = placeholderEnd(toks, q);
    if (end < 0) {
      out.push(toks[q]);
      continue;
    }
    // a suffix written against it (`<management-ip>/32`, `<host>:8080`) belongs to the same word, and so does a prefix
    // (`managed-<env>`, a set name per environment, holdout 59)
    const last = toks[end + 1] && !toks[end + 1].op && toks[end + 1].start === toks[end].end ? end + 1 : end;
    const lt = toks[q];
    const before = out[out.length - 1];
    const prefix = before && !before.op && !before.opt && before.end === lt.start ? out.pop() : undefined;
    const name = toks.slice(q + 1, end).map((t) => t.text).join(' ');
    diags.push(mkDiag('info', DIAG.placeholder, `<${name}> is a placeholder to fill in: the rule is checked with that value unknown`, spanOf(ll, lt.start, toks[end].end), ll.text.slice(lt.start, toks[end].end)));
    out.push({ text: `${prefix?.text ?? ''}$${name.replace(/\W/g, '_')}${last > end ? toks[last].text : ''}`, start: prefix?.start ?? lt.start, end: toks[last].end, quoted: true, op: false, opt: undefined });
    q = last;
  }
  return out;
}

/**
 * The index of the `>` closing a placeholder opened by the `<` at q (`<host_port>`, `<backend internal IP>`: up to
 * four words, the first written against `<`, the last against `>`), or -1.
 */
function placeholderEnd(toks: Tok[], q: number): number {
  const lt = toks[q];
  if (!(lt.op && lt.text === '<') || !toks[q + 1] || toks[q + 1].start !== lt.end) return -1;
  for (let k = q + 1; k <= q + 4 && k < toks.length; k++) {
    const w = toks[k];
    if (w.op || w.quoted || !/^[A-Za-z][\w.:/-]*$/.test(w.text)) return -1;
    const gt = toks[k + 1];
    if (gt && gt.op && gt.text === '>' && gt.start === w.end) {
      // a multi-word one ends the word: `<in 2>err` is two redirections
      const glued = toks[k + 2] && toks[k + 2].start === gt.end;
      return k > q + 1 && glued ? -1 : k + 1;
    }
  }
  return -1;
}
