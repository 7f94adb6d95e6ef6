/**
 * `iptables -nvL` / `-nL` / `--line-numbers` / `-x` listing parser. Produces the same RuleMatch / RuleTarget shapes
 * as the -S parser; the normalisation table is in the header of ./parse.ts. Total: never throws, unknown text gives
 * a `syntax/unknown-list-text` warning and the rule is still produced. Linear in the input.
 */
import type { BaseMatch, Chain, Rule, RuleDiagnostic, RuleMatch, RuleTarget, Ruleset, Span, TableName } from './model';
import { BUILTIN_CHAINS } from './model';
import { PROTOCOL_NUMBERS, normalizeAddress } from './spec';
import { LIST_WORDS, type ListReader } from './matches';
import { DIAG, mkDiag } from './codes';
import { newRule } from './newRule';

interface WTok {
  text: string;
  start: number;
  end: number;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

function wsTokens(s: string, from = 0, max = Infinity): WTok[] {
  const out: WTok[] = [];
  let i = from;
  const n = s.length;
  while (i < n && out.length < max) {
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (i >= n) break;
    const st = i;
    while (i < n && !isWs(s.charCodeAt(i))) i++;
    out.push({ text: s.slice(st, i), start: st, end: i });
  }
  return out;
}

const SUFFIX: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** `176K` → 176000; undefined when not a counter. */
export function parseListCounter(s: string): number | undefined {
  if (s.length === 0 || s.length > 24) return undefined;
  const last = s[s.length - 1];
  const mul = SUFFIX[last];
  const digits = mul ? s.slice(0, -1) : s;
  if (digits.length === 0) return undefined;
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(digits) * (mul ?? 1);
}

type Col = 'num' | 'pkts' | 'bytes' | 'target' | 'prot' | 'opt' | 'in' | 'out' | 'source' | 'destination';
const COLS = new Set<string>(['num', 'pkts', 'bytes', 'target', 'prot', 'opt', 'in', 'out', 'source', 'destination']);
const VERBOSE: Col[] = ['pkts', 'bytes', 'target', 'prot', 'opt', 'in', 'out', 'source', 'destination'];

const OPT_COL = new Set(['--', '-f', '!f']);

const NAT_TARGETS = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);


function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/** Parses an `iptables [-t table] -nvL [CHAIN]` (or -nL, --line-numbers, -x) listing of ONE table. Never throws. */
export function parseIptablesList(text: string, table: TableName): Ruleset {
  const rs: Ruleset = { tables: new Map(), rules: [], diagnostics: [] };
  const tbl = { name: table, chains: new Map<string, Chain>() };
  rs.tables.set(table, tbl);
  const diags = rs.diagnostics;
  let cols: Col[] = VERBOSE;
  let chain: Chain | undefined;
  let pos = 0;
  let lineNo = 0;
  const n = text.length;
  while (pos <= n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    const line = text.slice(pos, nl);
    const ln = lineNo;
    pos = nl + 1;
    lineNo++;
    const toks = wsTokens(line, 0, 12);
    if (toks.length > 0) {
      const t0 = toks[0].text;
      if (t0 === 'Chain') chain = parseChainHeader(line, ln, toks, table, tbl.chains, diags);
      else if (COLS.has(t0) && isHeader(toks)) cols = toks.map((t) => t.text as Col);
      else if (t0.startsWith('#') || t0 === 'Warning:' || t0 === 'iptables:' || t0 === 'iptables' || t0 === 'ip6tables:') {
        diags.push(mkDiag('info', DIAG.badListLine, `not part of the listing: ${line.trim()}`, lsp(ln, toks[0].start, line.length), line.trim()));
      } else {
        const rule = parseListRule(line, ln, cols, table, chain, diags);
        if (rule) {
          rs.rules.push(rule);
          if (chain) {
            rule.index = chain.rules.length;
            chain.rules.push(rule);
          }
        }
      }
    }
    if (nl >= n) break;
  }
  return rs;
}

function isHeader(toks: WTok[]): boolean {
  for (const t of toks) if (!COLS.has(t.text)) return false;
  return true;
}

