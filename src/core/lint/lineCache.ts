/**
 * The per-line parse cache of one document (used by the engine's Linter): a line's parse result and its facts
 * depend only on its text and the parser state before it (../iptables/parse.ts, `lineStateKey`), so an edit
 * re-parses only the lines it changed; lines that moved keep their result, with their spans shifted.
 *
 * Finding a line's cached result by its text hashes the text, which for a 5,000-line file costs more than the
 * rest of a re-lint's parsing. The lines an edit did not touch (the run of equal lines at the start and at the
 * end of the document, compared with the previous run's lines) are therefore taken from the previous run by
 * position; only the lines in between are looked up by text. Both paths give the same cache entry (checked by
 * test/unit/lint-incremental.test.ts: incremental = fresh lint after random edits). The index by text is made
 * from the previous run when a run first looks a line up (a document's first lint has nothing to look up, and
 * indexing its every line was a tenth of that lint), and kept up to date from then on.
 */
import type { LineResult, LineState, LogicalLine } from '../iptables/parse';
import { advanceLineState, lineStateKey, logicalLines, parseLogicalLine } from '../iptables/parse';
import type { BaseMatch, Rule, Span } from '../iptables/model';
import type { FactsOf, RuleFacts } from './facts';
import { computeFacts } from './facts';
import type { DocRule } from './pass';
import type { PreparedContext } from './context';
import { appliesOf } from './applies';

interface CacheEntry {
  res: LineResult;
  /** The rule line with its facts (a rule line's entry gets it on first use). */
  doc?: DocRule;
  /** The same for the other commands of the line (`res.more`). */
  moreDocs?: (DocRule | undefined)[];
  /** Run that last used this entry (a line used twice in one run is parsed again: its spans differ). */
  gen: number;
}

/** The lines of a run: their texts, the parser state before each and the entries they used. */
interface Run {
  lines: LogicalLine[];
  stateKeys: string[];
  entries: CacheEntry[];
}

const NO_RUN: Run = { lines: [], stateKeys: [], entries: [] };

export interface ParsedLines {
  results: LineResult[];
  /** The rule lines (`-A`/`-I`/… results) with their facts. */
  doc: DocRule[];
  /** The facts of the rules of `results` (kept per rule object from run to run: no map built per run). */
  facts: FactsOf;
  /** The rule that starts (or continues) on each 0-based line. */
  ruleByLine: (Rule | undefined)[];
  /** The line where the time budget ran out (later lines are not parsed). */
  truncatedAt?: number;
}

/** Moves a cached line result to another line by shifting its spans in place (its facts stay valid). */
function shiftInPlace(r: LineResult, delta: number): void {
  const seen = new Set<Span>();
  const sh = (sp: Span | undefined): void => {
    if (!sp || seen.has(sp)) return;
    seen.add(sp);
    sp.line += delta;
  };
  r.line += delta;
  for (const m of r.more ?? []) shiftInPlace(m, delta);
  sh(r.chainSpan);
  for (const d of r.diagnostics) {
    sh(d.span);
    d.line = d.span.line + 1;
  }
  const x = r.rule;
  if (!x) return;
  x.line += delta;
  sh(x.span);
  const bases: (BaseMatch | undefined)[] = [x.protocol, x.source, x.destination, x.inInterface, x.outInterface, x.fragment];
  for (const b of bases) sh(b?.span);
  for (const m of x.matches) {
    sh(m.span);
    for (const o of m.options) sh(o.span);
  }
  if (x.target) {
    sh(x.target.span);
    for (const o of x.target.options) sh(o.span);
  }
}

/** How many lines at the start (head) and at the end (tail) of `now` equal those of `before`, not overlapping. */
function unchangedEnds(now: LogicalLine[], before: LogicalLine[]): { head: number; tail: number } {
  const max = Math.min(now.length, before.length);
  let head = 0;
  while (head < max && now[head].text === before[head].text) head++;
  let tail = 0;
  while (tail < max - head && now[now.length - 1 - tail].text === before[before.length - 1 - tail].text) tail++;
  return { head, tail };
}

export class LineCache {
  /** Entries per parser state (`*table` section / default table), then per line text; made on first use. */
  private byState: Map<string, Map<string, CacheEntry>> | undefined;
  private gen = 0;
  private last: Run = NO_RUN;
  private factsByRule = new WeakMap<Rule, RuleFacts>();

