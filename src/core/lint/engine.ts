/**
 * The lint engine: parses the text (per logical line, cached under the parser state and the line's text, so an
 * edit re-parses only the changed lines), assembles the ruleset, computes the rules' facts and runs every rule of
 * the registry (./rules/index.ts).
 *
 * Kinds of text:
 *  - `dump`: a full dump of a node (iptables-save / -S with Docker's own chains). Rules Docker or another tool
 *    generated are taken as given; the user's rules are checked.
 *  - `listing`: an `iptables [-v] -nL` listing (parsed by ../iptables/parseList.ts): linted like a dump.
 *  - `proposal`: a user's rule file (restore file, -S lines or `iptables ...` command lines). Command lines are
 *    applied on top of the node's current rules (LintContext.filterRules; without it Docker's DOCKER-USER as the
 *    context's version creates it, `-j RETURN` up to 28.2.1).
 */
import type { LineResult, LineState } from '../iptables/parse';
import { advanceLineState, assembleRuleset, lineStateKey, logicalLines, newLineState, parseLogicalLine } from '../iptables/parse';
import { parseIptablesList } from '../iptables/parseList';
import type { BaseMatch, Rule, Ruleset, Span, TableName } from '../iptables/model';
import type { PreparedContext } from './context';
import { prepareContext } from './context';
import type { RuleFacts } from './facts';
import { computeFacts } from './facts';
import { generatedRules } from './generated';
import { inferListingTable, inferTable, isListing, listingWithoutInterfaces } from './input';
import type { DocRule, Pass } from './pass';
import { publishedPorts } from './pass';
import { LINT_RULES } from './rules/index';
import type { FileKind, LintContext, LintDiagnostic, LintOptions, LintResult } from './types';

export type { LintOptions } from './types';

const DOCKER_MARKERS = /^(DOCKER|DOCKER-ISOLATION-STAGE-1|DOCKER-FORWARD|DOCKER-INGRESS|DOCKER_OUTPUT)$/;

