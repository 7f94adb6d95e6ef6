/**
 * The free text of an `iptables -nvL` rule line after the destination column: match modules' text (read by the
 * modules in ./matches, `list.read`) and target text (./listTargets.ts), into the rule's matches and target
 * options. Unrecognised words become one `syntax/unknown-list-text` warning per run of them: never dropped.
 */
import type { Rule, RuleDiagnostic, RuleMatch, RuleTarget, Span } from './model';
import { LIST_WORDS, type ListReader } from './matches';
import { DIAG, mkDiag } from './codes';
import { wsTokens, type WTok } from './listWords';
import { readTargetText, type TargetCursor } from './listTargets';

/** Parses the free text of `line` from offset `from` into `rule`'s matches / target options. */
export function parseExtra(line: string, from: number, rule: Rule, ln: number, diags: RuleDiagnostic[]): void {
  const toks = wsTokens(line, from);
  if (toks.length === 0) return;
  new ExtraParser(line, toks, rule, ln, diags).run();
}

class ExtraParser implements ListReader, TargetCursor {
  i = 0;
  private unkStart = -1;
  private unkEnd = -1;
  private last: RuleMatch | undefined;
  readonly target: RuleTarget | undefined;
  private readonly lastIndex = new Map<string, number>();

  constructor(
    readonly line: string,
    private readonly toks: WTok[],
    private readonly rule: Rule,
    private readonly ln: number,
    private readonly diags: RuleDiagnostic[],
  ) {
    this.target = rule.target;
  }

  private sp(a: number, b: number): Span {
    return { line: this.ln, start: a, end: b };
  }

  peek(o = 0): WTok | undefined {
    return this.toks[this.i + o];
  }

  advance(n: number): void {
    this.i += n;
  }

  skipTo(offset: number): void {
    while (this.i < this.toks.length && this.toks[this.i].start <= offset) this.i++;
  }

  /** `<keyword> <value>` as option `name` of match `m`; false (the keyword kept as unknown text) when no value follows. */
  keywordValue(m: RuleMatch, name: string, tk: WTok, neg: boolean): boolean {
    const v = this.peek(1);
    if (!v) {
      this.unknown(tk);
      this.i++;
      return false;
    }
    this.add(m, name, [v.text], neg, tk, v);
    this.i += 2;
    return true;
  }

  /** The value `at` words ahead, after an optional `!` that negates it: the word, its negation, the words used. */
  negatedValue(at: number, neg: boolean): { v: WTok; ng: boolean; adv: number } | undefined {
    const v = this.peek(at);
    if (v?.text !== '!') return v ? { v, ng: neg, adv: at + 1 } : undefined;
    const after = this.peek(at + 1);
    return after ? { v: after, ng: true, adv: at + 2 } : undefined;
  }

  private flushUnknown(): void {
    if (this.unkStart < 0) return;
    const txt = this.line.slice(this.unkStart, this.unkEnd);
    this.diags.push(mkDiag('warning', DIAG.unknownListText, `unrecognised listing text "${txt}" (kept as an unknown part of the rule)`, this.sp(this.unkStart, this.unkEnd), txt));
    this.unkStart = -1;
  }

  unknown(t: WTok): void {
    if (this.unkStart < 0) this.unkStart = t.start;
    this.unkEnd = t.end;
  }

  match(module: string, t: WTok, merge: boolean): RuleMatch {
    const ms = this.rule.matches;
    if (merge && this.last && this.last.module === module && ms[ms.length - 1] === this.last) return this.last;
    const m: RuleMatch = { module, implicit: false, options: [], span: this.sp(t.start, t.end) };
    ms.push(m);
    this.last = m;
    return m;
  }

  add(m: RuleMatch | RuleTarget, name: string, args: string[], negated: boolean, a: WTok, b: WTok): void {
    m.options.push({ name, negated, args, span: this.sp(a.start, b.end) });
    if (m.span.end < b.end) m.span = { line: m.span.line, start: m.span.start, end: b.end };
  }

  lastIndexOf(needle: string): number {
    let at = this.lastIndex.get(needle);
    if (at === undefined) this.lastIndex.set(needle, (at = this.line.lastIndexOf(needle)));
    return at;
  }

  tgt(name: string, args: string[], a: WTok, b: WTok): void {
    if (this.target) this.add(this.target, name, args, false, a, b);
  }

  /** A match module's listing text starting at word `w` (./matches: the modules whose list.words has it). */
  private readModule(t: WTok, w: string, neg: boolean): boolean {
    for (const mod of LIST_WORDS.get(w) ?? []) if (mod.list?.read(this, t, neg)) return true;
    return false;
  }

  run(): void {
    const toks = this.toks;
    const tname = this.target?.name ?? '';
    while (this.i < toks.length) {
      const t = toks[this.i];
      let neg = false;
      let tk = t;
      if (t.text === '!' && toks[this.i + 1]) {
        neg = true;
        this.i++;
        tk = toks[this.i];
      }
      const start = this.i;
      if (this.readModule(tk, tk.text, neg) || readTargetText(this, tk, tk.text, tname)) {
        this.flushUnknown();
        if (this.i === start) this.i++; // safety: always progress
        continue;
      }
      // unrecognised: a "!" consumed above belongs to the unknown text
      if (neg) this.unknown(t);
      this.unknown(tk);
      this.i++;
    }
    this.flushUnknown();
  }
}
