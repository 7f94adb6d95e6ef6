/**
 * The shape of a script around its rules: whether the text is a shell script (`#!…` before any command), where a
 * second script starts inside it (a guide that shows the one-off commands, then the same rules as an rc.local script:
 * the parts are alternatives, not one run), and which lines are here-document bodies (file contents, not commands).
 */
import type { Pass } from './pass';
import type { LineResult } from '../iptables/parse';
import type { RuleDiagnostic } from '../iptables/model';

interface Shape {
  /** Lines where a later `#!` starts another script (alternative sections). */
  starts: number[];
  /** Lines inside a here-document body. */
  heredoc: Set<number>;
  /** The file each body line belongs to (its body's first line): a here-document inside a body (`ssh node <<'EOF'`
   * … `cat > unit <<'UNIT'`) is a file of its own. */
  file: Map<number, number>;
  /** Lines inside the body of a here-document whose delimiter is unquoted (`<<EOF`): the shell expands it, and joins `\`-newline. */
  heredocExpanded: Set<number>;
  /** Quotes that span lines (closed on a later line, as the shell reads them): each line's role. */
  quoted: Map<number, QuotedRole>;
}

/**
 * A line's part in a quote that spans lines: the line that opens it, the lines inside a quoted script (`bash -c '…'`:
 * commands), inside a value assigned to a variable (`patch="…"`: file content, like a here-document's), inside any
 * other quoted text (`echo "…"`: not commands), and the line that closes it.
 */
export type QuotedRole = 'opens' | 'inside-script' | 'inside-value' | 'inside-text' | 'closes';

const ASSIGNMENT = /(?:^|\s)(?:local\s+|export\s+|readonly\s+|declare\s+(?:-\w+\s+)?)?[A-Za-z_][A-Za-z0-9_]*=$/;

/**
 * A program's triple-quoted string opened at the end of an assignment (Python's `startup_script = f'''`, `+= """`): a
 * value, like a shell variable's, whose lines a program hands on to run (holdout 56: a Deployment Manager template's VM
 * startup script). `before` ends just before the quote left open, after the first two quotes of the three.
 */
const PROGRAM_STRING = /[A-Za-z_][\w.\]['"]*\s*\+?=\s*[rRfFbBuU]{0,2}(?:''|"")$/;

/**
 * Where a line leaves the shell's quoting: the quote still open at its end ('\'' or '"'), starting from `open`.
 * Single quotes have no escapes; in double quotes and outside quotes a backslash escapes the next character; a `#`
 * at the start of a word outside quotes starts a comment.
 */
export function openQuoteAfter(line: string, open: string | undefined): string | undefined {
  let q = open;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q === "'") {
      if (c === "'") q = undefined;
    } else if (c === '\\') i++;
    else if (q === '"') {
      if (c === '"') q = undefined;
    } else if (c === "'" || c === '"') q = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) break;
  }
  return q;
}

/** `bash -c '` / `sh -c "` (with sudo, su -c, …): the quoted lines are a script of their own, run as commands. */
export const NESTED_SCRIPT = /\b(?:ba|da|z)?sh\s+(?:-\w+\s+)*-\w*c\s*$|\bsu\b.*\s-c\s*$/;

const cache = new WeakMap<Pass, Shape>();

const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/;

/**
 * A sentence's apostrophes: inside a word (`Won't`, `you're`), and, when one quote is left over, a plural's
 * possessive (`Testcontainers' resource reaper`, holdout 34).
 */
