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
}

const cache = new WeakMap<Pass, Shape>();

const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/;

function shapeOf(p: Pass): Shape {
  let s = cache.get(p);
  if (s) return s;
  s = { script: false, starts: [], heredoc: new Set() };
  let seenCommand = false;
  let end: { word: string; dash: boolean } | undefined;
  p.lines.forEach((raw, i) => {
    const t = raw.replace(/\r$/, '');
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
  });
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
