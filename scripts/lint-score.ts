/**
 * Scores the DOCKER-USER linter on the real-world corpus (test/fixtures/lint/real-world: published rule sets with
 * `# expect:` lines written by a reviewer) and on real dumps (test/fixtures/lint/real-dumps: Docker's and other
 * tools' own rules, where no error or warning is expected).
 *
 * Scoring (errors and warnings are findings; info diagnostics are hints, counted apart):
 *  - TP: an `# expect: <line> <code>` matched by a finding with that code on that line (or on another physical line
 *    of the same backslash-continued command);
 *  - FN: an expectation no finding matches;
 *  - FP: a finding that matches no `# expect:` and no `# expect-info:` line (findings matching `# expect-info:` are
 *    neutral: the reviewer marked them as optional);
 *  - precision = TP / (TP + FP), recall = TP / (TP + FN). A code ending in `/*` matches any code with that prefix.
 *  - The linter sees the published text alone: the reviewer's header lines become bare `#` lines (line numbers kept),
 *    so that words of a `# note:` cannot change a judgment (holdout 17: a note on "encrypted overlays" did).
 *    KEEP_HEADERS=1 lints the files as they are.
 *
 * Run: `npx tsx scripts/lint-score.ts [--verbose] [--dir <folder>]` (`--dir`: score only that folder, e.g. the
 * holdout test/fixtures/lint/holdout). The test test/unit/lint-real-world.test.ts uses the same loader.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lintRules } from '../src/core/lint';
import type { LintContext, LintDiagnostic } from '../src/core/lint';

const LINT = resolve(__dirname, '..', 'test', 'fixtures', 'lint');
export const REAL_WORLD = join(LINT, 'real-world');
export const REAL_DUMPS = join(LINT, 'real-dumps');

export interface Expectation {
  /** 1-based line of the file. */
  line: number;
  code: string;
  why: string;
}

export interface CorpusEntry {
  name: string;
  text: string;
  headers: Map<string, string[]>;
  expect: Expectation[];
  expectInfo: Expectation[];
  /** 1-based lines where any finding would be wrong (documentation; such findings are FPs anyway). */
  clean: Set<number>;
  context?: LintContext;
}

const HEADER = /^#\s*([a-z-]+):\s*(.*)$/;
const EXPECTATION = /^(\d+)\s+(\S+)\s*(?:—\s*)?(.*)$/;

/** A `# context:` file: in the set's own folder's contexts/, else the real-world corpus's, else the shared one. */
function readContext(name: string, dir?: string): LintContext {
  const candidates = [...(dir ? [join(dir, 'contexts', name)] : []), join(REAL_WORLD, 'contexts', name), join(LINT, 'contexts', name)];
  const file = candidates.find((f) => existsSync(f)) ?? candidates[candidates.length - 1];
  return JSON.parse(readFileSync(file, 'utf8')) as LintContext;
}

/** Reads the leading `# key: value` block of a corpus file (stops at the first other line). */
export function parseEntry(name: string, text: string, dir?: string): CorpusEntry {
  const headers = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = HEADER.exec(line);
    if (!m) break;
    headers.set(m[1], [...(headers.get(m[1]) ?? []), m[2]]);
  }
  const parse = (key: string): Expectation[] =>
    (headers.get(key) ?? []).map((v) => {
      const m = EXPECTATION.exec(v);
      if (!m) throw new Error(`${name}: bad # ${key}: ${v}`);
      return { line: Number(m[1]), code: m[2], why: m[3] };
    });
  const clean = new Set<number>();
  for (const v of headers.get('clean') ?? []) for (const n of (/^([\d,]+)/.exec(v)?.[1] ?? '').split(',').filter(Boolean)) clean.add(Number(n));
  const ctx = headers.get('context')?.[0];
  return { name, text, headers, expect: parse('expect'), expectInfo: parse('expect-info'), clean, context: ctx ? readContext(ctx.split(/\s/)[0], dir) : undefined };
}

export function loadDir(dir: string): CorpusEntry[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rules') || f.endsWith('.txt'))
    .sort()
    .map((f) => parseEntry(f, readFileSync(join(dir, f), 'utf8'), dir));
}

/** For each 1-based line, the first line of its backslash-continued command. */
export function logicalStarts(text: string): number[] {
  const lines = text.split('\n');
  const start: number[] = [0];
  let current = 1;
  for (let i = 0; i < lines.length; i++) {
    start[i + 1] = current;
    const trailing = /\\+$/.exec(lines[i].replace(/\r$/, ''))?.[0].length ?? 0;
    if (trailing % 2 === 0) current = i + 2;
  }
  return start;
}

export function codeMatches(expected: string, code: string): boolean {
  return expected.endsWith('/*') ? code.startsWith(expected.slice(0, -1)) : expected === code;
}

export interface FileScore {
  name: string;
  tp: Expectation[];
  fn: Expectation[];
  fp: LintDiagnostic[];
  /** Findings matching `# expect-info:` (neutral). */
  neutral: LintDiagnostic[];
  /** Info diagnostics: hints that match an expectation, and the rest. */
  hintsMatching: LintDiagnostic[];
  hintsOther: LintDiagnostic[];
  /** Expectations that only an info diagnostic matched (still FN). */
  onlyHinted: Expectation[];
}