function parseChainHeader(line: string, ln: number, toks: WTok[], table: TableName, chains: Map<string, Chain>, diags: RuleDiagnostic[]): Chain | undefined {
  const sp = (a: number, b: number): Span => ({ line: ln, start: a, end: b });
  const nameTok = toks[1];
  if (!nameTok || nameTok.text.startsWith('(')) {
    diags.push(mkDiag('error', DIAG.noChain, 'chain header without a name', sp(toks[0].start, line.length), line));
    return undefined;
  }
  const name = nameTok.text;
  const builtin = BUILTIN_CHAINS[table].includes(name);
  let chain = chains.get(name);
  if (chain) diags.push(mkDiag('warning', DIAG.chainExists, `chain ${name} listed twice: rules appended`, sp(nameTok.start, nameTok.end), name));
  else {
    chain = { name, builtin, declLine: ln, rules: [] };
    chains.set(name, chain);
  }
  const open = line.indexOf('(', nameTok.end);
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) {
    diags.push(mkDiag('warning', DIAG.badListLine, `chain header without "(policy ...)" or "(N references)"`, sp(nameTok.end, line.length), line));
    return chain;
  }
  const inner = wsTokens(line.slice(open + 1, close));
  const bad = (): void => {
    diags.push(mkDiag('warning', DIAG.badListLine, `unrecognised chain header "${line.slice(open, close + 1)}"`, sp(open, close + 1), line));
  };
  if (inner[0]?.text === 'policy' && inner[1]) {
    const pol = inner[1].text;
    if (pol !== 'ACCEPT' && pol !== 'DROP') diags.push(mkDiag('error', DIAG.badPolicy, `bad policy "${pol}"`, sp(open + 1 + inner[1].start, open + 1 + inner[1].end), pol));
    else chain.policy = pol;
    if (!builtin) diags.push(mkDiag('warning', DIAG.unknownChain, `${name} has a policy but is not a builtin chain of table ${table} (wrong table?)`, sp(nameTok.start, nameTok.end), name));
    if (inner.length >= 6) {
      const p = parseListCounter(inner[2].text);
      const b = parseListCounter(inner[4].text.replace(/,$/, ''));
      if (p === undefined || b === undefined || inner[3].text.replace(/,$/, '') !== 'packets' || inner[5].text !== 'bytes') bad();
      else chain.policyCounters = { packets: p, bytes: b };
    } else if (inner.length !== 2) bad();
  } else if (inner.length === 2 && (inner[1].text === 'references' || inner[1].text === 'reference')) {
    const r = parseListCounter(inner[0].text);
    if (r === undefined) bad();
    else chain.references = r;
    if (builtin) diags.push(mkDiag('warning', DIAG.unknownChain, `${name} is a builtin chain of table ${table} but is listed as a user chain (wrong table?)`, sp(nameTok.start, nameTok.end), name));
  } else bad();
  return chain;
}

function lsp(ln: number, a: number, b: number): Span {
  return { line: ln, start: a, end: b };
}

function colErr(ln: number, diags: RuleDiagnostic[], t: WTok, what: string): void {
  diags.push(mkDiag('error', DIAG.badListLine, `"${t.text}" is not a valid ${what} column`, lsp(ln, t.start, t.end), t.text));
}

function bm(ln: number, t: WTok, transform: (v: string) => string | undefined): BaseMatch | undefined {
  const neg = t.text.startsWith('!');
  const v = transform(neg ? t.text.slice(1) : t.text);
  if (v === undefined) return undefined;
  return { value: v, negated: neg, span: lsp(ln, t.start, t.end) };
}

function protoCol(v: string): string | undefined {
  const l = v.toLowerCase();
  if (l === 'all' || l === '0') return undefined;
  if (DIGITS.test(l)) return PROTOCOL_NUMBERS[l] ?? l;
  return l;
}
const DIGITS = /^\d+$/;

function ifaceCol(v: string): string | undefined {
  return v === '*' || v === '' ? undefined : v;
}

function addrCol(v: string): string | undefined {
  if (v === '0.0.0.0/0' || v === '::/0' || v === 'anywhere' || v === '') return undefined;
  return v.includes(':') && !v.includes('/') ? `${v}/128` : normalizeAddress(v);
}

