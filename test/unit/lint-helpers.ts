/** Helpers for the linter tests: apply LSP-style text edits, load corpus files with their `# expect:` / `# context:` headers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LintContext, TextEdit } from '../../src/core/lint/types';
import { FIXTURES } from '../helpers';

export const LINT_FIXTURES = join(FIXTURES, 'lint');

function offsetAt(text: string, line: number, character: number): number {
  let off = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return Math.min(off + character, text.length);
}

/** Applies non-overlapping edits (positions refer to the original text). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const abs = edits.map((e) => ({ s: offsetAt(text, e.range.start.line, e.range.start.character), e: offsetAt(text, e.range.end.line, e.range.end.character), t: e.newText }));
  abs.sort((a, b) => b.s - a.s || b.e - a.e);
  let out = text;
  for (const x of abs) out = out.slice(0, x.s) + x.t + out.slice(x.e);
  return out;
}

export interface CorpusFile {
  name: string;
  text: string;
  expect?: string;
  context?: LintContext;
}

export function loadCorpusFile(dir: string, name: string): CorpusFile {
  const text = readFileSync(join(dir, name), 'utf8');
  const expect = /^#\s*expect:\s*(\S+)/m.exec(text)?.[1];
  const ctxName = /^#\s*context:\s*(\S+)/m.exec(text)?.[1];
  const context = ctxName ? (JSON.parse(readFileSync(join(LINT_FIXTURES, 'contexts', ctxName), 'utf8')) as LintContext) : undefined;
  return { name, text, expect, context };
}
