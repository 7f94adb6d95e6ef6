/**
 * A program's argv list written over several lines (`subprocess.run([` / `"iptables", "-I", "DOCKER-USER",` /
 * `"-s", ip, "-j", "DROP",` / `])`, `exec.Command("iptables",` / `"-A", …)`): read as the one list it is. The list is
 * joined onto the line of its binary (where findings point) and the lines it took are left blank; the line reader
 * (../iptables/programStrings.ts) then reads it as it reads a list written on one line. Comments between the
 * elements (`# allow replies`, `// then drop`) are the program's. A list that never closes, holds a spread or an
 * expression the reader cannot take as one word, or runs on for more than MAX_LINES lines is left as written.
 */
import type { Expanded } from './shellFunctions';
import { BINARY_ELEMENT } from '../iptables/programStrings';

const MAX_LINES = 30;
/** One element: a string literal on one line, or a name, call or index (`ip`, `str(port)`, `cfg["chain"]`). */
const ELEMENT = /(["'`])(?:\\.|(?!\1)[^\\\n])*\1|[A-Za-z_][\w.]*(?:\([^()\n]*\))?(?:\[[^\]\n]*\])?/y;
/** A line that ends in an opening bracket: the call or value the list on the next line belongs to. */
const OPENS = /[[({]\s*$/;
/** Blanks, line ends and comments between elements. */
const GAP = /(?:\s|#[^\n]*|\/\/[^\n]*)*/y;

/** The list from `from` (its binary element) to its closing bracket: its elements and the index after the bracket. */
function readList(text: string, from: number): { elements: string[]; end: number; close: string } | undefined {
  const elements: string[] = [];
  let i = from;
  for (;;) {
    ELEMENT.lastIndex = i;
    const e = ELEMENT.exec(text);
    if (!e) return undefined;
    elements.push(e[0]);
    GAP.lastIndex = ELEMENT.lastIndex;
    GAP.exec(text);
    i = GAP.lastIndex;
    if (text[i] === ',') {
      GAP.lastIndex = i + 1;
      GAP.exec(text);
      i = GAP.lastIndex;
      if (text[i] !== ']' && text[i] !== ')' && text[i] !== '}') continue;
    }
    return text[i] === ']' || text[i] === ')' || text[i] === '}' ? { elements, end: i + 1, close: text[i] } : undefined;
  }
}

/** The text with each argv list that spans lines joined onto its binary's line, or undefined when there is none. */
export function expandArgvLists(text: string): Expanded | undefined {
  // (search, not test: the shared global pattern keeps no position)
  if (text.search(BINARY_ELEMENT) < 0) return undefined;
  const lines = text.split('\n');
  const starts: number[] = [];
  for (let at = 0, n = 0; n < lines.length; at += lines[n].length + 1, n++) starts.push(at);
  const lineOf = (offset: number) => {
    let lo = 0;
    while (lo + 1 < starts.length && starts[lo + 1] <= offset) lo++;
    return lo;
  };
  const rewritten = new Set<number>();
  let readTo = -1;
  for (const m of text.matchAll(BINARY_ELEMENT)) {
    const at = m.index ?? 0;
    if (at < readTo) continue;
    const list = readList(text, at);
    if (!list) continue;
    readTo = list.end;
    const first = lineOf(at);
    const last = lineOf(list.end - 1);
    if (last === first || last - first > MAX_LINES || rewritten.has(first)) continue;
    // the call that opens the list on the line above (`print([`, `subprocess.run(`) is read with it: it says
    // whether the program runs the list or prints it
    let before = lines[first].slice(0, at - starts[first]);
    if (!before.trim() && first > 0 && OPENS.test(lines[first - 1]) && !rewritten.has(first - 1)) {
      before += lines[first - 1].trim();
      lines[first - 1] = '';
      rewritten.add(first - 1);
    }
    lines[first] = `${before}${list.elements.join(', ')}${list.close}`;
    rewritten.add(first);
    for (let k = first + 1; k <= last; k++) {
      lines[k] = '';
      rewritten.add(k);
    }
  }
  return rewritten.size ? { text: lines.join('\n'), rewritten, calls: new Set() } : undefined;
}