/** A line only a dump of Docker's own rules has (the text is then a `dump`, unless it has command lines). */
function dumpMarker(r: LineResult): boolean {
  if ((r.kind === 'chain' || r.kind === 'new-chain') && r.chain && DOCKER_MARKERS.test(r.chain)) return true;
  const rule = r.rule;
  if (r.kind !== 'rule' || !rule?.target || rule.op !== 'A') return false;
  const t = rule.target.name;
  if (rule.chain === 'FORWARD' && (t === 'DOCKER-USER' || t === 'DOCKER-ISOLATION-STAGE-1' || t === 'DOCKER-FORWARD')) return true;
  return rule.table === 'nat' && (t === 'DOCKER' || t === 'DOCKER-INGRESS' || t === 'DOCKER_OUTPUT');
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

interface CacheEntry {
  res: LineResult;
  facts?: RuleFacts;
  /** Run that last used this entry (a line used twice in one run is parsed again: its spans differ). */
  gen: number;
}

/** Incremental linter: keeps per-line parse results and facts between runs (one instance per document). */
export class Linter {
  /** Parse results per parser state (`*table` section / default table), then per line text. */
  private cache = new Map<string, Map<string, CacheEntry>>();
  private gen = 0;
  private pc: PreparedContext = prepareContext(undefined);
  private baseFacts = new Map<Rule, RuleFacts>();
  private ruleByLine: (Rule | undefined)[] = [];

  constructor(ctx?: LintContext) {
    this.setContext(ctx);
  }

  setContext(ctx: LintContext | undefined): void {
    this.pc = prepareContext(ctx);
    this.baseFacts = new Map();
    for (const r of this.pc.base) if (r.rule) this.baseFacts.set(r.rule, computeFacts(r.rule, r));
  }

  /** The rule that starts (or continues) on a 0-based line in the last linted text. */
  ruleAt(line: number): Rule | undefined {
    return this.ruleByLine[line];
  }

  /** Parses the text's lines, reusing cached results; stops at the budget. */
  private parseLines(text: string, state: LineState, budget: number | undefined): { results: LineResult[]; facts: Map<Rule, RuleFacts>; truncatedAt?: number } {
    const t0 = performance.now();
    const gen = ++this.gen;
    const results: LineResult[] = [];
    const facts = new Map<Rule, RuleFacts>();
    this.ruleByLine = [];
    const lls = logicalLines(text);
    let cacheKey = '';
    let cache = new Map<string, CacheEntry>();
    for (let k = 0; k < lls.length; k++) {
      const ll = lls[k];
      if (budget !== undefined && (k & 255) === 255 && performance.now() - t0 > budget) return { results, facts, truncatedAt: ll.line };
      const stateKey = lineStateKey(state);
      if (stateKey !== cacheKey) {
        cacheKey = stateKey;
        cache = this.cache.get(stateKey) ?? new Map<string, CacheEntry>();
        this.cache.set(stateKey, cache);
      }
      let entry = cache.get(ll.text);
      if (entry && entry.gen !== gen) {
        advanceLineState(ll.text, state);
        if (entry.res.line !== ll.line) shiftInPlace(entry.res, ll.line - entry.res.line);
        entry.gen = gen;
      } else {
        const res = parseLogicalLine(ll, state);
        const fresh: CacheEntry = { res, gen };
        if (!entry) cache.set(ll.text, fresh);
        entry = fresh;
      }
      const rule = entry.res.rule;
      if (rule) {
        entry.facts ??= computeFacts(rule, entry.res);
        facts.set(rule, entry.facts);
        this.ruleByLine[ll.line] = rule;
        for (const sg of ll.segments ?? []) this.ruleByLine[sg.line] = rule;
      }
      results.push(entry.res);
    }
    // `-E` renames the chain of already-parsed rules in place: never reuse those objects
    if (results.some((r) => r.kind === 'rename')) this.cache = new Map();
    else {
      let size = 0;
      for (const c of this.cache.values()) size += c.size;
      if (size > 2 * lls.length + 1000) for (const c of this.cache.values()) for (const [k, e] of c) if (e.gen !== gen) c.delete(k);
    }
    return { results, facts };
  }

  lint(text: string, options?: LintOptions): LintResult {
    if (isListing(text)) return this.lintListing(text, options);
    const inferred = options?.defaultTable ? undefined : inferTable(text);
    const state = newLineState(options?.defaultTable ?? inferred ?? 'filter');
    const { results, facts, truncatedAt } = this.parseLines(text, state, options?.budgetMs);
    const command = results.some((r) => r.format === 'command' && (r.kind === 'rule' || r.kind === 'flush' || r.kind === 'policy' || r.kind === 'delete-chain'));
    const kind: FileKind = !command && results.some(dumpMarker) ? 'dump' : 'proposal';
    const baseRules = new Set<Rule>();
    let all = results;
    if (command) {
      for (const r of this.pc.base) {
        if (!r.rule) continue;
        baseRules.add(r.rule);
        const bf = this.baseFacts.get(r.rule);
        if (bf) facts.set(r.rule, bf);
      }
      all = [...this.pc.base, ...results];
    }
    const ruleset = assembleRuleset(all);
    const doc: DocRule[] = [];
    for (const res of results) {
      const f = res.rule && res.kind === 'rule' ? facts.get(res.rule) : undefined;
      if (res.rule && f) doc.push({ rule: res.rule, f, res });
    }
    const p = newPass(text, results, facts, ruleset, kind, command, this.pc, baseRules, doc, false);
    for (const d of ruleset.diagnostics) {
      if (d.span.line >= 0) p.diags.push({ code: d.code, severity: d.severity, message: d.message, span: { ...d.span }, fixes: [] });
    }
    p.inferredTable = inferred;
    p.unfinishedSection = truncatedAt === undefined ? state.table : undefined;
    return this.run(p, options, truncatedAt, kind, results.filter((r) => r.rule).length);
  }

  private lintListing(text: string, options?: LintOptions): LintResult {
    this.ruleByLine = [];
    const table: TableName = options?.defaultTable ?? inferListingTable(text);
    const ruleset = parseIptablesList(text, table);
    const noInterfaces = listingWithoutInterfaces(text);
    const facts = new Map<Rule, RuleFacts>();
    const doc: DocRule[] = [];
    for (const rule of ruleset.rules) {
      const res: LineResult = { kind: 'rule', line: rule.line, table, format: 'S', rule, diagnostics: [] };
      const f = computeFacts(rule, res);
      // without -v the interface columns are missing: every rule may have an interface condition
      if (noInterfaces) f.conds = [...f.conds, `?:interfaces unknown@${rule.line}`];
      if (noInterfaces) f.condSet = new Set(f.conds);
      facts.set(rule, f);
      doc.push({ rule, f, res });
      this.ruleByLine[rule.line] = rule;
    }
    const p = newPass(text, [], facts, ruleset, 'listing', false, this.pc, new Set(), doc, noInterfaces);
    for (const d of ruleset.diagnostics) p.diags.push({ code: d.code, severity: d.severity, message: d.message, span: { ...d.span }, fixes: [] });
    p.inferredTable = table === 'filter' ? undefined : table;
    return this.run(p, options, undefined, 'listing', ruleset.rules.length);
  }

  private run(p: Pass, options: LintOptions | undefined, truncatedAt: number | undefined, kind: FileKind, ruleCount: number): LintResult {
    for (const rule of LINT_RULES) rule.check(p);
    if (truncatedAt !== undefined) {
      p.diags.push({ code: 'lint/truncated', severity: 'info', message: `lint stopped at line ${truncatedAt + 1}: the file took longer than ${options?.budgetMs} ms to check; later lines were not linted`, span: { line: truncatedAt, start: 0, end: 0 }, fixes: [] });
    }
    const diags = p.diags.filter((d) => keep(p, d));
    diags.sort((a, b) => a.span.line - b.span.line || a.span.start - b.span.start || a.code.localeCompare(b.code));
    return { diagnostics: dedupe(diags), kind, ruleCount };
  }
}

function newPass(text: string, results: LineResult[], facts: Map<Rule, RuleFacts>, ruleset: Ruleset, kind: FileKind, command: boolean, pc: PreparedContext, baseRules: Set<Rule>, doc: DocRule[], noInterfaces: boolean): Pass {
  let lines: string[] | undefined;
  const p: Pass = {
    text,
    // split on first use (fixes and a few messages need line texts)
    get lines(): string[] {
      lines ??= text.split('\n');
      return lines;
    },
    results, facts, ruleset, kind, command, diags: [], pc, baseRules, published: publishedPorts(ruleset, pc), doc,
    generated: new Set(), noInterfaces, inferredTable: undefined, unfinishedSection: undefined,
  };
  p.generated = generatedRules(p);
  return p;
}

/** Shell lines around the rules of a script (`set -e`, `echo`, `for …`) are not findings. */
function keep(p: Pass, d: LintDiagnostic): boolean {
  return !(p.command && d.code === 'syntax/not-iptables');
}

function dedupe(diags: LintDiagnostic[]): LintDiagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const k = `${d.code}|${d.span.line}|${d.span.start}|${d.span.end}|${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Lints a text once (no cache kept). */
export function lintRules(text: string, ctx?: LintContext, options?: LintOptions): LintResult {
  return new Linter(ctx).lint(text, options);
}
