/**
 * `iptables -nvL` / `-nL` / `--line-numbers` / `-x` listing parser. Produces the same RuleMatch / RuleTarget shapes
 * as the -S parser; the normalisation table is in the header of ./parse.ts. Total: never throws, unknown text gives
 * a `syntax/unknown-list-text` warning and the rule is still produced. Linear in the input.
 */
import type { BaseMatch, Chain, Rule, RuleDiagnostic, RuleMatch, RuleOption, Ruleset, Span, TableName } from './model';
import { BUILTIN_CHAINS } from './model';
import { PROTOCOL_NUMBERS, normalizeAddress } from './spec';
import { DIAG, mkDiag } from './codes';

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

const CT_OPTS = new Set(['ctstate', 'ctproto', 'ctorigsrc', 'ctorigdst', 'ctreplsrc', 'ctrepldst', 'ctorigsrcport', 'ctorigdstport', 'ctreplsrcport', 'ctrepldstport', 'ctstatus', 'ctexpire', 'ctdir']);
const CT_ADDR = new Set(['ctorigsrc', 'ctorigdst', 'ctreplsrc', 'ctrepldst']);
const IPVS_OPTS = new Set(['ipvs', 'vproto', 'vaddr', 'vport', 'vdir', 'vmethod', 'vportctl']);
const PORT_MODS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp']);
const POLICY_KEYS = new Set(['dir', 'pol', 'reqid', 'spi', 'proto', 'mode', 'tunnel-src', 'tunnel-dst']);
const TCP_FLAGS: [string, number][] = [['FIN', 1], ['SYN', 2], ['RST', 4], ['PSH', 8], ['ACK', 16], ['URG', 32]];
const NAT_TARGETS = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);

