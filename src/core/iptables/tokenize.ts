/**
 * The shell-like tokenizer of rule lines: words with shell quoting (`'…'`, `"…"` with its escapes, `\x`), `#`
 * comments, and (for command lines) unquoted operators `;` `&&` `||` `|` `&` `>` `<`. Known option tokens carry
 * their meaning from ./optionTable.ts.
 */
import { optionToken, type OptTok } from './optionTable';

export interface Tok {
  text: string;
  start: number;
  end: number;
  /** Some part was quoted or escaped: never an option, `!` or operator. */
  quoted: boolean;
  /** Unquoted shell operator: ; && || | & > < */
  op: boolean;
  /** The whole token is a known option (`-A`, `--dport`, ...): its meaning, looked up once by the tokenizer. */
  opt: OptTok | undefined;
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/**
 * Token objects are reused from line to line: tokens never outlive the parse of their line (results keep only
 * their text and spans), so a 5,000-line file does not allocate (and the collector does not sweep) 75,000 of them.
 */
const TOK_POOL: Tok[] = [];

/** A format field at the start of the text: `{name}` or `{obj.attr}` (no blank, no comma). */
const FORMAT_FIELD = /^\{[A-Za-z_][\w.]*\}/;

/** The token list of the current line (one array, reused; `length` is the line's token count). */
const TOKS: Tok[] = [];
const TOKENIZED: { toks: Tok[]; unterminated?: number } = { toks: TOKS, unterminated: undefined };

function pushTok(toks: Tok[], k: number, text: string, start: number, end: number, quoted: boolean, op: boolean, opt: OptTok | undefined): void {
  let t = TOK_POOL[k];
  if (t === undefined) {
    t = { text, start, end, quoted, op, opt };
    TOK_POOL.push(t);
  } else {
    t.text = text;
    t.start = start;
    t.end = end;
    t.quoted = quoted;
    t.op = op;
    t.opt = opt;
  }
  // index writes (not push, not length = 0): the array keeps its capacity from line to line
  toks[k] = t;
}

/**
 * The double-quoted string that starts at s[at] (the quote): its text with the escapes the shell undoes inside
 * double quotes (a backslash before `"`, `\`, `$` or a backquote), and the index after the closing quote (-1: no
 * closing quote, the text runs to the end of the line).
 */
function doubleQuoted(s: string, at: number): { text: string; next: number } {
  const n = s.length;
  let text = '';
  let chunk = at + 1;
  for (let i = at + 1; i < n; i++) {
    const d = s.charCodeAt(i);
    if (d === 34) return { text: text + s.slice(chunk, i), next: i + 1 };
    const e = d === 92 && i + 1 < n ? s.charCodeAt(i + 1) : 0;
    if (e === 34 || e === 92 || e === 36 || e === 96) {
      text += s.slice(chunk, i) + s[i + 1];
      chunk = ++i + 1;
    }
  }
  return { text: text + s.slice(chunk), next: -1 };
}

/** The index of the `)` closing a command substitution whose text starts at `from` (nesting and quotes skipped), or -1. */
function substitutionEnd(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === "'" || c === '"') {
      const close = s.indexOf(c, i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Shell-like tokenizer. `#` at a word start ends the line. Returns tokens and unterminated-quote position.
 * `restore`: a line of an iptables-save section as iptables-restore 1.8.9 reads it: only double quotes quote,
 * `'` and a `#` after the first word are plain characters (iptables-restore refuses them: `Bad argument`).
 * The tokens are pooled objects, valid until the next call.
 */
export function tokenize(s: string, shellOps: boolean, restore = false): { toks: Tok[]; unterminated?: number } {
  const toks = TOKS;
  let count = 0;
  const n = s.length;
  let i = 0;
  let unterminated: number | undefined;
  while (i < n) {
    let c = s.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 35 /* # */ && !restore) break;
    const start = i;
    if (shellOps && (c === 59 || c === 38 || c === 124 || c === 62 || c === 60)) {
      // ; & | > <  (and their doubles)
      let j = i + 1;
      if (j < n && (s.charCodeAt(j) === c || (c === 62 && s.charCodeAt(j) === 38))) j++;
      pushTok(toks, count++, s.slice(i, j), start, j, false, true, undefined);
      i = j;
      continue;
    }
    let text = '';
    let quoted = false;
    let plainStart = i;
    while (i < n) {
      c = s.charCodeAt(i);
      if (isSpace(c)) break;
      if (shellOps && (c === 59 || c === 38 || c === 124 || c === 62 || c === 60)) break;
      if (c === 39 /* ' */ && !restore) {
        text += s.slice(plainStart, i);
        quoted = true;
        const close = s.indexOf("'", i + 1);
        if (close < 0) {
          unterminated ??= i;
          text += s.slice(i + 1);
          i = n;
        } else {
          text += s.slice(i + 1, close);
          i = close + 1;
        }
        plainStart = i;
        continue;
      }
      if (c === 34 /* " */) {
        const dq = doubleQuoted(s, i);
        text += s.slice(plainStart, i) + dq.text;
        quoted = true;
        if (dq.next < 0) unterminated ??= i;
        i = dq.next < 0 ? n : dq.next;
        plainStart = i;
        continue;
      }
      if (shellOps && c === 36 /* $ */ && s.charCodeAt(i + 1) === 40 /* ( */) {
        // `$(ip route | awk '…')`: a command substitution is one word whose value the shell computes (unknown here)
        const close = substitutionEnd(s, i + 2);
        text += s.slice(plainStart, i) + s.slice(i, close < 0 ? n : close + 1);
        quoted = true;
        // (one left open goes on over the next lines, as the shell reads it: `Res=$(kubectl get pods -A |`)
        i = close < 0 ? n : close + 1;
        plainStart = i;
        continue;
      }
      if (c === 36 /* $ */ && s.charCodeAt(i + 1) === 123 /* { */) {
        // `${NAME:-a default}`, a Nix string's `${toString cfg.port}`: one word up to its closing brace, blanks included
        const close = s.indexOf('}', i + 2);
        if (close >= 0 && /\s/.test(s.slice(i + 2, close))) {
          text += s.slice(plainStart, close + 1);
          quoted = true;
          i = plainStart = close + 1;
          continue;
        }
      }
      // `{network_cidr}`, `{listen_port}`: a program's format field (a Python f-string holding the script, holdout 26), filled
      // in before the shell runs it; unknown here, as a variable's value. (Not `{80,443}`, the shell's brace expansion.)
      if (c === 123 /* { */ && s.charCodeAt(i - 1) !== 36 /* $ */ && FORMAT_FIELD.test(s.slice(i, i + 64))) {
        const close = s.indexOf('}', i + 1);
        text += `${s.slice(plainStart, i)}$${s.slice(i, close + 1)}`;
        quoted = true;
        i = plainStart = close + 1;
        continue;
      }
      if (c === 123 /* { */ && s.charCodeAt(i + 1) === 123) {
        // `{{ ansible_default_ipv4.interface }}`, `{{.DBHost}}`: a template's field, filled in before the text runs;
        // one word whose value is unknown here, as a variable's (`$` marks it so)
        const close = s.indexOf('}}', i + 2);
        if (close >= 0) {
          text += `${s.slice(plainStart, i)}$${s.slice(i, close + 2)}`;
          quoted = true;
          i = plainStart = close + 2;
          continue;
        }
      }
      if (c === 92 /* \ */ && i + 1 < n) {
        text += s.slice(plainStart, i) + s[i + 1];
        quoted = true;
        i += 2;
        plainStart = i;
        continue;
      }
      i++;
    }
    if (!quoted && s.charCodeAt(start) === 45 /* - */) {
      // an option: known ones come from the table (no copy of their text, no lookups by name later)
      const opt = optionToken(s, start, i);
      if (opt !== undefined) {
        pushTok(toks, count++, opt.text, start, i, false, false, opt);
        continue;
      }
    }
    text = text === '' ? s.slice(plainStart, i) : text + s.slice(plainStart, i);
    pushTok(toks, count++, text, start, i, quoted, false, undefined);
  }
  if (toks.length !== count) toks.length = count;
  TOKENIZED.unterminated = unterminated;
  return TOKENIZED;
}

/** A value as the text wrote it: a template's field without the `$` that marks it unknown (`${{ iface }}` → `{{ iface }}`). */
export function asWritten(v: string): string {
  return v.includes('${{') ? v.replace(/\$\{\{/g, '{{') : v;
}

export function looksLikeOption(t: Tok): boolean {
  return !t.quoted && !t.op && t.text.length > 1 && t.text.charCodeAt(0) === 45 && !(t.text.charCodeAt(1) >= 48 && t.text.charCodeAt(1) <= 57);
}

/** A word that can be an option's argument: not an operator, an option or an unquoted `!`. */
export function isArgument(t: Tok): boolean {
  return !t.op && !looksLikeOption(t) && !(t.text === '!' && !t.quoted);
}

/** The index of the next option (or operator, or `!`) from toks[j]: the arguments of an option are skipped. */
export function skipArgs(toks: Tok[], j: number): number {
  while (j < toks.length && isArgument(toks[j])) j++;
  return j;
}