const isFinding = (d: LintDiagnostic): boolean => d.severity === 'error' || d.severity === 'warning';

export function scoreEntry(entry: CorpusEntry, diagnostics: LintDiagnostic[]): FileScore {
  const starts = logicalStarts(entry.text);
  const same = (a: number, b: number): boolean => a === b || (starts[a] !== undefined && starts[a] === starts[b]);
  const hits = (e: Expectation, d: LintDiagnostic): boolean => codeMatches(e.code, d.code) && same(e.line, d.span.line + 1);
  const findings = diagnostics.filter(isFinding);
  const hints = diagnostics.filter((d) => !isFinding(d));
  const tp = entry.expect.filter((e) => findings.some((d) => hits(e, d)));
  const fn = entry.expect.filter((e) => !tp.includes(e));
  const fp = findings.filter((d) => !entry.expect.some((e) => hits(e, d)) && !entry.expectInfo.some((e) => hits(e, d)));
  const neutral = findings.filter((d) => !entry.expect.some((e) => hits(e, d)) && entry.expectInfo.some((e) => hits(e, d)));
  const all = [...entry.expect, ...entry.expectInfo];
  const hintsMatching = hints.filter((d) => all.some((e) => hits(e, d)));
  const hintsOther = hints.filter((d) => !hintsMatching.includes(d));
  const onlyHinted = fn.filter((e) => hints.some((d) => hits(e, d)));
  return { name: entry.name, tp, fn, fp, neutral, hintsMatching, hintsOther, onlyHinted };
}

/** The published text alone: the reviewer's header lines (`# source:`, `# intent:`, `# expect:`, …) become bare `#` lines. */
export function publishedText(text: string): string {
  return text.replace(/^# (source|intent|form|context|expect|expect-info|clean|note):.*$/gm, '#');
}

export function lintEntry(entry: CorpusEntry): FileScore {
  return scoreEntry(entry, lintRules(process.env.KEEP_HEADERS ? entry.text : publishedText(entry.text), entry.context).diagnostics);
}

export interface Totals {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  hintsMatching: number;
  hintsOther: number;
}

export function totals(scores: FileScore[]): Totals {
  const sum = (f: (s: FileScore) => number): number => scores.reduce((n, s) => n + f(s), 0);
  const tp = sum((s) => s.tp.length);
  const fp = sum((s) => s.fp.length);
  const fn = sum((s) => s.fn.length);
  return {
    tp,
    fp,
    fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    hintsMatching: sum((s) => s.hintsMatching.length),
    hintsOther: sum((s) => s.hintsOther.length),
  };
}

const fmtDiag = (d: LintDiagnostic): string => `${d.span.line + 1} ${d.severity} ${d.code}: ${d.message.slice(0, 110)}`;

function report(title: string, scores: FileScore[], verbose: boolean): Totals {
  console.log(`\n== ${title} (${scores.length} files)`);
  for (const s of scores) {
    const info = s.hintsMatching.length + s.hintsOther.length;
    console.log(`${s.name.padEnd(58)} TP ${s.tp.length}  FP ${s.fp.length}  FN ${s.fn.length}  info ${info}`);
    for (const d of s.fp) console.log(`    FP ${fmtDiag(d)}`);
    for (const e of s.fn) console.log(`    FN ${e.line} ${e.code}${s.onlyHinted.includes(e) ? ' (reported only as info)' : ''}`);
    if (verbose) for (const d of [...s.hintsMatching, ...s.hintsOther, ...s.neutral]) console.log(`    .. ${fmtDiag(d)}`);
  }
  const t = totals(scores);
  console.log(`-- ${title}: TP ${t.tp}  FP ${t.fp}  FN ${t.fn}  precision ${t.precision.toFixed(2)}  recall ${t.recall.toFixed(2)}  info hints: ${t.hintsMatching} on expected lines, ${t.hintsOther} elsewhere`);
  return t;
}

export const HOLDOUT = join(LINT, 'holdout');
export const HOLDOUT2 = join(LINT, 'holdout2');

function main(): void {
  const verbose = process.argv.includes('--verbose');
  const dirAt = process.argv.indexOf('--dir');
  if (dirAt >= 0) {
    const dir = resolve(process.argv[dirAt + 1] ?? HOLDOUT);
    const t = report(dir, loadDir(dir).map(lintEntry), verbose);
    console.log(`\n${dir}: precision ${t.precision.toFixed(2)} (TP ${t.tp}, FP ${t.fp}), recall ${t.recall.toFixed(2)} (FN ${t.fn})`);
    return;
  }
  const rw = report('real-world rule sets', loadDir(REAL_WORLD).map(lintEntry), verbose);
  const dumps = report('real dumps', loadDir(REAL_DUMPS).map(lintEntry), verbose);
  console.log(`\nreal-world: precision ${rw.precision.toFixed(2)} (TP ${rw.tp}, FP ${rw.fp}), recall ${rw.recall.toFixed(2)} (FN ${rw.fn}); dumps: ${dumps.fp} unexpected errors/warnings`);
}

if (require.main === module) main();