function flagNames(v: string): string {
  if (!v.startsWith('0x')) return v;
  const n = parseInt(v, 16);
  if (!Number.isFinite(n)) return v;
  if (n === 0) return 'NONE';
  const names = TCP_FLAGS.filter(([, b]) => n & b).map(([f]) => f);
  return names.join(',');
}

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
      const sp = (a: number, b: number): Span => ({ line: ln, start: a, end: b });
      const t0 = toks[0].text;
      if (t0 === 'Chain') chain = parseChainHeader(line, ln, toks, table, tbl.chains, diags);
      else if (COLS.has(t0) && toks.every((t) => COLS.has(t.text))) cols = toks.map((t) => t.text as Col);
      else if (t0.startsWith('#') || t0 === 'Warning:' || t0 === 'iptables:' || t0 === 'iptables' || t0 === 'ip6tables:') {
        diags.push(mkDiag('info', DIAG.badListLine, `not part of the listing: ${line.trim()}`, sp(toks[0].start, line.length), line.trim()));
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

function parseListRule(line: string, ln: number, cols: Col[], table: TableName, chain: Chain | undefined, diags: RuleDiagnostic[]): Rule | undefined {
  const sp = (a: number, b: number): Span => ({ line: ln, start: a, end: b });
  const toks = wsTokens(line, 0, cols.length + 1);
  const first = toks[0];
  const ruleSpan = sp(first.start, line.length);
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
  const rule: Rule = { table, chain: chain.name, op: 'A', matches: [], line: ln, text: line, span: ruleSpan };
  const colErr = (t: WTok, what: string): void => {
    diags.push(mkDiag('error', DIAG.badListLine, `"${t.text}" is not a valid ${what} column`, sp(t.start, t.end), t.text));
  };
  if (get.pkts && get.bytes) {
    const p = parseListCounter(get.pkts.text);
    const b = parseListCounter(get.bytes.text);
    if (p === undefined) colErr(get.pkts, 'pkts');
    else if (b === undefined) colErr(get.bytes, 'bytes');
    else rule.counters = { packets: p, bytes: b };
  }
  if (get.num && !/^\d+$/.test(get.num.text)) colErr(get.num, 'num');
  if (get.target) rule.target = { name: get.target.text, goto: false, options: [], span: sp(get.target.start, get.target.end) };
  const bm = (t: WTok, transform: (v: string) => string | undefined): BaseMatch | undefined => {
    const neg = t.text.startsWith('!');
    const raw = neg ? t.text.slice(1) : t.text;
    const v = transform(raw);
    if (v === undefined) return undefined;
    return { value: v, negated: neg, span: sp(t.start, t.end) };
  };
  if (get.prot) {
    rule.protocol = bm(get.prot, (v) => {
      const l = v.toLowerCase();
      if (l === 'all' || l === '0') return undefined;
      if (/^\d+$/.test(l)) return PROTOCOL_NUMBERS[l] ?? l;
      return l;
    });
    if (rule.protocol && rule.protocol.negated && get.prot.text === '!all') rule.protocol = undefined;
  }
  if (get.opt) {
    const o = get.opt.text;
    if (o === '-f' || o === '!f') rule.fragment = { value: '', negated: o === '!f', span: sp(get.opt.start, get.opt.end) };
    else if (o !== '--') colErr(get.opt, 'opt');
  }
  const iface = (v: string): string | undefined => (v === '*' || v === '' ? undefined : v);
  if (get.in) rule.inInterface = bm(get.in, iface);
  if (get.out) rule.outInterface = bm(get.out, iface);
  const addr = (v: string): string | undefined => (v === '0.0.0.0/0' || v === '::/0' || v === 'anywhere' || v === '' ? undefined : normalizeAddress(v));
  if (get.source) rule.source = bm(get.source, addr);
  if (get.destination) rule.destination = bm(get.destination, addr);
  const last = get.destination ?? get.source;
  const extraFrom = last ? last.end : line.length;
  parseExtra(line, extraFrom, rule, sp, diags);
  return rule;
}

/** Parses the free text after the destination column into matches / target options. */
function parseExtra(line: string, from: number, rule: Rule, sp: (a: number, b: number) => Span, diags: RuleDiagnostic[]): void {
  const toks = wsTokens(line, from);
  if (toks.length === 0) return;
  const target = rule.target;
  const tname = target?.name ?? '';
  const lastClose = line.lastIndexOf('*/');
  const lastQuote = line.lastIndexOf('"');
  let i = 0;
  let unkStart = -1;
  let unkEnd = -1;
  const flushUnknown = (): void => {
    if (unkStart < 0) return;
    const txt = line.slice(unkStart, unkEnd);
    diags.push(mkDiag('warning', DIAG.unknownListText, `unrecognised listing text "${txt}" (kept as an unknown part of the rule)`, sp(unkStart, unkEnd), txt));
    unkStart = -1;
  };
  const unknown = (t: WTok): void => {
    if (unkStart < 0) unkStart = t.start;
    unkEnd = t.end;
  };
  let last: RuleMatch | undefined;
  const match = (module: string, t: WTok, merge: boolean): RuleMatch => {
    if (merge && last && last.module === module && rule.matches[rule.matches.length - 1] === last) return last;
    const m: RuleMatch = { module, implicit: false, options: [], span: sp(t.start, t.end) };
    rule.matches.push(m);
    last = m;
    return m;
  };
  const add = (m: RuleMatch | { options: RuleOption[]; span: Span }, name: string, args: string[], negated: boolean, a: WTok, b: WTok): void => {
    m.options.push({ name, negated, args, span: sp(a.start, b.end) });
    if (m.span.end < b.end) m.span = { line: m.span.line, start: m.span.start, end: b.end };
  };
  const tgt = (name: string, args: string[], a: WTok, b: WTok): void => {
    if (target) add(target, name, args, false, a, b);
  };
  /** Splits a leading "!" from a value. */
  const negv = (v: string): [string, boolean] => (v.startsWith('!') ? [v.slice(1), true] : [v, false]);
  const peek = (o = 0): WTok | undefined => toks[i + o];

  while (i < toks.length) {
    const t = toks[i];
    let neg = false;
    let w = t.text;
    let tk = t;
    if (w === '!' && toks[i + 1]) {
      neg = true;
      i++;
      tk = toks[i];
      w = tk.text;
    }
    const start = i;
    let handled = true;
    // --- protocol matches
    if (PORT_MODS.has(w)) {
      const m = match(w, tk, false);
      i++;
      for (;;) {
        const p = peek();
        if (!p) break;
        const colon = p.text.indexOf(':');
        const key = colon > 0 ? p.text.slice(0, colon) : '';
        if (key === 'spt' || key === 'dpt' || key === 'spts' || key === 'dpts') {
          const [v, ng] = negv(p.text.slice(colon + 1));
          add(m, key.startsWith('s') ? 'sport' : 'dport', [v], ng, p, p);
          i++;
        } else if (key === 'flags' && w === 'tcp') {
          const [v, ng] = negv(p.text.slice(colon + 1));
          const slash = v.indexOf('/');
          add(m, 'tcp-flags', [flagNames(v.slice(0, slash < 0 ? v.length : slash)), flagNames(slash < 0 ? '' : v.slice(slash + 1))], ng, p, p);
          i++;
        } else if (p.text.startsWith('option=') && w === 'tcp') {
          const [v, ng] = negv(p.text.slice(7));
          add(m, 'tcp-option', [v], ng, p, p);
          i++;
        } else break;
      }
    } else if (w === 'icmptype' || w === '!icmptype') {
      const ng = neg || w.startsWith('!');
      const m = match('icmp', tk, false);
      const v = peek(1);
      if (!v) {
        unknown(tk);
        i++;
        continue;
      }
      let arg = v.text;
      i += 2;
      if (peek()?.text === 'code' && peek(1)) {
        arg += `/${peek(1)?.text ?? ''}`;
        i += 2;
      }
      add(m, 'icmp-type', [arg], ng, tk, toks[i - 1]);
    } else if (w === 'icmp') {
      const m = match('icmp', tk, false);
      i++;
      const v = peek();
      if (v && /^!?[a-z][a-z-]*$/.test(v.text) && !isKeyword(v.text)) {
        const [a, ng] = negv(v.text);
        add(m, 'icmp-type', [a], ng, v, v);
        i++;
      }
    } else if (w === 'esp' || w === 'ah') {
      const m = match(w, tk, false);
      i++;
      const p = peek();
      if (p && /^spis?:/.test(p.text)) {
        const [v, ng] = negv(p.text.slice(p.text.indexOf(':') + 1));
        add(m, w === 'esp' ? 'espspi' : 'ahspi', [v], ng, p, p);
        i++;
      }
    } else if (CT_OPTS.has(w)) {
      const m = match('conntrack', tk, true);
      const v = peek(1);
      if (!v) {
        unknown(tk);
        i++;
        continue;
      }
      add(m, w, [CT_ADDR.has(w) ? normalizeAddress(v.text) : v.text], neg, tk, v);
      i += 2;
    } else if (w === 'state') {
      const m = match('state', tk, false);
      const v = peek(1);
      if (!v) {
        unknown(tk);
        i++;
        continue;
      }
      add(m, 'state', [v.text], neg, tk, v);
      i += 2;
    } else if (w === 'ADDRTYPE' && peek(1)?.text === 'match') {
      const m = match('addrtype', tk, false);
      i += 2;
      for (;;) {
        const p = peek();
        if (!p) break;
        if ((p.text === 'src-type' || p.text === 'dst-type') && peek(1)) {
          const v = peek(1) as WTok;
          let [a, ng] = negv(v.text);
          let end = v;
          if (a === '' && peek(2)) {
            end = peek(2) as WTok;
            a = end.text;
            ng = true;
            i++;
          }
          add(m, p.text, [a], ng, p, end);
          i += 2;
        } else if (p.text === 'limit-in' || p.text === 'limit-out') {
          add(m, p.text === 'limit-in' ? 'limit-iface-in' : 'limit-iface-out', [], false, p, p);
          i++;
        } else break;
      }
    } else if (w === 'multiport' && peek(1) && /^(dports|sports|ports)$/.test(peek(1)?.text ?? '')) {
      const m = match('multiport', tk, false);
      const key = peek(1) as WTok;
      let v = peek(2);
      let ng = neg;
      let adv = 3;
      if (v?.text === '!') {
        ng = true;
        v = peek(3);
        adv = 4;
      }
      if (!v) {
        unknown(tk);
        i++;
        continue;
      }
      const [a, ng2] = negv(v.text);
      add(m, key.text, [a], ng || ng2, key, v);
      i += adv;
    } else if (w === '/*') {
      const close = tk.end <= lastClose ? line.indexOf('*/', tk.end) : -1;
      if (close < 0) {
        unknown(tk);
        i++;
        continue;
      }
      let body = line.slice(tk.end, close);
      if (body.startsWith(' ')) body = body.slice(1);
      if (body.endsWith(' ')) body = body.slice(0, -1);
      const m = match('comment', tk, false);
      const endTok = { text: '*/', start: close, end: close + 2 };
      add(m, 'comment', [body], false, tk, endTok);
      while (i < toks.length && toks[i].start < close + 2) i++;
    } else if ((w === 'mark' || w === 'connmark') && peek(1)?.text === 'match') {
      const m = match(w, tk, false);
      let v = peek(2);
      let ng = neg;
      let adv = 3;
      if (v?.text === '!') {
        ng = true;
        v = peek(3);
        adv = 4;
      }
      if (!v) {
        unknown(tk);
        i++;
        continue;
      }
      add(m, 'mark', [v.text], ng, tk, v);
      i += adv;
    } else if (w === 'match-set' && peek(1) && peek(2)) {
      const m = match('set', tk, false);
      const a = peek(1) as WTok;
      const b = peek(2) as WTok;
      add(m, 'match-set', [a.text, b.text], neg, tk, b);
      i += 3;
      while (peek()?.text === 'return-nomatch' || (peek()?.text === '!' && /^update-(sub)?counters$/.test(peek(1)?.text ?? ''))) {
        const p = peek() as WTok;
        if (p.text === '!') {
          const q = peek(1) as WTok;
          add(m, q.text, [], true, p, q);
          i += 2;
        } else {
          add(m, 'return-nomatch', [], false, p, p);
          i++;
        }
      }
    } else if (w === 'policy' && peek(1)?.text === 'match') {
      const m = match('policy', tk, false);
      i += 2;
      for (;;) {
        const p = peek();
        if (!p) break;
        if (/^\[\d+\]$/.test(p.text)) {
          if (p.text !== '[0]') add(m, 'next', [], false, p, p);
          i++;
        } else if (p.text === 'strict') {
          add(m, 'strict', [], false, p, p);
          i++;
        } else if (POLICY_KEYS.has(p.text) && peek(1)) {
          const v = peek(1) as WTok;
          add(m, p.text, [p.text.startsWith('tunnel-') ? normalizeAddress(v.text) : v.text], false, p, v);
          i += 2;
        } else if (p.text === '!' && POLICY_KEYS.has(peek(1)?.text ?? '') && peek(2)) {
          const k2 = peek(1) as WTok;
          const v = peek(2) as WTok;
          add(m, k2.text, [v.text], true, p, v);
          i += 3;
        } else break;
      }
    } else if (w === 'PHYSDEV' && peek(1)?.text === 'match') {
      const m = match('physdev', tk, false);
      i += 2;
      for (;;) {
        let p = peek();
        if (!p) break;
        let ng = false;
        let adv = 0;
        if (p.text === '!' && peek(1)?.text.startsWith('--physdev')) {
          ng = true;
          adv = 1;
          p = peek(1) as WTok;
        }
        if (p.text === '--physdev-in' || p.text === '--physdev-out') {
          const v = peek(adv + 1);
          if (!v) break;
          add(m, p.text.slice(2), [v.text], ng, p, v);
          i += adv + 2;
        } else if (p.text === '--physdev-is-in' || p.text === '--physdev-is-out' || p.text === '--physdev-is-bridged') {
          add(m, p.text.slice(2), [], ng, p, p);
          i += adv + 1;
        } else break;
      }
    } else if (IPVS_OPTS.has(w)) {
      const m = match('ipvs', tk, true);
      if (w === 'ipvs') {
        add(m, 'ipvs', [], neg, tk, tk);
        i++;
      } else {
        const v = peek(1);
        if (!v) {
          unknown(tk);
          i++;
          continue;
        }
        add(m, w, [w === 'vaddr' ? normalizeAddress(v.text) : v.text], neg, tk, v);
        i += 2;
      }
    } else if ((w === 'source' || w === 'destination') && peek(1)?.text === 'IP' && peek(2)?.text === 'range' && peek(3)) {
      const m = match('iprange', tk, true);
      let v = peek(3) as WTok;
      let ng = neg;
      let adv = 4;
      if (v.text === '!' && peek(4)) {
        ng = true;
        v = peek(4) as WTok;
        adv = 5;
      }
      add(m, w === 'source' ? 'src-range' : 'dst-range', [v.text], ng, tk, v);
      i += adv;
    } else if (w === 'MAC' && peek(1)) {
      const m = match('mac', tk, false);
      let v = peek(1) as WTok;
      let ng = neg;
      let adv = 2;
      if (v.text === '!' && peek(2)) {
        ng = true;
        v = peek(2) as WTok;
        adv = 3;
      }
      add(m, 'mac-source', [v.text], ng, tk, v);
      i += adv;
    } else if (w === 'limit:' && peek(1)?.text === 'avg' && peek(2)) {
      const m = match('limit', tk, false);
      const v = peek(2) as WTok;
      add(m, 'limit', [v.text], false, tk, v);
      i += 3;
      if (peek()?.text === 'burst' && peek(1)) {
        const b = peek(1) as WTok;
        if (b.text !== '5') add(m, 'limit-burst', [b.text], false, peek() as WTok, b);
        i += 2;
      }
    } else if (w === 'length' && peek(1)) {
      const m = match('length', tk, false);
      const [v, ng] = negv((peek(1) as WTok).text);
      add(m, 'length', [v], neg || ng, tk, peek(1) as WTok);
      i += 2;
    } else if (w === 'PKTTYPE' && peek(1)?.text === '=' && peek(2)) {
      const m = match('pkttype', tk, false);
      add(m, 'pkt-type', [(peek(2) as WTok).text], neg, tk, peek(2) as WTok);
      i += 3;
    } else if (w === '[goto]' && target) {
      target.goto = true;
      i++;
    } else if (w === 'reject-with' && tname === 'REJECT' && peek(1)) {
      tgt('reject-with', [(peek(1) as WTok).text], tk, peek(1) as WTok);
      i += 2;
    } else if ((w === 'MARK' && tname === 'MARK') || (w === 'CONNMARK' && tname === 'CONNMARK')) {
      const op = peek(1);
      const v = peek(2);
      if (op && (op.text === 'save' || op.text === 'restore')) {
        tgt(`${op.text}-mark`, [], tk, op);
        i += 2;
        while ((peek()?.text === 'nfmask' || peek()?.text === 'ctmask' || peek()?.text === 'mask') && peek(1)) {
          const k2 = peek() as WTok;
          const vv = peek(1) as WTok;
          tgt(k2.text, [vv.text.replace(/^~/, '')], k2, vv);
          i += 2;
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
        tgt('set-xmark', [arg], tk, v);
        i += 3;
      } else {
        unknown(tk);
        i++;
      }
    } else if (w.startsWith('to:') && NAT_TARGETS.has(tname)) {
      tgt(tname === 'DNAT' ? 'to-destination' : tname === 'NETMAP' ? 'to' : 'to-source', [w.slice(3)], tk, tk);
      i++;
    } else if ((w === 'random' || w === 'persistent' || w === 'random-fully') && NAT_TARGETS.has(tname)) {
      tgt(w, [], tk, tk);
      i++;
    } else if (w === 'masq' && peek(1)?.text === 'ports:' && peek(2) && tname === 'MASQUERADE') {
      tgt('to-ports', [(peek(2) as WTok).text], tk, peek(2) as WTok);
      i += 3;
    } else if (w === 'redir' && peek(1)?.text === 'ports' && peek(2) && tname === 'REDIRECT') {
      tgt('to-ports', [(peek(2) as WTok).text], tk, peek(2) as WTok);
      i += 3;
    } else if (w === 'LOG' && tname === 'LOG') {
      i++;
      for (;;) {
        const p = peek();
        const v = peek(1);
        if (!p || !v) break;
        if (p.text === 'flags') {
          const f = Number(v.text);
          const names: [number, string][] = [[1, 'log-tcp-sequence'], [2, 'log-tcp-options'], [4, 'log-ip-options'], [8, 'log-uid'], [32, 'log-macdecode']];
          for (const [bit, nm] of names) if (f & bit) tgt(nm, [], p, v);
          i += 2;
        } else if (p.text === 'level') {
          if (v.text !== '4' && v.text !== 'warning') tgt('log-level', [v.text], p, v);
          i += 2;
        } else if (p.text === 'prefix') {
          // prefix "text with spaces"
          const q = p.end < lastQuote ? line.indexOf('"', p.end) : -1;
          const qe = q >= 0 && q < lastQuote ? line.indexOf('"', q + 1) : -1;
          if (q < 0 || qe < 0) {
            tgt('log-prefix', [v.text], p, v);
            i += 2;
          } else {
            tgt('log-prefix', [line.slice(q + 1, qe)], p, { text: '"', start: qe, end: qe + 1 });
            i++;
            while (i < toks.length && toks[i].start <= qe) i++;
          }
        } else break;
      }
    } else if (w === 'TCPMSS' && tname === 'TCPMSS') {
      if (peek(1)?.text === 'clamp' && peek(2)?.text === 'to' && peek(3)?.text === 'PMTU') {
        tgt('clamp-mss-to-pmtu', [], tk, peek(3) as WTok);
        i += 4;
      } else if (peek(1)?.text === 'set' && peek(2)) {
        tgt('set-mss', [(peek(2) as WTok).text], tk, peek(2) as WTok);
        i += 3;
      } else {
        unknown(tk);
        i++;
      }
    } else if (w === 'CT' && tname === 'CT') {
      i++;
      for (;;) {
        const p = peek();
        if (!p) break;
        if (p.text === 'notrack') {
          tgt('notrack', [], p, p);
          i++;
        } else if (/^(zone|helper|timeout|ctevents|expevents|zone-orig|zone-reply)$/.test(p.text) && peek(1)) {
          tgt(p.text, [(peek(1) as WTok).text], p, peek(1) as WTok);
          i += 2;
        } else break;
      }
    } else if (w === 'NFQUEUE' && tname === 'NFQUEUE') {
      i++;
      for (;;) {
        const p = peek();
        if (!p) break;
        if (p.text === 'num' && peek(1)) {
          tgt('queue-num', [(peek(1) as WTok).text], p, peek(1) as WTok);
          i += 2;
        } else if (p.text === 'balance' && peek(1)) {
          tgt('queue-balance', [(peek(1) as WTok).text], p, peek(1) as WTok);
          i += 2;
        } else if (p.text === 'bypass') {
          tgt('queue-bypass', [], p, p);
          i++;
        } else if (p.text === 'cpu-fanout') {
          tgt('queue-cpu-fanout', [], p, p);
          i++;
        } else break;
      }
    } else if (w === 'TPROXY' && tname === 'TPROXY' && peek(1)?.text === 'redirect' && peek(2)) {
      const v = peek(2) as WTok;
      const c = v.text.lastIndexOf(':');
      tgt('on-port', [v.text.slice(c + 1)], v, v);
      tgt('on-ip', [c > 0 ? v.text.slice(0, c) : '0.0.0.0'], v, v);
      i += 3;
      if (peek()?.text === 'mark' && peek(1)) {
        tgt('tproxy-mark', [(peek(1) as WTok).text], peek() as WTok, peek(1) as WTok);
        i += 2;
      }
    } else handled = false;
    if (handled) {
      flushUnknown();
      if (i === start) i++; // safety: always progress
      continue;
    }
    // unrecognised: a "!" consumed above belongs to the unknown text
    if (neg) unknown(t);
    unknown(tk);
    i++;
  }
  flushUnknown();
}

const KEYWORDS = new Set(['ctstate', 'state', 'ADDRTYPE', 'multiport', 'mark', 'connmark', 'match-set', 'policy', 'PHYSDEV', 'ipvs', 'MARK', 'CONNMARK', 'LOG', 'reject-with', 'limit:', 'MAC', 'length', 'source', 'destination', 'icmptype', 'tcp', 'udp', 'random', 'persistent', 'redir', 'masq']);
function isKeyword(w: string): boolean {
  return KEYWORDS.has(w) || w.startsWith('to:') || w === '/*';
}
