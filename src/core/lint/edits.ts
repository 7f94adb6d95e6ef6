/** Applying a fix's text edits to a document (LSP semantics: 0-based line/character, edits do not overlap). */
import type { TextEdit } from './types';

function offsetAt(text: string, line: number, character: number): number {
  let at = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  return Math.min(at + character, text.length);
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const abs = edits.map((e) => ({ s: offsetAt(text, e.range.start.line, e.range.start.character), e: offsetAt(text, e.range.end.line, e.range.end.character), t: e.newText }));
  abs.sort((a, b) => b.s - a.s || b.e - a.e);
  let out = text;
  for (const x of abs) out = out.slice(0, x.s) + x.t + out.slice(x.e);
  return out;
}