function withoutApostrophes(line: string): string {
  const t = line.replace(/(?<=[\p{L}\p{N}])'(?=\p{L})/gu, '');
  return (t.match(/'/g) ?? []).length % 2 === 1 ? t.replace(/(?<=s)'(?=[\s.,;:!?)]|$)/g, '') : t;
}

function shapeOf(p: Pass): Shape {
  const cached = cache.get(p);
  if (cached) return cached;
  const s: Shape = { starts: [], heredoc: new Set(), file: new Map(), heredocExpanded: new Set(), quoted: new Map() };
  let seenCommand = false;
  let end: { word: string; dash: boolean; expands: boolean; file: number } | undefined;
  // a here-document opened inside a body: its lines are another file until its delimiter
  let inner: { word: string; dash: boolean; file: number } | undefined;
  const quote: { q?: string; opener: number; inside: QuotedRole } = { opener: -1, inside: 'inside-text' };
  // a quote left open on the line that starts a here-document (`v="$(cat <<EOF`): the body comes first, then the quote goes on
  let afterBody: typeof quote | undefined;
  const unclosed = () => {
    for (const [line, role] of [...s.quoted]) if (line >= quote.opener && role !== 'closes') s.quoted.delete(line);
    quote.q = undefined;
  };
  const scanQuote = (raw: string, i: number) => {
    // an apostrophe inside a word of a line that runs no iptables (`Won't Work`, `you're`) is a sentence's, no quote
    // that would hide the lines after it (holdout 29)
    const t = raw.includes("'") && !/\bip6?tables\b/.test(raw) ? withoutApostrophes(raw) : raw;
    // most rule lines have no quote at all: skip the scan for them
    const q = t.includes("'") || t.includes('"') ? openQuoteAfter(t, undefined) : undefined;
    if (!q) return;
    quote.q = q;
    quote.opener = i;
    const before = t.slice(0, t.lastIndexOf(q));
    quote.inside = NESTED_SCRIPT.test(before) ? 'inside-script' : ASSIGNMENT.test(before) || PROGRAM_STRING.test(before) ? 'inside-value' : 'inside-text';
    s.quoted.set(i, 'opens');
  };
  p.lines.forEach((raw, i) => {
    const t = raw.replace(/\r$/, '');
    const bodyEnds = !!end && (end.dash ? t.trim() : t) === end.word;
    // a quote still open where its here-document ends was the body's own syntax error: the parser's finding stays
    if (bodyEnds && quote.q) unclosed();
    if (quote.q) {
      quote.q = openQuoteAfter(t, quote.q);
      s.quoted.set(i, quote.q ? quote.inside : 'closes');
      return;
    }
    if (end) {
      if (bodyEnds) {
        end = undefined;
        if (afterBody) Object.assign(quote, afterBody);
        afterBody = undefined;
      } else {
        s.heredoc.add(i);
        s.file.set(i, inner?.file ?? end.file);
        if (inner && (inner.dash ? t.trim() : t) === inner.word) inner = undefined;
        else if (!inner && !t.trim().startsWith('#')) {
          const h = HEREDOC.exec(t);
          if (h) inner = { word: h[2], dash: t.slice(h.index).startsWith('<<-'), file: i + 1 };
        }
        if (end.expands) s.heredocExpanded.add(i);
        // a body the shell runs (`ssh node <<'EOF'`, `bash -s <<EOF`) is a script: its quotes may span lines too
        if (!t.trim().startsWith('#')) scanQuote(t, i);
      }
      return;
    }
    const trimmed = t.trim();
    if (trimmed.startsWith('#!')) {
      // (one before any command makes the text a script: isShellScript)
      if (seenCommand) s.starts.push(i);
      return;
    }
    if (!trimmed || trimmed.startsWith('#')) return;
    seenCommand = true;
    const h = HEREDOC.exec(t);
    if (h) end = { word: h[2], dash: t.slice(h.index).startsWith('<<-'), expands: h[1] === '', file: i + 1 };
    inner = undefined;
    scanQuote(t, i);
    if (h && quote.q) {
      afterBody = { ...quote };
      quote.q = undefined;
    }
  });
  // a quote still open at the end of the text is the shell's syntax error: the parser's finding stays
  if (afterBody) Object.assign(quote, afterBody);
  if (quote.q) unclosed();
  cache.set(p, s);
  return s;
}

/** The blank and comment lines that open a text, before its first command. */
const OPENING_LINES = /^(?:[ \t]*(?:#[^\n]*)?(?:\n|$))*/;

/** The text is a shell script: a `#!` line comes before any command (among the lines that open it: no scan of the rest). */
export function isShellScript(p: Pass): boolean {
  const opening = OPENING_LINES.exec(p.text)?.[0] ?? '';
  return /^[ \t]*#!/m.test(opening);
}

/** The line is inside a here-document body (`cat > file <<'EOF'` … `EOF`). */
export function inHeredoc(p: Pass, line: number): boolean {
  return hasHeredoc(p) && shapeOf(p).heredoc.has(line);
}

/** The text opens a here-document somewhere (`<<`): without one, no line is in a body (no scan of the text's shape). */
function hasHeredoc(p: Pass): boolean {
  return mentions(p, '<<');
}

const mentioned = new WeakMap<Pass, Map<string, boolean>>();

/** The pass's text holds the literal (asked once per pass: the checks ask for every pair of rules they compare). */
function mentions(p: Pass, literal: string): boolean {
  let known = mentioned.get(p);
  if (!known) mentioned.set(p, (known = new Map()));
  let has = known.get(literal);
  if (has === undefined) known.set(literal, (has = p.text.includes(literal)));
  return has;
}

/** The line is inside an unquoted-delimiter here-document (`<<EOF`), whose `\`-newlines the shell joins. */
export function inExpandedHeredoc(p: Pass, line: number): boolean {
  return hasHeredoc(p) && shapeOf(p).heredocExpanded.has(line);
}

/** Index of the script section holding the line (0 unless a later `#!` starts another script). */
export function sectionOf(p: Pass, line: number): number {
  // (a later section starts at a `#!` line: without one, every line is in the first)
  return mentions(p, '#!') ? shapeOf(p).starts.filter((s) => s <= line).length : 0;
}

/** A branch a line is in: arm `arm` (0 = the `then` part, or before a `case`'s first pattern) of the `if`/`case` opened on line `id`. */
interface Arm {
  kind: 'if' | 'case';
  id: number;
  arm: number;
}

const armsCache = new WeakMap<Pass, Arm[][]>();

/** Per line, after reading it, the branches it is in: `if`/`elif`/`else` and `case` arms. */
function armsOf(p: Pass): Arm[][] {
  let arms = armsCache.get(p);
  if (arms) return arms;
  const stack: Arm[] = [];
  arms = p.lines.map((raw, i) => {
    const t = raw.trim();
    const top = stack[stack.length - 1];
    if (/^if\b/.test(t) && !/\bfi\s*;?\s*$/.test(t)) stack.push({ id: i, arm: 0, kind: 'if' });
    else if (/^(else|elif)\b/.test(t) && top?.kind === 'if') top.arm++;
    else if (/^fi\b/.test(t) && top?.kind === 'if') stack.pop();
    else if (/^case\b.*\bin\s*$/.test(t)) stack.push({ id: i, arm: 0, kind: 'case' });
    else if (/^esac\b/.test(t) && top?.kind === 'case') stack.pop();
    else if (top?.kind === 'case' && /^\(?[^()\s]+(?:\s*\|\s*[^()\s]+)*\)/.test(t) && !/^\$?\(/.test(t)) top.arm++;
    return stack.map((b) => ({ ...b }));
  });
  armsCache.set(p, arms);
  return arms;
}

/** The two lines are in different arms of one `if`/`case`: a script runs one of them, never both. */
export function alternatives(p: Pass, a: number, b: number): boolean {
  if (!p.command || a < 0 || b < 0) return false;
  const all = armsOf(p);
  const y = all[b] ?? [];
  return (all[a] ?? []).some((x) => y.some((o) => o.id === x.id && o.arm !== x.arm));
}

/** The line (a shell script's) is inside an `else`/`elif` branch of an `if … fi` that started before it. */
export function inElseBranch(p: Pass, line: number): boolean {
  if (!p.command || line <= 0) return false;
  return (armsOf(p)[line - 1] ?? []).some((b) => b.kind === 'if' && b.arm > 0);
}

/**
 * The here-document body holding the line (its first line), or -1 outside one: each body is a file the script
 * writes (`cat > /etc/ufw/after.rules <<EOF`, a second script), loaded on its own, not in the order of the text.
 */
export function heredocOf(p: Pass, line: number): number {
  return hasHeredoc(p) ? shapeOf(p).file.get(line) ?? -1 : -1;
}

/** The line where the section holding `line` starts (for messages), or undefined for the first section. */
export function sectionStart(p: Pass, line: number): number | undefined {
  return shapeOf(p).starts.filter((s) => s <= line).pop();
}

/** The line's part in a quote that spans lines (closed later, so the shell reads it whole), if any. */
export function quotedRole(p: Pass, line: number): QuotedRole | undefined {
  return shapeOf(p).quoted.get(line);
}

const TEXT_DELIMITER = /^(?:USAGE|HELP|EOH|END_?HELP|EOM|MSG|MESSAGE|TEXT|DOC)$/i;

/** A here-document printed to the terminal: `cat <<USAGE`, `cat >&2 <<EOF` (no file, no pipe, no other reader). */
const PRINTED_HEREDOC = /^\s*(?:cat|more|less)(?:\s+>&2)?\s*<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1(?:\s*>&2)?\s*;?\s*$/;

/**
 * The lines of here-documents a script prints (a usage text: `-b / --binary    iptables binary`): text for a reader,
 * not rules (holdout 30: 15 errors on one usage text). 0-based line numbers.
 */
export function printedHeredocLines(text: string): Set<number> {
  const out = new Set<number>();
  if (!text.includes('<<')) return out;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = PRINTED_HEREDOC.exec(lines[i]);
    // (a usage or help text: `usage() { cat <<EOF`, `cat <<USAGE`; not a `( echo '*filter'; cat <<EOF … ) | iptables-restore`)
    if (!m || !(TEXT_DELIMITER.test(m[2]) || /usage|help/i.test(`${lines[i - 1] ?? ''} ${lines[i]}`))) continue;
    const dash = /<<-/.test(lines[i]);
    let j = i + 1;
    while (j < lines.length && (dash ? lines[j].trim() : lines[j]) !== m[2]) out.add(j++);
    i = j;
  }
  return out;
}

/** The lines of a printed here-document (a usage text) are text: not rules, no findings (./sections.ts). */
export function withoutPrintedText(text: string, results: LineResult[]): LineResult[] {
  const printed = printedHeredocLines(text);
  if (!printed.size) return results;
  return results.map((r) => (printed.has(r.line) ? { ...r, kind: 'other' as const, rule: undefined, diagnostics: [] } : r));
}

const fenceCache = new WeakMap<Pass, number[]>();

/** For each line, the line of the opening fence (```` ``` ```` or `~~~`) of the Markdown code block holding it, or -1. */
function fenceBlocks(lines: string[]): number[] {
  const out: number[] = [];
  let open = -1;
  lines.forEach((l, i) => {
    const fence = /^\s*(?:```|~~~)/.test(l);
    if (fence && open >= 0) {
      out.push(open);
      open = -1;
      return;
    }
    if (fence) open = i;
    out.push(open);
  });
  return out;
}

/**
 * The Markdown code block (```` ``` ```` fences) holding each line: its opening fence's line, or -1 outside one. A guide's
 * code blocks are snippets for different steps or setups (a VM and a container, the session and the boot script),
 * not one script run top to bottom.
 */
export function fenceOf(p: Pass, line: number): number {
  let blocks = fenceCache.get(p);
  if (!blocks) {
    // (a text without a backquote or a tilde has no fence: found at memory speed, no line read)
    blocks = p.text.includes('`') || p.text.includes('~') ? fenceBlocks(p.lines) : [];
    fenceCache.set(p, blocks);
  }
  return line >= 0 ? blocks[line] ?? -1 : -1;
}

/** A sentence: three words, the first of letters (`These lines expose containers…`, `red-gecko27 · comment · 2022-07-11`). */
const SENTENCE = /[A-Za-z]{2,}\S*\s+\S+\s+\S+/;

/**
 * Prose stands between the two lines of a text of saved or `-S` rules (not a script): a sentence the parser did not
 * read as iptables. The rules on either side are separate snippets (an issue thread's first version of a block and
 * its "Solved" one, holdout 49), not one rule set loaded at once.
 */
export function proseBetween(p: Pass, a: number, b: number): boolean {
  if (p.command || a < 0 || b < 0) return false;
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return proseLinesOf(p).some((l) => l > lo && l < hi);
}

const proseCache = new WeakMap<Pass, number[]>();

function isNotIptables(d: RuleDiagnostic): boolean {
  return d.code === 'syntax/not-iptables';
}

/** The lines of prose in the pass's text (read once per pass): sentences the parser did not read as iptables. */
function proseLinesOf(p: Pass): number[] {
  let lines = proseCache.get(p);
  if (!lines) {
    lines = p.results.filter((r) => r.diagnostics.some(isNotIptables) && SENTENCE.test(p.lines[r.line] ?? '')).map((r) => r.line);
    proseCache.set(p, lines);
  }
  return lines;
}

const FLUSHED_IN_PROSE = /\bflush(?:es|ed|ing)?\b[^.]*\bDOCKER-USER\b/i;

/**
 * The prose of a Markdown document (outside its code blocks) says DOCKER-USER is flushed ("The script flushes and
 * rebuilds `DOCKER-USER` on each run", holdout 44): its code blocks show the chain as rebuilt, with no RETURN of
 * Docker's left in front of their `-A` rules.
 */
export function flushedInProse(text: string): boolean {
  if (!text.includes('```') && !text.includes('~~~')) return false;
  const lines = text.split('\n');
  const blocks = fenceBlocks(lines);
  // (fence lines themselves belong to their block)
  return lines.some((l, i) => blocks[i] < 0 && FLUSHED_IN_PROSE.test(l));
}
