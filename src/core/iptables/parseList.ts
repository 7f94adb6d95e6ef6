/**
 * `iptables -nvL` / `-nL` / `--line-numbers` / `-x` listing parser: chain headers, column headers and the columns
 * of rule lines (the free text after them: ./listExtra.ts). Produces the same RuleMatch / RuleTarget shapes as the
 * -S parser; the normalisation table is in the header of ./parse.ts. Total: never throws, unknown text gives a
 * `syntax/unknown-list-text` warning and the rule is still produced. Linear in the input.
 */
import type { BaseMatch, Chain, Rule, RuleDiagnostic, Ruleset, Span, TableName } from './model';
import { BUILTIN_CHAINS } from './model';
import { PROTOCOL_NUMBERS, normalizeAddress } from './spec';
import { DIAG, mkDiag } from './codes';
import { newRule } from './newRule';
import { LIST_COMMAND, parseListCounter, wsTokens, type WTok } from './listWords';
import { parseExtra } from './listExtra';

export { parseListCounter };

type Col = 'num' | 'pkts' | 'bytes' | 'target' | 'prot' | 'opt' | 'in' | 'out' | 'source' | 'destination';
const COLS = new Set<string>(['num', 'pkts', 'bytes', 'target', 'prot', 'opt', 'in', 'out', 'source', 'destination']);
const VERBOSE: Col[] = ['pkts', 'bytes', 'target', 'prot', 'opt', 'in', 'out', 'source', 'destination'];

const OPT_COL = new Set(['--', '-f', '!f']);

/** A Markdown fence (```` ``` ````, `~~~`, with or without a language). */
const FENCE = /^(?:```|~~~)/;

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
      // a Markdown fence closes the listing's code block: the lines after it are the text's, not rows (holdout 61)
      const fence = FENCE.test(t0);
      if (t0 === 'Chain') chain = parseChainHeader(line, ln, toks, table, tbl.chains, diags);
      else if (COLS.has(t0) && isHeader(toks)) cols = toks.map((t) => t.text as Col);
      else if (fence || t0.startsWith('#') || t0 === 'Warning:' || t0 === 'iptables:' || t0 === 'iptables' || t0 === 'ip6tables:' || (!chain && LIST_COMMAND.test(line.trim()))) {
        if (fence) chain = undefined;
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
    // (a row of a `-v` listing starts with its counters: a line that does not is text, a bullet or a sentence, no rule)
    if (p === undefined) {
      colErr(ln, diags, get.pkts, 'pkts');
      return undefined;
    }
    if (b === undefined) colErr(ln, diags, get.bytes, 'bytes');
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