function parseListRule(line: string, ln: number, cols: Col[], table: TableName, chain: Chain | undefined, diags: RuleDiagnostic[]): Rule | undefined {
  const toks = wsTokens(line, 0, cols.length + 1);
  const first = toks[0];
  const ruleSpan = lsp(ln, first.start, line.length);
  if (!chain) {
    diags.push(mkDiag('error', DIAG.noChain, 'rule line before any "Chain NAME (...)" header', ruleSpan, line.trim()));
    return undefined;
  }
  // Locate columns; the target column may be empty (rules without -j).
  let k = 0;
  const get: Partial<Record<Col, WTok>> = {};
  let ok = true;
  for (let ci = 0; ci < cols.length; ci++) {
    const c = cols[ci];
    if (c === 'target') {
      // empty target ⇔ the token after this one is the opt column
      const optIdx = cols.indexOf('opt');
      const hasOpt = optIdx === ci + 2;
      if (hasOpt && toks[k + 1] && OPT_COL.has(toks[k + 1].text) && !(toks[k + 2] && OPT_COL.has(toks[k + 2].text))) continue;
    }
    const t = toks[k];
    if (!t) {
      ok = false;
      break;
    }
    get[c] = t;
    k++;
  }
  if (!ok) {
    diags.push(mkDiag('error', DIAG.badListLine, `truncated rule line (expected columns: ${cols.join(' ')})`, ruleSpan, line.trim()));
    return undefined;
  }
  const rule = newRule(table, chain.name, ln, line, ruleSpan);
  if (get.pkts && get.bytes) {
    const p = parseListCounter(get.pkts.text);
    const b = parseListCounter(get.bytes.text);
    if (p === undefined) colErr(ln, diags, get.pkts, 'pkts');
    else if (b === undefined) colErr(ln, diags, get.bytes, 'bytes');
    else rule.counters = { packets: p, bytes: b };
  }
  if (get.num && !/^\d+$/.test(get.num.text)) colErr(ln, diags, get.num, 'num');
  if (get.target) rule.target = { name: get.target.text, goto: false, options: [], span: lsp(ln, get.target.start, get.target.end) };
  if (get.prot) {
    rule.protocol = bm(ln, get.prot, protoCol);
    if (rule.protocol && rule.protocol.negated && get.prot.text === '!all') rule.protocol = undefined;
  }
  if (get.opt) {
    const o = get.opt.text;
    if (o === '-f' || o === '!f') rule.fragment = { value: '', negated: o === '!f', span: lsp(ln, get.opt.start, get.opt.end) };
    else if (o !== '--') colErr(ln, diags, get.opt, 'opt');
  }
  if (get.in) rule.inInterface = bm(ln, get.in, ifaceCol);
  if (get.out) rule.outInterface = bm(ln, get.out, ifaceCol);
  if (get.source) rule.source = bm(ln, get.source, addrCol);
  if (get.destination) rule.destination = bm(ln, get.destination, addrCol);
  const last = get.destination ?? get.source;
  const extraFrom = last ? last.end : line.length;
  parseExtra(line, extraFrom, rule, ln, diags);
  return rule;
}

/** Parses the free text after the destination column into matches / target options (see the table in parse.ts). */
function parseExtra(line: string, from: number, rule: Rule, ln: number, diags: RuleDiagnostic[]): void {
  const toks = wsTokens(line, from);
  if (toks.length === 0) return;
  new ExtraParser(line, toks, rule, ln, diags).run();
}


class ExtraParser implements ListReader {
  i = 0;
  private unkStart = -1;
  private unkEnd = -1;
  private last: RuleMatch | undefined;
  private readonly target: RuleTarget | undefined;

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

  private readonly lastIndex = new Map<string, number>();

  lastIndexOf(needle: string): number {
    let at = this.lastIndex.get(needle);
    if (at === undefined) this.lastIndex.set(needle, (at = this.line.lastIndexOf(needle)));
    return at;
  }

  advance(n: number): void {
    this.i += n;
  }

  /** A match module's listing text starting at word `w` (./matches: the modules whose list.words has it). */
  private readModule(t: WTok, w: string, neg: boolean): boolean {
    for (const mod of LIST_WORDS.get(w) ?? []) if (mod.list?.read(this, t, neg)) return true;
    return false;
  }

