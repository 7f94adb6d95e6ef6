/**
 * The shape of a script around its rules: whether the text is a shell script (`#!…` before any command), where a
 * second script starts inside it (a guide that shows the one-off commands, then the same rules as an rc.local script:
 * the parts are alternatives, not one run), and which lines are here-document bodies (file contents, not commands).
 */
import type { Pass } from './pass';

interface Shape {
  script: boolean;
  /** Lines where a later `#!` starts another script (alternative sections). */
  starts: number[];
  /** Lines inside a here-document body. */
  heredoc: Set<number>;
  /** Quotes that span lines (closed on a later line, as the shell reads them): each line's role. */
  quoted: Map<number, 'opens' | 'inside-script' | 'inside-text' | 'closes'>;
}

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
const NESTED_SCRIPT = /\b(?:ba|da|z)?sh\s+(?:-\w+\s+)*-\w*c\s*$|\bsu\b.*\s-c\s*$/;

const cache = new WeakMap<Pass, Shape>();

const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/;

function shapeOf(p: Pass): Shape {
  let s = cache.get(p);
  if (s) return s;
  s = { script: false, starts: [], heredoc: new Set(), quoted: new Map() };
  let seenCommand = false;
  let end: { word: string; dash: boolean } | undefined;
  const quote: { q?: string; opener: number; script: boolean } = { opener: -1, script: false };
  p.lines.forEach((raw, i) => {
    const t = raw.replace(/\r$/, '');
    if (quote.q) {
      quote.q = openQuoteAfter(t, quote.q);
      s?.quoted.set(i, quote.q ? (quote.script ? 'inside-script' : 'inside-text') : 'closes');
      return;
    }
    if (end) {
      if ((end.dash ? t.trim() : t) === end.word) end = undefined;
      else s?.heredoc.add(i);
      return;
    }
    const trimmed = t.trim();
    if (trimmed.startsWith('#!')) {
      if (!seenCommand) s!.script = true;
      else s!.starts.push(i);
      return;
    }
    if (!trimmed || trimmed.startsWith('#')) return;
    seenCommand = true;
    const h = HEREDOC.exec(t);
    if (h) end = { word: h[2], dash: t.slice(h.index).startsWith('<<-') };
    // most rule lines have no quote at all: skip the scan for them
    const q = t.includes("'") || t.includes('"') ? openQuoteAfter(t, undefined) : undefined;
    if (q) {
      quote.q = q;
      quote.opener = i;
      quote.script = NESTED_SCRIPT.test(t.slice(0, t.lastIndexOf(q)));
      s?.quoted.set(i, 'opens');
    }
  });
  // a quote still open at the end of the text is the shell's syntax error: the parser's finding stays
  if (quote.q) for (const [line, role] of [...s.quoted]) if (line >= quote.opener && role !== 'closes') s.quoted.delete(line);
  cache.set(p, s);
  return s;
}

/** The text is a shell script: a `#!` line comes before any command. */
export function isShellScript(p: Pass): boolean {
  return shapeOf(p).script;
}

/** The line is inside a here-document body (`cat > file <<'EOF'` … `EOF`). */
export function inHeredoc(p: Pass, line: number): boolean {
  return shapeOf(p).heredoc.has(line);
}

/** Index of the script section holding the line (0 unless a later `#!` starts another script). */
export function sectionOf(p: Pass, line: number): number {
  return shapeOf(p).starts.filter((s) => s <= line).length;
}

/** The line where the section holding `line` starts (for messages), or undefined for the first section. */
export function sectionStart(p: Pass, line: number): number | undefined {
  return shapeOf(p).starts.filter((s) => s <= line).pop();
}

/** The line's part in a quote that spans lines (closed later, so the shell reads it whole), if any. */
export function quotedRole(p: Pass, line: number): 'opens' | 'inside-script' | 'inside-text' | 'closes' | undefined {
  return shapeOf(p).quoted.get(line);
}