  /**
   * Parses the text's lines from `state`, reusing cached results; stops at the budget (ms). A new rule line's facts
   * and the checks that apply to it under `pc` are found right after its parse, while its objects are still in the
   * processor's cache (in a later pass over the document each rule's objects are read from memory again).
   */
  parse(text: string, state: LineState, budget: number | undefined, pc: PreparedContext): ParsedLines {
    const t0 = performance.now();
    const gen = ++this.gen;
    const out: ParsedLines = { results: [], doc: [], facts: this.factsByRule, ruleByLine: [] };
    const lls = logicalLines(text);
    const before = this.last;
    const { head, tail } = unchangedEnds(lls, before.lines);
    const run: Run = { lines: lls, stateKeys: [], entries: [] };
    let stateKey = '';
    let table: LineState['table'] | null = null;
    for (let k = 0; k < lls.length; k++) {
      const ll = lls[k];
      if (budget !== undefined && (k & 255) === 255 && performance.now() - t0 > budget) {
        // the lines parsed so far are the next run's to reuse (the next run gets further: what it finds cached is fast)
        this.last = { lines: lls.slice(0, k), stateKeys: run.stateKeys, entries: run.entries };
        return { ...out, truncatedAt: ll.line };
      }
      if (state.table !== table) {
        table = state.table;
        stateKey = lineStateKey(state);
      }
      // an unchanged line at the same place from the end: its index in the previous run
      const was = k < head ? k : k >= lls.length - tail ? k - lls.length + before.lines.length : -1;
      const moved = was >= 0 && before.stateKeys[was] === stateKey ? before.entries[was] : undefined;
      const entry = this.entryFor(ll, state, stateKey, moved ?? (before.lines.length > 0 ? this.lookUp(stateKey, ll.text) : undefined), gen);
      run.stateKeys.push(stateKey);
      run.entries.push(entry);
      const res = entry.res;
      if (res.rule) {
        entry.doc ??= this.docRule(res.rule, res, pc);
        if (res.kind === 'rule') out.doc.push(entry.doc);
        out.ruleByLine[ll.line] = res.rule;
        for (const sg of ll.segments ?? []) out.ruleByLine[sg.line] = res.rule;
      }
      out.results.push(res);
      // the other commands of the line: results (and rules) of their own, the line's rule stays the first one's
      if (res.more) {
        entry.moreDocs ??= res.more.map((m) => (m.rule ? this.docRule(m.rule, m, pc) : undefined));
        res.more.forEach((m, k) => {
          const d = entry.moreDocs?.[k];
          if (d && m.kind === 'rule') out.doc.push(d);
          out.results.push(m);
        });
      }
    }
    this.last = run;
    this.evict(out.results, lls.length, gen);
    return out;
  }

  private docRule(rule: Rule, res: LineResult, pc: PreparedContext): DocRule {
    const f = computeFacts(rule, res);
    this.factsByRule.set(rule, f);
    return { rule, f, res, applies: appliesOf(rule, f, pc) };
  }

  /** The cached entry moved to this line, or a fresh parse (not cached, or already used on another line this run). */
  private entryFor(ll: LogicalLine, state: LineState, stateKey: string, cached: CacheEntry | undefined, gen: number): CacheEntry {
    if (cached && cached.gen !== gen) {
      advanceLineState(ll.text, state);
      if (cached.res.line !== ll.line) shiftInPlace(cached.res, ll.line - cached.res.line);
      cached.gen = gen;
      return cached;
    }
    const fresh: CacheEntry = { res: parseLogicalLine(ll, state), gen };
    // (no index yet: it is made from this run's entries when a later run looks a line up)
    if (!cached && this.byState) this.cacheOf(this.byState, stateKey).set(ll.text, fresh);
    return fresh;
  }

  /** The entry of a line text under a parser state; the index is made from the previous run on first use. */
  private lookUp(stateKey: string, text: string): CacheEntry | undefined {
    if (!this.byState) {
      const index = new Map<string, Map<string, CacheEntry>>();
      const { lines, stateKeys, entries } = this.last;
      for (let k = 0; k < lines.length; k++) {
        const cache = this.cacheOf(index, stateKeys[k]);
        // (a text on several lines: its first line's entry, as when each fresh parse was indexed)
        if (!cache.has(lines[k].text)) cache.set(lines[k].text, entries[k]);
      }
      this.byState = index;
    }
    return this.byState.get(stateKey)?.get(text);
  }

  private cacheOf(index: Map<string, Map<string, CacheEntry>>, stateKey: string): Map<string, CacheEntry> {
    let cache = index.get(stateKey);
    if (!cache) index.set(stateKey, (cache = new Map()));
    return cache;
  }

  /** Drops entries an old text used once the cache holds twice the document; `-E` renames rules in place: drop all. */
  private evict(results: LineResult[], lines: number, gen: number): void {
    if (results.some((r) => r.kind === 'rename')) {
      this.byState = undefined;
      this.last = NO_RUN;
      return;
    }
    if (!this.byState) return;
    let size = 0;
    for (const c of this.byState.values()) size += c.size;
    if (size > 2 * lines + 1000) for (const c of this.byState.values()) for (const [k, e] of c) if (e.gen !== gen) c.delete(k);
  }
}