  private tgt(name: string, args: string[], a: WTok, b: WTok): void {
    if (this.target) this.add(this.target, name, args, false, a, b);
  }

  run(): void {
    const { line, toks, target } = this;
    const tname = target?.name ?? '';
    const lastQuote = line.lastIndexOf('"');
    while (this.i < toks.length) {
      const t = toks[this.i];
      let neg = false;
      let w = t.text;
      let tk = t;
      if (w === '!' && toks[this.i + 1]) {
        neg = true;
        this.i++;
        tk = toks[this.i];
        w = tk.text;
      }
      const start = this.i;
      let handled = true;
      if (this.readModule(tk, w, neg)) {
        // a match module's text (./matches/<module>.ts: list.read)
      } else if (w === '[goto]' && target) {
        target.goto = true;
        this.i++;
      } else if (w === 'reject-with' && tname === 'REJECT' && this.peek(1)) {
        this.tgt('reject-with', [(this.peek(1) as WTok).text], tk, this.peek(1) as WTok);
        this.i += 2;
      } else if ((w === 'MARK' && tname === 'MARK') || (w === 'CONNMARK' && tname === 'CONNMARK')) {
        const op = this.peek(1);
        const v = this.peek(2);
        if (op && (op.text === 'save' || op.text === 'restore')) {
          this.tgt(`${op.text}-mark`, [], tk, op);
          this.i += 2;
          // -S always prints both masks; the listing omits them when they are full
          const masks = this.peek()?.text === 'nfmask' || this.peek()?.text === 'ctmask' || this.peek()?.text === 'mask';
          if (!masks && w === 'CONNMARK') {
            this.tgt('nfmask', ['0xffffffff'], tk, op);
            this.tgt('ctmask', ['0xffffffff'], tk, op);
          }
          while ((this.peek()?.text === 'nfmask' || this.peek()?.text === 'ctmask' || this.peek()?.text === 'mask') && this.peek(1)) {
            const k2 = this.peek() as WTok;
            const vv = this.peek(1) as WTok;
            this.tgt(k2.text, [vv.text.replace(/^~/, '')], k2, vv);
            this.i += 2;
          }
        } else if (op && v && /^(set|xset|and|or|xor)$/.test(op.text)) {
          const x = v.text;
          const num = (s: string): number => (s.startsWith('0x') ? parseInt(s, 16) : Number(s));
          let arg: string;
          switch (op.text) {
            case 'set':
              arg = `${x}/0xffffffff`;
              break;
            case 'xset':
              arg = x.includes('/') ? x : `${x}/0xffffffff`;
              break;
            case 'or':
              arg = `${x}/${x}`;
              break;
            case 'xor':
              arg = `${x}/0x0`;
              break;
            default:
              arg = `0x0/${hex(~num(x))}`;
          }
          this.tgt('set-xmark', [arg], tk, v);
          this.i += 3;
        } else {
          this.unknown(tk);
          this.i++;
        }
      } else if (w.startsWith('to:') && NAT_TARGETS.has(tname)) {
        this.tgt(tname === 'DNAT' ? 'to-destination' : tname === 'NETMAP' ? 'to' : 'to-source', [w.slice(3)], tk, tk);
        this.i++;
      } else if ((w === 'random' || w === 'persistent' || w === 'random-fully') && NAT_TARGETS.has(tname)) {
        this.tgt(w, [], tk, tk);
        this.i++;
      } else if (w === 'masq' && this.peek(1)?.text === 'ports:' && this.peek(2) && tname === 'MASQUERADE') {
        this.tgt('to-ports', [(this.peek(2) as WTok).text], tk, this.peek(2) as WTok);
        this.i += 3;
      } else if (w === 'redir' && this.peek(1)?.text === 'ports' && this.peek(2) && tname === 'REDIRECT') {
        this.tgt('to-ports', [(this.peek(2) as WTok).text], tk, this.peek(2) as WTok);
        this.i += 3;
      } else if (w === 'LOG' && tname === 'LOG') {
        this.i++;
        for (;;) {
          const p = this.peek();
          const v = this.peek(1);
          if (!p || !v) break;
          if (p.text === 'flags') {
            const f = Number(v.text);
            const names: [number, string][] = [[1, 'log-tcp-sequence'], [2, 'log-tcp-options'], [4, 'log-ip-options'], [8, 'log-uid'], [32, 'log-macdecode']];
            for (const [bit, nm] of names) if (f & bit) this.tgt(nm, [], p, v);
            this.i += 2;
          } else if (p.text === 'level') {
            if (v.text !== '4' && v.text !== 'warning') this.tgt('log-level', [v.text], p, v);
            this.i += 2;
          } else if (p.text === 'prefix') {
            // prefix "text with spaces"
            const q = p.end < lastQuote ? line.indexOf('"', p.end) : -1;
            const qe = q >= 0 && q < lastQuote ? line.indexOf('"', q + 1) : -1;
            if (q < 0 || qe < 0) {
              this.tgt('log-prefix', [v.text], p, v);
              this.i += 2;
            } else {
              this.tgt('log-prefix', [line.slice(q + 1, qe)], p, { text: '"', start: qe, end: qe + 1 });
              this.i++;
              while (this.i < toks.length && toks[this.i].start <= qe) this.i++;
            }
          } else break;
        }
      } else if (w === 'TCPMSS' && tname === 'TCPMSS') {
        if (this.peek(1)?.text === 'clamp' && this.peek(2)?.text === 'to' && this.peek(3)?.text === 'PMTU') {
          this.tgt('clamp-mss-to-pmtu', [], tk, this.peek(3) as WTok);
          this.i += 4;
        } else if (this.peek(1)?.text === 'set' && this.peek(2)) {
          this.tgt('set-mss', [(this.peek(2) as WTok).text], tk, this.peek(2) as WTok);
          this.i += 3;
        } else {
          this.unknown(tk);
          this.i++;
        }
      } else if (w === 'NOTRACK' && tname === 'CT' && target && target.options.length === 0) {
        // iptables-nft lists `-j NOTRACK` as target CT with the text NOTRACK
        target.name = 'NOTRACK';
        this.i++;
      } else if (w === 'CT' && tname === 'CT') {
        this.i++;
        for (;;) {
          const p = this.peek();
          if (!p) break;
          if (p.text === 'notrack') {
            this.tgt('notrack', [], p, p);
            this.i++;
          } else if (/^(zone|helper|timeout|ctevents|expevents|zone-orig|zone-reply)$/.test(p.text) && this.peek(1)) {
            this.tgt(p.text, [(this.peek(1) as WTok).text], p, this.peek(1) as WTok);
            this.i += 2;
          } else break;
        }
      } else if (w === 'NFQUEUE' && tname === 'NFQUEUE') {
        this.i++;
        for (;;) {
          const p = this.peek();
          if (!p) break;
          if (p.text === 'num' && this.peek(1)) {
            this.tgt('queue-num', [(this.peek(1) as WTok).text], p, this.peek(1) as WTok);
            this.i += 2;
          } else if (p.text === 'balance' && this.peek(1)) {
            this.tgt('queue-balance', [(this.peek(1) as WTok).text], p, this.peek(1) as WTok);
            this.i += 2;
          } else if (p.text === 'bypass') {
            this.tgt('queue-bypass', [], p, p);
            this.i++;
          } else if (p.text === 'cpu-fanout') {
            this.tgt('queue-cpu-fanout', [], p, p);
            this.i++;
          } else break;
        }
      } else if (w === 'TPROXY' && tname === 'TPROXY' && this.peek(1)?.text === 'redirect' && this.peek(2)) {
        const v = this.peek(2) as WTok;
        const c = v.text.lastIndexOf(':');
        this.tgt('on-port', [v.text.slice(c + 1)], v, v);
        this.tgt('on-ip', [c > 0 ? v.text.slice(0, c) : '0.0.0.0'], v, v);
        this.i += 3;
        if (this.peek()?.text === 'mark' && this.peek(1)) {
          this.tgt('tproxy-mark', [(this.peek(1) as WTok).text], this.peek() as WTok, this.peek(1) as WTok);
          this.i += 2;
        }
      } else handled = false;
      if (handled) {
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
