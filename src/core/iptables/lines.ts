/**
 * Logical lines of rule text: one physical line, or several joined by trailing `\` (command-line files), and the
 * spans of offsets in them (a continued line's offsets map back to their physical line).
 */
import type { Span } from './model';

/** A logical line: one physical line, or several joined by trailing `\` (command-line files). */
export interface LogicalLine {
  /** 0-based line of the first physical line. */
  line: number;
  /** The text, continuation backslashes replaced by a space. */
  text: string;
  /** For joined lines: offsets in `text` where each following physical line starts. */
  segments?: { offset: number; line: number }[];
  /** Physical lines (0-based) of a command continued by `\\` outside a here-document: said, read as continued. */
  doubled?: number[];
}

/** The physical line ends in `\` (blanks after it allowed): the command goes on on the next line. */
export function continuedOnNextLine(line: string): boolean {
  return /\\\s*$/.test(line);
}

/** `cat > f <<EOT` / `<<-EOT` (not `<<'EOT'`, `<<"EOT"`, `<<\\EOT`, nor a `<<<` here-string): the delimiter of an unquoted here-document. */
const UNQUOTED_HEREDOC = /(?:^|[^<])<<(-?)[ \t]*([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_'"])/;

/**
 * The delimiter (and whether tabs may indent it) of an unquoted here-document the line opens: in its body the shell
 * turns `\\` into `\`, so a body line ending in `\\` is a continued line of the file it writes.
 */
function unquotedHeredoc(line: string): { word: string; tabs: boolean } | undefined {
  if (!line.includes('<<')) return undefined;
  const m = UNQUOTED_HEREDOC.exec(line.replace(/(?:^|\s)#.*$/, ''));
  return m ? { word: m[2], tabs: m[1] === '-' } : undefined;
}

/**
 * An iptables command line (or an option line of one) ending in `\\` outside a here-document: escaped for a
 * generator (an unquoted here-document, a script's echo) more often than written to run; read as continued, and said.
 */
function escapedCommand(raw: string): boolean {
  const t = raw.trimStart();
  return !t.startsWith('#') && (t.startsWith('-') || /\bip6?tables\b/.test(t));
}

/**
 * Splits text into logical lines (linear). A line ending in an odd number of `\` continues on the next one; so does
 * one ending in `\\` in the body of an unquoted here-document (the file it writes holds `\`).
 */
export function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const n = text.length;
  let pos = 0;
  let lineNo = 0;
  let cur: LogicalLine | undefined;
  let heredoc: { word: string; tabs: boolean } | undefined;
  let bodyContinued = false;
  while (pos <= n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--; // \r\n
    const raw = text.slice(pos, end);
    let bs = 0;
    for (let k = raw.length - 1; k >= 0 && raw.charCodeAt(k) === 92; k--) bs++;
    const delimiter = !!heredoc && (heredoc.tabs ? raw.replace(/^\t+/, '') : raw) === heredoc.word;
    // the shell reads `\\` as one backslash, no continuation: the delimiter after such a line still ends the body
    if (delimiter && cur && bodyContinued) {
      out.push(cur);
      cur = undefined;
    }
    if (delimiter && !cur) heredoc = undefined;
    const doubled = bs >= 2 && bs % 2 === 0 && nl < n && (!!heredoc || escapedCommand(raw));
    const escaped = !!heredoc && doubled;
    bodyContinued = escaped;
    const cont = (bs % 2 === 1 || doubled) && nl < n;
    const piece = cont ? `${raw.slice(0, raw.length - (doubled ? 2 : 1))} ` : raw;
    if (!heredoc && !cont) heredoc = unquotedHeredoc(cur ? cur.text + piece : piece);
    if (cur) {
      cur.segments ??= [];
      cur.segments.push({ offset: cur.text.length, line: lineNo });
      cur.text += piece;
    } else cur = { line: lineNo, text: piece };
    if (doubled && !escaped) (cur.doubled ??= []).push(lineNo);
    if (!cont) {
      if (!(nl >= n && cur.text === '' && !cur.segments && pos >= n && out.length > 0)) out.push(cur);
      cur = undefined;
    }
    if (nl >= n) break;
    pos = nl + 1;
    lineNo++;
  }
  if (cur) out.push(cur);
  return out;
}

export function spanOf(ll: LogicalLine, start: number, end: number): Span {
  const segs = ll.segments;
  if (!segs) return { line: ll.line, start, end };
  // binary search: last segment with offset <= start (long continued lines stay linear overall)
  let lo = 0;
  let hi = segs.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segs[mid].offset <= start) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const line = at < 0 ? ll.line : segs[at].line;
  const base = at < 0 ? 0 : segs[at].offset;
  // clamp the end to the physical line of the start (the joining space is not part of it)
  const limit = at + 1 < segs.length ? segs[at + 1].offset - 1 : Infinity;
  return { line, start: start - base, end: Math.max(start, Math.min(end, limit)) - base };
}
