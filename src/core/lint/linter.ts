/**
 * The DOCKER-USER linter: `lintRules(text, ctx?)` and the incremental `Linter` used by the language server.
 *
 * Parsing is the shared parser's (src/core/iptables/parse.ts), per logical line and cached under
 * `lineStateKey + text`: an edit re-parses only the changed lines; the whole-ruleset checks are linear
 * (hash maps keyed by canonical rule keys), so a 5,000-rule file re-lints in a few milliseconds.
 *
 * Two kinds of text are understood:
 *  - `dump`: a full dump of a node (iptables-save / -S with Docker's own chains). Docker's rules are taken as
 *    given (no findings in DOCKER, DOCKER-ISOLATION-*, DOCKER-INGRESS, DOCKER-FORWARD, DOCKER-CT, DOCKER-BRIDGE,
 *    nor Docker's FORWARD rules); user rules, INPUT and DOCKER-USER are checked.
 *  - `proposal`: a user's rule file (restore file, -S style lines or `iptables ...` command lines). Command lines
 *    are applied on top of the node's current rules (LintContext.filterRules; without it, Docker ≤ 27's
 *    `-A DOCKER-USER -j RETURN` is assumed).
 */
import type { LineResult, LineState, LogicalLine } from '../iptables/parse';
import { advanceLineState, assembleRuleset, lineStateKey, logicalLines, newLineState, parseLogicalLine, relocateLineResult } from '../iptables/parse';
import type { BaseMatch } from '../iptables/model';
import type { Rule, RuleOption, RuleTarget, Ruleset, Span, TableName } from '../iptables/model';
import { PROTOCOL_NUMBERS, allDigits, ipv4Value, normalizeAddress } from '../iptables/spec';
import type { Cidr, PortSet } from './net';
import { contains, isPrivate, overlaps, parseCidr, parsePorts, portIn } from './net';
import type { FileKind, LintContext, LintDiagnostic, LintFix, LintResult, PublishedPort, TextEdit } from './types';
import type { Severity } from '../diagnostics';
import { own } from '../record';

export interface LintOptions {
  /** Stop parsing after this many milliseconds and report what was checked (the server's bound). */
  budgetMs?: number;
  /** Table of lines outside `*table` sections and of command lines without -t (default filter), e.g. for `iptables -t nat -S` output. */
  defaultTable?: TableName;
}

const DOCKER_OWNED = /^(DOCKER|DOCKER-ISOLATION-STAGE-\d+|DOCKER-INGRESS|DOCKER-FORWARD|DOCKER-CT|DOCKER-BRIDGE|DOCKER-INTERNAL|DOCKER_OUTPUT|DOCKER_POSTROUTING)$/;
const DOCKER_MARKERS = /^(DOCKER|DOCKER-ISOLATION-STAGE-1|DOCKER-FORWARD|DOCKER-INGRESS|DOCKER_OUTPUT)$/;
const DOCKER_IFACE = /^(docker0|docker_gwbridge|br-[0-9a-f]{12})$/;
const TERMINAL = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'QUEUE', 'NFQUEUE', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'TPROXY']);
const STATEFUL = new Set(['limit', 'hashlimit', 'statistic', 'recent', 'connlimit', 'quota', 'time', 'connbytes']);
const PORT_OPTS = new Set(['dport', 'dports', 'ports', 'ctorigdstport']);
const DENY = new Set(['DROP', 'REJECT']);
/** Docker's default address pools for bridges (docker0, docker_gwbridge, user bridges). */
const DOCKER_DEFAULT_POOL = parseCidr('172.16.0.0/12') as Cidr;
const ESTABLISHED_LINE = '-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN';

// ------------------------------------------------------------------------------------------------ per-rule facts

interface RuleFacts {
  /** Ids (Interner) of the conditions' canonical strings, in the strings' sorted order. */
  conds: number[];
  /** Id of the conditions + target key: equal ids are duplicate rules. */
  fullKey: number;
  /** --dport/--dports options (match/option indices: facts are shared by relocated copies) with parsed port sets. */
  dports: { module: string; mi: number; oi: number; set?: PortSet }[];
  anyState: boolean;
  established: boolean;
  /** Has a port condition (dport/dports/ports/ctorigdstport/sport/sports). */
  anyPort: boolean;
  /** Id of the most selective condition: a shadowing rule is indexed under it. */
  keyCond: number;
  /** Built on first use (only rules that have shadowing candidates need it). */
  condSet: Set<number> | undefined;
  /** The chain is one Docker owns (DOCKER, DOCKER-ISOLATION-*, ...). */
  dockerOwned: boolean;
  /** Looks like a rule Docker generates (DOCKER* targets, docker bridges, docker ipsets). */
  dockerLike: boolean;
  /** -d parsed as IPv4 CIDR, when it is one. */
  dstCidr?: Cidr;
  /** Container egress (-i <docker bridge>) or traffic leaving through a non-Docker interface. */
  egress: boolean;
  terminal: boolean;
  stateful: boolean;
  /** Text before the command token (`iptables `, `sudo iptables -t filter `, or ''). */
  prefix: string;
  /** Column span of the command token (-A/-I/...), when found. */
  opStart: number;
  opEnd: number;
  /** Command line (`iptables ...`) rather than -S / iptables-save text. */
  command: boolean;
}

function protoName(v: string): string {
  const l = v.toLowerCase();
  return own(PROTOCOL_NUMBERS, l) ?? l;
}

function optKey(o: RuleOption): string {
  return `${o.negated ? '!' : ''}${o.name}=${o.args.join(' ')}`;
}

/** JS `\s` (WhiteSpace and LineTerminator). */
function isJsSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const OP_WORDS = ['--append', '--insert', '--replace', '--delete'];

/**
 * Start of the command token (`-A`/`-I`/`-R`/`-D` or its long form) that ends, before trailing whitespace, at
 * `chainStart` in `text`; -1 when there is none. Same as `/(--append|--insert|--replace|--delete|-[AIRD])\s*$/`
 * on `text.slice(0, chainStart)`, without the copy.
 */
function opTokenBefore(text: string, chainStart: number): number {
  let e = chainStart;
  while (e > 0 && isJsSpace(text.charCodeAt(e - 1))) e--;
  opTokenEnd = e;
  if (e >= 2 && text.charCodeAt(e - 2) === 45) {
    const c = text.charCodeAt(e - 1);
    if (c === 65 || c === 73 || c === 82 || c === 68) return e - 2;
  }
  for (const w of OP_WORDS) if (e >= w.length && text.startsWith(w, e - w.length)) return e - w.length;
  return -1;
}
/** End of the token found by the last opTokenBefore call. */
let opTokenEnd = -1;

/** `ESTABLISHED` is one of the comma-separated states (as `v.split(',').includes('ESTABLISHED')`). */
function hasEstablished(v: string): boolean {
  let at = v.indexOf('ESTABLISHED');
  while (at >= 0) {
    const end = at + 11;
    if ((at === 0 || v.charCodeAt(at - 1) === 44) && (end === v.length || v.charCodeAt(end) === 44)) return true;
    at = v.indexOf('ESTABLISHED', at + 1);
  }
  return false;
}

function addrScore(v: string): number {
  const slash = v.lastIndexOf('/');
  return 100 + (slash < 0 ? 32 : Number(v.slice(slash + 1)) || 0);
}

/** Prefix length of the last addrCond (its selectivity score is 100 + it). */
let addrPrefix = 0;

/**
 * Id of the address condition `<kind>:[!]normalizeAddress(v)`. A canonical IPv4 form (`a.b.c.d`, `a.b.c.d/nn`,
 * `a.b.c.d/m.m.m.m`: one normalised string per address and prefix) is keyed by its numbers; anything else (odd
 * spellings such as `/08`, hostnames, IPv6) by the normalised string.
 */
function addrCond(ids: Interner, kind: number, negated: boolean, v: string): number {
  const slash = v.indexOf('/');
  const ip = ipv4Value(v, 0, slash < 0 ? v.length : slash);
  if (ip >= 0) {
    let prefix = -1;
    if (slash < 0) prefix = 32;
    else {
      const plen = v.length - slash - 1;
      if (allDigits(v, slash + 1, v.length)) {
        if (plen === 1 || (plen === 2 && v.charCodeAt(slash + 1) !== 48)) prefix = Number(v.slice(slash + 1));
        if (prefix > 32) prefix = -1;
      } else {
        const n = normalizeAddress(v);
        if (n !== v) prefix = Number(n.slice(n.lastIndexOf('/') + 1));
      }
    }
    if (prefix >= 0) {
      addrPrefix = prefix;
      return ids.addrId(kind, negated, ip * 64 + prefix);
    }
  }
  const norm = normalizeAddress(v);
  addrPrefix = addrScore(norm) - 100;
  return ids.baseId(kind, negated, norm);
}

/**
 * Line-independent facts of a rule (cached with the parse result; relocated copies share them).
 * A condition is identified by an id of its canonical string (`s:10.0.0.0/8`, `m:tcp:dport=80`, ...), interned
 * from its parts without building the string (see Interner). `conds` is in the order of those strings (code
 * unit order, as Array.prototype.sort): the base conditions have distinct one-letter prefixes
 * (d: f: i: m: o: p: s:), so only two or more `m:` conditions need ordering, by their strings compared in place
 * (condAfter).
 */
export function computeFacts(rule: Rule, res: LineResult, ids: Interner): RuleFacts {
  // the most selective condition, scored as it is built (addresses by prefix length, ports/sets/comments high);
  // ties go to the first one in rule order (p s d i o f, then the matches)
  let keyCond = -1;
  let best = -1;
  let pC = -1;
  let sC = -1;
  let dC = -1;
  let iC = -1;
  let oC = -1;
  let fC = -1;
  if (rule.protocol) {
    const pn = protoName(rule.protocol.value);
    if (pn !== 'all') {
      pC = ids.baseId(K_P, rule.protocol.negated, pn);
      best = 10;
      keyCond = pC;
    }
  }
  if (rule.source) {
    sC = addrCond(ids, K_S, rule.source.negated, rule.source.value);
    const sc = 100 + addrPrefix;
    if (sc > best) {
      best = sc;
      keyCond = sC;
    }
  }
  if (rule.destination) {
    dC = addrCond(ids, K_D, rule.destination.negated, rule.destination.value);
    const sc = 100 + addrPrefix;
    if (sc > best) {
      best = sc;
      keyCond = dC;
    }
  }
  if (rule.inInterface) {
    iC = ids.baseId(K_I, rule.inInterface.negated, rule.inInterface.value);
    if (50 > best) {
      best = 50;
      keyCond = iC;
    }
  }
  if (rule.outInterface) {
    oC = ids.baseId(K_O, rule.outInterface.negated, rule.outInterface.value);
    if (50 > best) {
      best = 50;
      keyCond = oC;
    }
  }
  if (rule.fragment) {
    fC = ids.baseId(K_F, rule.fragment.negated, '');
    if (30 > best) {
      best = 30;
      keyCond = fC;
    }
  }
  let stateful = false;
  let dports: RuleFacts['dports'] | undefined;
  let anyState = false;
  let established = false;
  let anyPort = false;
  let dockerSet = false;
  // m: conditions in rule order (scratch arrays: the final list is allocated at its exact size)
  const mIds = M_IDS;
  const mOpts = M_OPTS;
  const mMods = M_MODS;
  let mn = 0;
  const matches = rule.matches;
  for (let mi = 0; mi < matches.length; mi++) {
    const m = matches[mi];
    const module = m.module;
    if (STATEFUL.has(module)) stateful = true;
    const options = m.options;
    if (options.length === 0) {
      if (module !== 'comment' && !m.implicit && !BARE_PROTOCOL_MODULES.has(module)) {
        const c = ids.bareModuleId(module);
        mIds[mn] = c;
        mOpts[mn] = undefined;
        mMods[mn++] = module;
        if (30 > best) {
          best = 30;
          keyCond = c;
        }
      }
      continue;
    }
    for (let oi = 0; oi < options.length; oi++) {
      const o = options[oi];
      const name = o.name;
      const args = o.args;
      const a0 = args.length > 0 ? args[0] : '';
      if (name === 'dport' || name === 'dports') {
        const d = { module, mi, oi, set: parsePorts(a0) };
        if (dports) dports.push(d);
        else dports = [d];
      } else if (name === 'ctstate' || name === 'state') {
        anyState = true;
        if (!o.negated && hasEstablished(a0)) established = true;
      } else if (name === 'match-set' && a0.startsWith('docker-')) dockerSet = true;
      if (PORT_OPTS.has(name) || name === 'sport' || name === 'sports') anyPort = true;
      if (module === 'comment') continue;
      const c = ids.optionId(module, o.negated ? `!${name}` : name, args.length === 1 ? a0 : args.join(' '));
      mIds[mn] = c;
      mOpts[mn] = o;
      mMods[mn++] = module;
      const sc = SELECTIVE_OPTS.has(name) ? 120 : 30;
      if (sc > best) {
        best = sc;
        keyCond = c;
      }
    }
  }
  if (mn >= 2) sortModuleConds(mn);
  // sorted: d: f: i: m:… o: p: s:
  const nc = mn + (dC >= 0 ? 1 : 0) + (fC >= 0 ? 1 : 0) + (iC >= 0 ? 1 : 0) + (oC >= 0 ? 1 : 0) + (pC >= 0 ? 1 : 0) + (sC >= 0 ? 1 : 0);
  const conds = new Array<number>(nc);
  let k = 0;
  if (dC >= 0) conds[k++] = dC;
  if (fC >= 0) conds[k++] = fC;
  if (iC >= 0) conds[k++] = iC;
  for (let q = 0; q < mn; q++) conds[k++] = mIds[q];
  if (oC >= 0) conds[k++] = oC;
  if (pC >= 0) conds[k++] = pC;
  if (sC >= 0) conds[k++] = sC;
  const t = rule.target;
  const terminal = !!t && (t.goto || TERMINAL.has(t.name));
  // command token: the token right before the chain name
  const text = rule.text;
  let opStart = -1;
  let opEnd = -1;
  let prefix = '';
  const chainStart = res.chainSpan && res.chainSpan.line === rule.line ? res.chainSpan.start : -1;
  if (chainStart > 0) {
    const at = opTokenBefore(text, chainStart);
    if (at >= 0) {
      opStart = at;
      opEnd = opTokenEnd;
      prefix = text.slice(0, opStart);
    }
  }
  const inI = rule.inInterface;
  const outI = rule.outInterface;
  const inDocker = inI !== undefined && DOCKER_IFACE.test(inI.value);
  const outDocker = outI !== undefined && DOCKER_IFACE.test(outI.value);
  const dockerLike = (t !== undefined && t.name.startsWith('DOCKER')) || inDocker || outDocker || dockerSet;
  // duplicates: same condition ids (in order) and the same target
  const fullKey = ids.ruleKeyId(conds, t ? ids.targetId(t) : -1);
  return {
    conds, fullKey, dports: dports ?? NO_DPORTS, anyState, established, anyPort, keyCond, condSet: undefined,
    dockerOwned: isDockerOwnedChain(rule.chain), dockerLike,
    dstCidr: rule.destination ? parseCidr(rule.destination.value) : undefined,
    egress: !!((inI && !inI.negated && inDocker) || (outI && !outI.negated && !outDocker)),
    terminal, stateful, prefix, opStart, opEnd, command: res.format === 'command',
  };
}

function sameIds(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let q = 0; q < a.length; q++) if (a[q] !== b[q]) return false;
  return true;
}

const M_IDS: number[] = [];
const M_OPTS: (RuleOption | undefined)[] = [];
const M_MODS: string[] = [];
/**
 * Code unit `i` of the canonical string of m: condition `q` of the scratch arrays after its shared `m:` prefix
 * (`<module>` or `<module>:[!]<name>=<args joined by " ">`), -1 past its end: the conditions are ordered without
 * building their strings.
 */
function condCharAt(q: number, i: number): number {
  const mod = M_MODS[q];
  if (i < mod.length) return mod.charCodeAt(i);
  const o = M_OPTS[q];
  if (o === undefined) return -1;
  i -= mod.length;
  if (i === 0) return 58; // :
  i--;
  if (o.negated) {
    if (i === 0) return 33; // !
    i--;
  }
  const name = o.name;
  if (i < name.length) return name.charCodeAt(i);
  i -= name.length;
  if (i === 0) return 61; // =
  i--;
  const args = o.args;
  for (let a = 0; a < args.length; a++) {
    if (a > 0) {
      if (i === 0) return 32;
      i--;
    }
    const arg = args[a];
    if (i < arg.length) return arg.charCodeAt(i);
    i -= arg.length;
  }
  return -1;
}

/** The canonical string of condition `a` sorts after that of `b` (code unit order, as `>` on the strings). */
function condAfter(a: number, b: number): boolean {
  for (let i = 0; ; i++) {
    const x = condCharAt(a, i);
    const y = condCharAt(b, i);
    if (x !== y) return x > y;
    if (x === -1) return false;
  }
}

/** Orders the first `n` m: conditions of the scratch arrays by their canonical strings (insertion sort, stable). */
function sortModuleConds(n: number): void {
  for (let q = 1; q < n; q++) {
    // slot n is the scratch slot of the element being inserted
    M_IDS[n] = M_IDS[q];
    M_OPTS[n] = M_OPTS[q];
    M_MODS[n] = M_MODS[q];
    let k = q;
    while (k > 0 && condAfter(k - 1, n)) {
      M_IDS[k] = M_IDS[k - 1];
      M_OPTS[k] = M_OPTS[k - 1];
      M_MODS[k] = M_MODS[k - 1];
      k--;
    }
    M_IDS[k] = M_IDS[n];
    M_OPTS[k] = M_OPTS[n];
    M_MODS[k] = M_MODS[n];
  }
}

const K_P = 0;
const K_S = 1;
const K_D = 2;
const K_I = 3;
const K_O = 4;
const K_F = 5;

/**
 * Dense ids of condition and key strings (one table per Linter: ids stay valid for the cached facts), interned
 * from their parts: `s:!10.0.0.1/32` is (source, "!10.0.0.1/32"), `m:tcp:!dport=80` is ("tcp", "!dport", "80"),
 * so no condition string is built or hashed whole. The parts determine the string
 * (module names have no ":", option names no "="; a module with ":" — never a valid one — goes by its string).
 * The whole-ruleset checks then index arrays by id.
 */
export class Interner {
  private n = 0;
  private strs = new Map<string, number>();
  private base: Map<string, number>[] = [];
  private mods = new Map<string, Map<string, Map<string, number>>>();
  private bare = new Map<string, number>();
  private jumpTargets = new Map<string, number>();
  private gotoTargets = new Map<string, number>();
  /** IPv4 address conditions by number (address * 64 + prefix), per kind and negation. */
  private addrs: Map<number, number>[] = [];
  /** Rule keys: hash → first entry; entries in parallel arrays, chained by `rkNext`. */
  private rkHead = new Map<number, number>();
  private rkConds: number[][] = [];
  private rkTarget: number[] = [];
  private rkId: number[] = [];
  private rkNext: number[] = [];

  constructor() {
    for (let k = 0; k <= K_F; k++) this.base.push(new Map());
    for (let k = 0; k < 2 * (K_F + 1); k++) this.addrs.push(new Map());
  }

  /** The condition `<kind>:[!]a.b.c.d/nn` by its numbers (`key` = address * 64 + prefix length). */
  addrId(kind: number, negated: boolean, key: number): number {
    const m = this.addrs[2 * kind + (negated ? 1 : 0)];
    let v = m.get(key);
    if (v === undefined) {
      v = this.n++;
      m.set(key, v);
    }
    return v;
  }

  get size(): number {
    return this.n;
  }

  id(s: string): number {
    let v = this.strs.get(s);
    if (v === undefined) {
      v = this.n++;
      this.strs.set(s, v);
    }
    return v;
  }

  /** The condition `<kind>:[!]<value>`: keyed by the text after the colon (a value may itself start with "!"). */
  baseId(kind: number, negated: boolean, value: string): number {
    const m = this.base[kind];
    const key = negated ? `!${value}` : value;
    let v = m.get(key);
    if (v === undefined) {
      v = this.n++;
      m.set(key, v);
    }
    return v;
  }

  optionId(module: string, negName: string, args: string): number {
    if (module.includes(':')) return this.id(`m:${module}:${negName}=${args}`);
    let byName = this.mods.get(module);
    if (!byName) {
      byName = new Map();
      this.mods.set(module, byName);
    }
    let byArgs = byName.get(negName);
    if (!byArgs) {
      byArgs = new Map();
      byName.set(negName, byArgs);
    }
    let v = byArgs.get(args);
    if (v === undefined) {
      v = this.n++;
      byArgs.set(args, v);
    }
    return v;
  }

  /** The target `-j NAME [options]` / `-g NAME`: by name when it has no options, else by its key string. */
  targetId(t: RuleTarget): number {
    if (t.options.length === 0) {
      const m = t.goto ? this.gotoTargets : this.jumpTargets;
      let v = m.get(t.name);
      if (v === undefined) {
        v = this.n++;
        m.set(t.name, v);
      }
      return v;
    }
    let to = '';
    for (let q = 0; q < t.options.length; q++) to = q === 0 ? optKey(t.options[q]) : `${to} ${optKey(t.options[q])}`;
    return this.id(`${t.goto ? 'g' : 'j'}:${t.name} ${to}`);
  }

  /** A rule's conditions (ids, in order) and target id: buckets by a numeric hash, compared element-wise. */
  ruleKeyId(conds: number[], target: number): number {
    let h = Math.imul(target + 0x9e3779b9, 0x85ebca6b) ^ conds.length;
    for (let q = 0; q < conds.length; q++) h = Math.imul(h ^ conds[q], 0x01000193) + 0x7f4a7c15;
    h |= 0;
    const head = this.rkHead.get(h);
    for (let e = head ?? -1; e >= 0; e = this.rkNext[e]) if (this.rkTarget[e] === target && sameIds(this.rkConds[e], conds)) return this.rkId[e];
    const id = this.n++;
    this.rkHead.set(h, this.rkConds.length);
    this.rkConds.push(conds);
    this.rkTarget.push(target);
    this.rkId.push(id);
    this.rkNext.push(head ?? -1);
    return id;
  }

  bareModuleId(module: string): number {
    if (module.includes(':')) return this.id(`m:${module}`);
    let v = this.bare.get(module);
    if (v === undefined) {
      v = this.n++;
      this.bare.set(module, v);
    }
    return v;
  }
}

/** Shared by every rule without --dport/--dports (never mutated). */
const NO_DPORTS: RuleFacts['dports'] = [];


const BARE_PROTOCOL_MODULES = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp', 'icmp']);
const SELECTIVE_OPTS = new Set(['dport', 'dports', 'ctorigdstport', 'sport', 'sports', 'ports', 'ctorigdst', 'ctorigsrc', 'match-set', 'mark', 'string', 'u32', 'src-range', 'dst-range', 'mac-source']);
const ownedChains = new Map<string, boolean>();
function isDockerOwnedChain(chain: string): boolean {
  let v = ownedChains.get(chain);
  if (v === undefined) {
    v = DOCKER_OWNED.test(chain);
    if (ownedChains.size < 10_000) ownedChains.set(chain, v);
  }
  return v;
}

// ------------------------------------------------------------------------------------------------ helpers

/** The rule's --dport/--dports options with their port sets. */
function dportsOf(rule: Rule, f: RuleFacts): { module: string; o: RuleOption; set?: PortSet }[] {
  const out: { module: string; o: RuleOption; set?: PortSet }[] = [];
  for (const d of f.dports) {
    const o = rule.matches[d.mi]?.options[d.oi];
    if (o) out.push({ module: d.module, o, set: d.set });
  }
  return out;
}

function lineSpan(line: number, text: string): Span {
  return { line, start: 0, end: text.length };
}

function opts(rule: Rule): { module: string; o: RuleOption }[] {
  const out: { module: string; o: RuleOption }[] = [];
  for (const m of rule.matches) for (const o of m.options) out.push({ module: m.module, o });
  return out;
}

function hasAnyState(rule: Rule): boolean {
  return opts(rule).some(({ o }) => o.name === 'ctstate' || o.name === 'state');
}

function isUnconditional(f: RuleFacts): boolean {
  return f.conds.length === 0;
}

function insertLineEdit(line: number, text: string): TextEdit {
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${text}\n` };
}

function deleteLineEdit(line: number): TextEdit {
  return { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '' };
}

function replaceEdit(span: Span, newText: string): TextEdit {
  return { range: { start: { line: span.line, character: span.start }, end: { line: span.line, character: span.end } }, newText };
}

// ------------------------------------------------------------------------------------------------ context

interface Probe {
  proto: 'tcp' | 'udp' | 'esp';
  port?: number;
  what: string;
}

interface PreparedContext {
  ctx?: LintContext;
  interfaces?: Set<string>;
  networks: { name: string; cidr: Cidr; driver?: string; ingress?: boolean }[];
  hostCidrs: Cidr[];
  nodeAddrs: Cidr[];
  peers?: Cidr[];
  published: PublishedPort[];
  encrypted: boolean;
  /** Line results of the node's current filter rules (relocated to negative lines). */
  base: LineResult[];
  baseAssumed: boolean;
  probes: Probe[];
}

function prepareContext(ctx: LintContext | undefined): PreparedContext {
  const networks: PreparedContext['networks'] = [];
  for (const n of ctx?.networks ?? []) {
    for (const s of n.subnets ?? []) {
      const c = typeof s === 'string' ? parseCidr(s) : undefined;
      if (c) networks.push({ name: n.name, cidr: c, driver: n.driver, ingress: n.ingress });
    }
  }
  const hostCidrs: Cidr[] = [];
  for (const i of ctx?.interfaces ?? []) for (const a of i.addresses ?? []) {
    const c = parseCidr(a);
    if (c) hostCidrs.push(c);
  }
  const nodeAddrs: Cidr[] = [];
  for (const a of ctx?.nodeAddresses ?? []) {
    const c = parseCidr(a.replace(/\/\d+$/, ''));
    if (c) nodeAddrs.push(c);
  }
  for (const i of ctx?.interfaces ?? []) {
    if (i.name === 'lo' || DOCKER_IFACE.test(i.name) || /^(veth|vx-|ov-)/.test(i.name)) continue;
    for (const a of i.addresses ?? []) {
      const c = parseCidr(a.replace(/\/\d+$/, ''));
      if (c) nodeAddrs.push(c);
    }
  }
  const peers = ctx?.peerAddresses ? ctx.peerAddresses.map((p) => parseCidr(p)).filter((c): c is Cidr => !!c) : undefined;
  const base: LineResult[] = [];
  let baseAssumed = false;
  if (ctx?.filterRules) {
    const st = newLineState('filter');
    let i = 0;
    for (const ll of logicalLines(ctx.filterRules)) {
      const r = parseLogicalLine(ll, st);
      if (r.table !== 'filter') continue;
      base.push(relocateLineResult(r, -1_000_000 + i++));
    }
  } else {
    baseAssumed = true;
    const r = parseLogicalLine({ line: -1, text: '-A DOCKER-USER -j RETURN' }, newLineState('filter'));
    base.push(r);
  }
  const control = ctx?.swarmPorts?.controlPort ?? 2377;
  const gossip = ctx?.swarmPorts?.gossipPort ?? 7946;
  const data = ctx?.swarmPorts?.dataPathPort ?? 4789;
  const probes: Probe[] = [
    { proto: 'tcp', port: control, what: `TCP ${control} (cluster management: managers' API and Raft — nodes cannot join and managers lose quorum)` },
    { proto: 'tcp', port: gossip, what: `TCP ${gossip} (node gossip — nodes are marked down, overlay peers are not learned)` },
    { proto: 'udp', port: gossip, what: `UDP ${gossip} (node gossip — nodes are marked down, overlay peers are not learned)` },
    { proto: 'udp', port: data, what: `UDP ${data} (VXLAN overlay data plane — containers on different nodes and the ingress routing mesh stop working)` },
    { proto: 'esp', what: 'ESP, IP protocol 50 (data plane of encrypted overlays, --opt encrypted)' },
  ];
  return {
    ctx,
    interfaces: ctx?.interfaces ? new Set(ctx.interfaces.map((i) => i.name)) : undefined,
    networks,
    hostCidrs,
    nodeAddrs,
    peers,
    published: ctx?.publishedPorts ?? [],
    encrypted: (ctx?.networks ?? []).some((n) => n.encrypted === true),
    base,
    baseAssumed,
    probes,
  };
}

/**
 * Moves a cached line result to another line by shifting its spans in place. Unlike the parser's
 * relocateLineResult (which copies), this keeps the objects (and so the facts cached for them); the linter never
 * hands these span objects out (diagnostics get copies).
 */
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

// ------------------------------------------------------------------------------------------------ the linter

interface Pass {
  text: string;
  results: LineResult[];
  facts: Map<Rule, RuleFacts>;
  ruleset: Ruleset;
  kind: FileKind;
  command: boolean;
  diags: LintDiagnostic[];
  pc: PreparedContext;
  baseRules: Set<Rule>;
  published: PublishedPort[];
  docLinesCache?: string[];
  doc?: DocRule[];
  ids: Interner;
  scratch: ChainScratch;
}

interface Cand {
  rule: Rule;
  f: RuleFacts;
}

/**
 * Per-chain tables of checkChains, indexed by string id and valid where the stamp array holds the chain's stamp
 * (no clearing between chains or runs): the first rule of each full key, the shadowing candidates of each condition.
 */
interface ChainScratch {
  stamp: number;
  seenStamp: Int32Array;
  seenRule: (Rule | undefined)[];
  condStamp: Int32Array;
  condList: (Cand[] | undefined)[];
}

function newChainScratch(): ChainScratch {
  return { stamp: 0, seenStamp: new Int32Array(0), seenRule: [], condStamp: new Int32Array(0), condList: [] };
}

function sizeScratch(s: ChainScratch, n: number): void {
  if (s.seenStamp.length >= n) return;
  const cap = Math.max(n, s.seenStamp.length * 2, 1024);
  const grow = (a: Int32Array): Int32Array => {
    const b = new Int32Array(cap);
    b.set(a);
    return b;
  };
  s.seenStamp = grow(s.seenStamp);
  s.condStamp = grow(s.condStamp);
  // allocated at their size and filled: the arrays stay fast (never sparse dictionaries); stale entries are
  // ignored by the stamps
  s.seenRule = new Array<Rule | undefined>(cap).fill(undefined);
  s.condList = new Array<Cand[] | undefined>(cap).fill(undefined);
}

interface CacheEntry {
  res: LineResult;
  /** Run that last used this entry. */
  gen: number;
}

/** Incremental linter: keeps per-line parse results between runs (one instance per document). */
export class Linter {
  /** Parsed lines per parser state key (`*table` section / default table), then per line text. */
  private caches = new Map<string, Map<string, CacheEntry>>();
  /** The previous run's lines and results (for unchanged leading/trailing lines). */
  private prev?: {
    lls: LogicalLine[];
    results: LineResult[];
    entries: (CacheEntry | undefined)[];
    tableBefore: (TableName | undefined)[];
    finalTable: TableName | undefined;
    defaultTable: TableName;
  };
  /** Facts of the rules of cached lines (line-independent, kept across runs). */
  private factsByRule = new Map<Rule, RuleFacts>();
  private gen = 0;
  /**
   * False after a first (cold) run: its lines are not in `caches` yet. A one-shot lint (the CLI, lintRules) never
   * reuses a line, so the text → result maps are built from `prev` by the next run that needs them.
   */
  private indexed = true;

  private cacheFor(stateKey: string): Map<string, CacheEntry> {
    let c = this.caches.get(stateKey);
    if (!c) {
      c = new Map();
      this.caches.set(stateKey, c);
    }
    return c;
  }
  private baseFacts = new Map<Rule, RuleFacts>();
  /** Ids of condition/key strings of the cached facts (reset with them when it outgrows the document). */
  private ids = new Interner();
  private scratch = newChainScratch();
  private pc: PreparedContext = prepareContext(undefined);
  private ruleByLine: (Rule | undefined)[] = [];

  constructor(ctx?: LintContext) {
    this.setContext(ctx);
  }

  setContext(ctx: LintContext | undefined): void {
    this.pc = prepareContext(ctx);
    this.computeBaseFacts();
  }

  private computeBaseFacts(): void {
    this.baseFacts = new Map();
    for (const r of this.pc.base) if (r.rule) this.baseFacts.set(r.rule, computeFacts(r.rule, r, this.ids));
  }

  /** Puts the lines of an unindexed (first) run into the per-state caches; a later copy of a line stays uncached. */
  private indexPrev(prev: NonNullable<Linter['prev']>): void {
    let key: string | undefined;
    let cache: Map<string, CacheEntry> | undefined;
    let table: TableName | undefined | null = null;
    for (let k = 0; k < prev.lls.length; k++) {
      const e = prev.entries[k];
      if (!e) continue;
      const tb = prev.tableBefore[k];
      if (tb !== table || !cache) {
        table = tb;
        key = lineStateKey({ table: tb, defaultTable: prev.defaultTable });
        cache = this.cacheFor(key);
      }
      const text = prev.lls[k].text;
      if (cache.has(text)) prev.entries[k] = undefined;
      else cache.set(text, e);
    }
    this.indexed = true;
  }

  /** The rule that starts (or continues) on a 0-based line in the last linted text. */
  ruleAt(line: number): Rule | undefined {
    return this.ruleByLine[line];
  }

  lint(text: string, options?: LintOptions): LintResult {
    const t0 = performance.now();
    const budget = options?.budgetMs;
    const state: LineState = newLineState(options?.defaultTable ?? 'filter');
    const gen = ++this.gen;
    if (this.ids.size > 4 * this.factsByRule.size + 20_000) {
      // ids of strings no longer in the document pile up while typing: start the table (and the facts) afresh
      this.ids = new Interner();
      this.factsByRule = new Map();
      this.computeBaseFacts();
    }
    const ids = this.ids;
    const facts = this.factsByRule;
    const results: LineResult[] = [];
    const diags: LintDiagnostic[] = [];
    this.ruleByLine = [];
    const lls = logicalLines(text);
    let truncatedAt: number | undefined;
    const n = lls.length;
    const entries: (CacheEntry | undefined)[] = new Array<CacheEntry | undefined>(n);
    const tableBefore: (TableName | undefined)[] = new Array<TableName | undefined>(n);
    const prev = this.prev && this.prev.defaultTable === state.defaultTable ? this.prev : undefined;
    if (!this.indexed && prev) this.indexPrev(prev);
    let indexing = true;
    if (!prev && !this.prev) {
      let size = 0;
      for (const c of this.caches.values()) size += c.size;
      indexing = size > 0;
    }
    this.indexed = indexing;
    // unchanged first and last lines (an edit touches a few lines in the middle) are taken from the previous run as is
    let pre = 0;
    let suf = 0;
    if (prev) {
      const m = Math.min(prev.lls.length, n);
      while (pre < m && lls[pre].text === prev.lls[pre].text && lls[pre].line === prev.lls[pre].line) pre++;
      while (suf < m - pre && lls[n - 1 - suf].text === prev.lls[prev.lls.length - 1 - suf].text) suf++;
    }
    // what the whole-text checks need from every line, gathered in the same pass
    const doc: DocRule[] = [];
    let renames = false;
    let command = false;
    let dump = false;
    let ruleCount = 0;
    const take = (k: number, res: LineResult, entry: CacheEntry | undefined, before: TableName | undefined): void => {
      const ll = lls[k];
      if (entry) entry.gen = gen;
      if (res.line !== ll.line) shiftInPlace(res, ll.line - res.line);
      entries[k] = entry;
      tableBefore[k] = before;
      results.push(res);
      const kind = res.kind;
      if (kind === 'rename') renames = true;
      if (res.format === 'command' && (kind === 'rule' || kind === 'flush' || kind === 'policy')) command = true;
      if (!dump && dumpMarker(res)) dump = true;
      const rule = res.rule;
      if (rule) {
        ruleCount++;
        let f = facts.get(rule);
        if (!f) {
          f = computeFacts(rule, res, ids);
          facts.set(rule, f);
        }
        if (kind === 'rule') doc.push({ rule, f, res });
        this.ruleByLine[ll.line] = rule;
        if (ll.segments) for (const sg of ll.segments) this.ruleByLine[sg.line] = rule;
      }
    };
    if (prev) {
      for (let k = 0; k < pre; k++) take(k, prev.results[k], prev.entries[k], prev.tableBefore[k]);
      state.table = pre < prev.lls.length ? prev.tableBefore[pre] : prev.finalTable;
      // reserve the suffix' cache entries so the middle does not take (and move) them
      for (let i = prev.lls.length - suf; i < prev.lls.length; i++) {
        const e = prev.entries[i];
        if (e) e.gen = gen;
      }
    }
    let table = state.table;
    let cache = this.cacheFor(lineStateKey(state));
    const middle = (from: number, to: number): void => {
      for (let k = from; k < to; k++) {
        const ll = lls[k];
        if (budget !== undefined && (k & 255) === 255 && performance.now() - t0 > budget) {
          truncatedAt = ll.line;
          return;
        }
        const before = state.table;
        if (!indexing) {
          // first run: parse, index later (indexPrev)
          const r = parseLogicalLine(ll, state);
          take(k, r, { res: r, gen }, before);
          continue;
        }
        let entry = cache.get(ll.text);
        let res: LineResult;
        if (entry && entry.gen !== gen) {
          // unchanged line (maybe moved): reuse the parse
          advanceLineState(ll.text, state);
          res = entry.res;
        } else {
          res = parseLogicalLine(ll, state);
          // a second copy of a line in the same pass is parsed on its own (its spans differ): not cached
          if (!entry) cache.set(ll.text, (entry = { res, gen }));
          else entry = undefined;
        }
        take(k, res, entry, before);
        if (state.table !== table) {
          // only `*table` / COMMIT lines change the parser state
          table = state.table;
          cache = this.cacheFor(lineStateKey(state));
        }
      }
    };
    middle(pre, n - suf);
    if (truncatedAt === undefined && suf > 0 && prev) {
      const o = prev.lls.length - suf;
      if (state.table === prev.tableBefore[o]) {
        for (let i = 0; i < suf; i++) take(n - suf + i, prev.results[o + i], prev.entries[o + i], prev.tableBefore[o + i]);
        state.table = prev.finalTable;
      } else middle(n - suf, n);
    }
    this.prev = truncatedAt === undefined ? { lls, results, entries, tableBefore, finalTable: state.table, defaultTable: state.defaultTable } : undefined;
    // `-E` (rename) makes the assembler rename the chain of already-parsed rules in place: do not reuse those objects
    if (renames) {
      this.caches = new Map();
      this.factsByRule = new Map();
      this.prev = undefined;
    } else {
      let size = 0;
      for (const c of this.caches.values()) size += c.size;
      if (size > 2 * lls.length + 1000) {
        // drop lines no longer in the document (and the facts of their rules)
        for (const c of this.caches.values()) {
          for (const [k, e] of c) {
            if (e.gen === gen) continue;
            c.delete(k);
            if (e.res.rule) facts.delete(e.res.rule);
          }
        }
      }
    }
    // duplicate lines parsed outside the cache get fresh rule objects every run: forget their facts
    if (facts.size > 2 * lls.length + 1000) {
      const live = new Set<Rule>();
      for (const r of results) if (r.rule) live.add(r.rule);
      for (const r of facts.keys()) if (!live.has(r) && !this.baseFacts.has(r)) facts.delete(r);
    }

    const kind: FileKind = !command && dump ? 'dump' : 'proposal';
    const baseRules = new Set<Rule>();
    let all = results;
    if (command) {
      for (const r of this.pc.base) {
        if (r.rule) {
          baseRules.add(r.rule);
          const bf = this.baseFacts.get(r.rule);
          if (bf) facts.set(r.rule, bf);
        }
      }
      all = [...this.pc.base, ...results];
    }
    const ruleset = assembleRuleset(all);
    const pass: Pass = { text, results, facts, ruleset, kind, command, diags, pc: this.pc, baseRules, published: [], ids, scratch: this.scratch, doc };
    pass.published = publishedPorts(pass);

    // the parser's own (syntax) diagnostics, for this document only
    for (const d of ruleset.diagnostics) {
      if (d.span.line < 0) continue;
      diags.push({ code: d.code, severity: d.severity, message: d.message, span: { ...d.span }, fixes: [] });
    }
    checkPlacement(pass);
    checkInsertOrder(pass);
    checkChains(pass);
    checkDockerUser(pass);
    checkControlPlane(pass);
    checkNodeFacts(pass);
    if (truncatedAt !== undefined) {
      diags.push({ code: 'lint/truncated', severity: 'info', message: `lint stopped at line ${truncatedAt + 1}: the file took longer than ${budget} ms to check; later lines were not linted`, span: { line: truncatedAt, start: 0, end: 0 }, fixes: [] });
    }
    diags.sort((a, b) => a.span.line - b.span.line || a.span.start - b.span.start || a.code.localeCompare(b.code));
    return { diagnostics: dedupe(diags), kind, ruleCount };
  }
}

function dedupe(diags: LintDiagnostic[]): LintDiagnostic[] {
  const seen = new Set<string>();
  const out: LintDiagnostic[] = [];
  for (const d of diags) {
    const k = `${d.code}|${d.span.line}|${d.span.start}|${d.span.end}|${d.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(d);
  }
  return out;
}

/** Lints a rule file once (no cache kept). */
export function lintRules(text: string, ctx?: LintContext, options?: LintOptions): LintResult {
  return new Linter(ctx).lint(text, options);
}

/** A line only a dump of Docker's own rules has (the text is then a `dump`, unless it has command lines). */
function dumpMarker(r: LineResult): boolean {
  if ((r.kind === 'chain' || r.kind === 'new-chain') && r.chain && DOCKER_MARKERS.test(r.chain)) return true;
  if (r.kind === 'rule' && r.rule?.target && r.rule.op === 'A') {
    const t = r.rule.target.name;
    if (r.rule.chain === 'FORWARD' && (t === 'DOCKER-USER' || t === 'DOCKER-ISOLATION-STAGE-1' || t === 'DOCKER-FORWARD')) return true;
    if (r.rule.table === 'nat' && (t === 'DOCKER' || t === 'DOCKER-INGRESS' || t === 'DOCKER_OUTPUT')) return true;
  }
  return false;
}

function publishedPorts(p: Pass): PublishedPort[] {
  const out: PublishedPort[] = [...p.pc.published];
  const seen = new Set(out.map((x) => `${x.protocol}/${x.port}`));
  const add = (port: number, protocol: string, mode: 'ingress' | 'host', targetPort?: number): void => {
    if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp') return;
    const k = `${protocol}/${port}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ port, protocol, mode, targetPort });
  };
  const scan = (rules: Iterable<Rule>): void => {
    for (const r of rules) {
      if (!r.target || !r.protocol || (r.chain !== 'DOCKER-INGRESS' && r.chain !== 'DOCKER')) continue;
      const dport = opts(r).find(({ o }) => o.name === 'dport' && !o.negated);
      if (!dport || !/^\d+$/.test(dport.o.args[0] ?? '')) continue;
      const port = Number(dport.o.args[0]);
      const proto = protoName(r.protocol.value);
      if (r.table === 'nat' && (r.chain === 'DOCKER-INGRESS' || r.chain === 'DOCKER') && r.target.name === 'DNAT') {
        const to = r.target.options.find((o) => o.name === 'to-destination')?.args[0] ?? '';
        const tp = /:(\d+)$/.exec(to);
        add(port, proto, r.chain === 'DOCKER-INGRESS' ? 'ingress' : 'host', tp ? Number(tp[1]) : undefined);
      } else if (r.table === 'filter' && r.chain === 'DOCKER-INGRESS' && r.target.name === 'ACCEPT' && !hasAnyState(r)) {
        add(port, proto, 'ingress', port);
      }
    }
  };
  scan(p.ruleset.rules);
  for (const b of p.pc.base) if (b.rule) scan([b.rule]);
  return out;
}

function isDockerLike(rule: Rule): boolean {
  if (rule.target && (rule.target.name.startsWith('DOCKER') || rule.target.name === 'DOCKER_OUTPUT')) return true;
  if (rule.inInterface && DOCKER_IFACE.test(rule.inInterface.value)) return true;
  if (rule.outInterface && DOCKER_IFACE.test(rule.outInterface.value)) return true;
  return opts(rule).some(({ o }) => o.name === 'match-set' && (o.args[0] ?? '').startsWith('docker-'));
}

function dockerOwnedInDump(p: Pass, rule: Rule): boolean {
  if (p.kind !== 'dump') return false;
  const f = p.facts.get(rule);
  if (f) return f.dockerOwned || (rule.chain === 'FORWARD' && f.dockerLike);
  if (DOCKER_OWNED.test(rule.chain)) return true;
  return rule.chain === 'FORWARD' && isDockerLike(rule);
}

/** Text of a line of the document (split lazily: only fixes need it). */
function docLine(p: Pass, line: number): string | undefined {
  p.docLinesCache ??= p.text.split('\n');
  return p.docLinesCache[line];
}

function add(p: Pass, code: string, severity: Severity, message: string, span: Span, fixes: LintFix[] = [], related?: LintDiagnostic['related']): void {
  // spans are copied: cached parse results are shifted in place on later runs
  p.diags.push({ code, severity, message, span: { ...span }, fixes, related: related?.map((r) => ({ span: { ...r.span }, message: r.message })) });
}

interface DocRule {
  rule: Rule;
  f: RuleFacts;
  res: LineResult;
}

/** The doc rules in source order (not base rules), with their facts (computed once per pass). */
function docRules(p: Pass): DocRule[] {
  if (p.doc) return p.doc;
  const out: DocRule[] = [];
  for (const res of p.results) {
    if (!res.rule || res.kind !== 'rule') continue;
    const f = p.facts.get(res.rule);
    if (f) out.push({ rule: res.rule, f, res });
  }
  p.doc = out;
  return out;
}

/** A replacement of the chain token with DOCKER-USER (`-I DOCKER-USER` for command-line appends). */
function moveToDockerUserFix(p: Pass, rule: Rule, f: RuleFacts, res: LineResult, extra: TextEdit[] = []): LintFix | undefined {
  if (!res.chainSpan || f.opStart < 0 || res.chainSpan.line !== rule.line) return undefined;
  const useInsert = f.command && rule.op === 'A';
  const edits: TextEdit[] = [];
  if (useInsert) {
    edits.push(replaceEdit({ line: rule.line, start: f.opStart, end: res.chainSpan.end }, '-I DOCKER-USER'));
  } else edits.push(replaceEdit(res.chainSpan, 'DOCKER-USER'));
  edits.push(...extra);
  if (res.format === 'save' && p.ruleset.tables.get(rule.table)?.chains.get('DOCKER-USER')?.declLine === undefined) {
    // iptables-restore needs the chain declared in the section
    let header: LineResult | undefined;
    for (const r of p.results) {
      if (r.line > rule.line) break;
      if (r.kind === 'table') header = r;
    }
    if (header) edits.push(insertLineEdit(header.line + 1, ':DOCKER-USER - [0:0]'));
  }
  return { title: useInsert ? 'Insert the rule into DOCKER-USER (-I DOCKER-USER)' : 'Move the rule to DOCKER-USER', edits };
}

/** Edits replacing `--dport N` (tcp/udp) with `-m conntrack --ctorigdstport N --ctdir ORIGINAL`. */
function ctorigEdit(p: Pass, o: RuleOption, module: string): TextEdit | undefined {
  if (module !== 'tcp' && module !== 'udp' && module !== 'sctp') return undefined;
  const line = docLine(p, o.span.line) ?? '';
  let start = o.span.start;
  let neg = o.negated;
  const raw = line.slice(o.span.start, o.span.end);
  if (!raw.startsWith('!') && o.negated) {
    const before = line.slice(0, start);
    const m = /!\s+$/.exec(before);
    if (m) start = m.index;
    else neg = false;
  }
  if (!/(dport|destination-port)/.test(raw)) return undefined;
  const arg = o.args[0] ?? '';
  return replaceEdit({ line: o.span.line, start, end: o.span.end }, `-m conntrack ${neg ? '! ' : ''}--ctorigdstport ${arg} --ctdir ORIGINAL`);
}

// ------------------------------------------------------------------------------------------------ checks

/** Rules in chains Docker owns, in FORWARD, or in INPUT for forwarded (published) traffic. */
function checkPlacement(p: Pass): void {
  for (const { rule, f, res } of docRules(p)) {
    if (rule.table !== 'filter' || rule.op === 'D') continue;
    const chain = rule.chain;
    if (f.dockerOwned) {
      if (p.kind === 'dump') continue;
      const fix = moveToDockerUserFix(p, rule, f, res);
      add(p, 'swarm/not-docker-user', 'warning',
        `${chain} is Docker's own chain: Docker flushes and rewrites it whenever networks, services or the daemon restart, so this rule silently disappears (and may run after Docker's ACCEPTs). Rules that filter container and Swarm ingress traffic belong in DOCKER-USER, which Docker jumps to first and never touches.`,
        res.chainSpan ?? rule.span, fix ? [fix] : []);
      continue;
    }
    if (chain === 'FORWARD') {
      if (p.kind === 'dump' && f.dockerLike) continue;
      if (rule.target?.name === 'DOCKER-USER') continue;
      const fix = moveToDockerUserFix(p, rule, f, res);
      const sev: Severity = p.kind === 'dump' ? 'info' : 'warning';
      const why = rule.op === 'A'
        ? "appended to FORWARD it runs after Docker's own FORWARD rules, which already ACCEPT traffic to containers and to the Swarm ingress network (docker_gwbridge), so it never sees that traffic"
        : 'inserted into FORWARD it runs before DOCKER-USER only until Docker re-inserts its jump at the top (daemon restart, network changes)';
      add(p, 'swarm/not-docker-user', sev, `Rule in FORWARD instead of DOCKER-USER: ${why}. Put container/published-port filtering in DOCKER-USER.`, res.chainSpan ?? rule.span, fix ? [fix] : []);
      continue;
    }
    if (chain === 'INPUT') checkInput(p, rule, f, res);
  }
}


function protoMatches(rule: Rule, proto: string): boolean {
  if (!rule.protocol) return true;
  const v = protoName(rule.protocol.value);
  if (v === 'all') return true;
  return rule.protocol.negated ? v !== proto : v === proto;
}

function checkInput(p: Pass, rule: Rule, f: RuleFacts, res: LineResult): void {
  // traffic to containers is forwarded: INPUT never sees it
  const toContainer = (rule.outInterface && DOCKER_IFACE.test(rule.outInterface.value) && !rule.outInterface.negated)
    || (rule.destination && !rule.destination.negated && (() => {
      const c = parseCidr(rule.destination.value);
      if (!c) return false;
      const nets = p.pc.networks.length ? p.pc.networks.map((n) => n.cidr) : ['172.17.0.0/16', '172.18.0.0/16'].map((x) => parseCidr(x) as Cidr);
      return nets.some((n) => contains(n, c));
    })());
  if (toContainer) {
    const fix = moveToDockerUserFix(p, rule, f, res);
    add(p, 'swarm/not-docker-user', 'warning', 'This rule matches traffic to containers, which is forwarded (FORWARD → DOCKER-USER), never delivered to INPUT: it has no effect. Put it in DOCKER-USER.', res.chainSpan ?? rule.span, fix ? [fix] : []);
    return;
  }
  for (const d of dportsOf(rule, f)) {
    if (!d.set) continue;
    const hit = p.published.find((pp) => portIn(d.set as PortSet, pp.port) !== d.o.negated && protoMatches(rule, pp.protocol));
    if (!hit) continue;
    const edit = d.o.name === 'dport' ? ctorigEdit(p, d.o, d.module) : undefined;
    const fix = moveToDockerUserFix(p, rule, f, res, edit ? [edit] : []);
    const via = hit.mode === 'host'
      ? `it is DNATed to the container${hit.targetPort ? ` port ${hit.targetPort}` : ''} and forwarded`
      : 'Swarm ingress DNATs it to 172.18.0.2 (ingress_sbox on docker_gwbridge) and forwards it';
    add(p, 'swarm/input-published-port', 'warning',
      `Port ${hit.port}/${hit.protocol} is a published port${hit.service ? ` (service ${hit.service})` : ''}: ${via} in PREROUTING, so it never reaches INPUT and this rule never matches it. Filter it in DOCKER-USER with -m conntrack --ctorigdstport ${hit.port}.`,
      d.o.span, fix ? [{ ...fix, title: 'Move to DOCKER-USER matching the original destination port (conntrack)' }] : []);
    return;
  }
}

/** `-I` after `-A` lines of the same chain: lands before them. */
function checkInsertOrder(p: Pass): void {
  if (!docRules(p).some((d) => d.rule.op === 'I')) return;
  const appended = new Map<string, number[]>();
  for (const { rule, f } of docRules(p)) {
    const k = `${rule.table} ${rule.chain}`;
    if (rule.op === 'A') {
      const a = appended.get(k);
      if (a) a.push(rule.line);
      else appended.set(k, [rule.line]);
    } else if (rule.op === 'I') {
      const a = appended.get(k);
      const pos = rule.position ?? 1;
      if (!a || a.length === 0 || pos > a.length) continue;
      if (p.kind === 'dump' && dockerOwnedInDump(p, rule)) continue;
      const fixes: LintFix[] = [];
      if (rule.position === undefined && f.opStart >= 0 && !(f.command && rule.chain === 'DOCKER-USER')) {
        fixes.push({ title: 'Append (-A) so the rule keeps its place in file order', edits: [replaceEdit({ line: rule.line, start: f.opStart, end: f.opEnd }, '-A')] });
      }
      const lines = a.slice(0, 3).map((l) => l + 1).join(', ');
      add(p, 'rules/insert-order', 'warning',
        `-I inserts at position ${pos} of ${rule.chain}: this rule runs BEFORE the ${a.length} rule(s) appended earlier in this file (line${a.length > 1 ? 's' : ''} ${lines}${a.length > 3 ? ', …' : ''}), not after them as the file order suggests.`,
        { line: rule.line, start: f.opStart >= 0 ? f.opStart : rule.span.start, end: f.opStart >= 0 ? f.opEnd : rule.span.end }, fixes);
    }
  }
}

/** Per chain (effective order): shadowed rules, duplicates, rules after the final RETURN. Linear (hash maps). */
function checkChains(p: Pass): void {
  for (const table of p.ruleset.tables.values()) {
    for (const chain of table.chains.values()) {
      if (chain.rules.length === 0) continue;
      const sc = p.scratch;
      sizeScratch(sc, p.ids.size);
      const stamp = ++sc.stamp;
      const { seenStamp, seenRule, condStamp, condList } = sc;
      let shadowerCount = 0;
      let uncond: Rule | undefined;
      for (const rule of chain.rules) {
        const f = p.facts.get(rule);
        if (!f) continue;
        const mine = rule.line >= 0 && (p.baseRules.size === 0 || !p.baseRules.has(rule));
        const skip = !mine || dockerOwnedInDump(p, rule);
        if (uncond && !skip) {
          const u = uncond;
          if (u.target?.name === 'RETURN' && chain.name === 'DOCKER-USER') {
            afterReturn(p, rule, f, u);
          } else {
            add(p, 'rules/shadowed', 'warning',
              `Never reached: the rule on ${u.line >= 0 ? `line ${u.line + 1}` : "the node's current rules"} (\`${u.target?.goto ? '-g' : '-j'} ${u.target?.name ?? ''}\` without conditions) takes every packet in ${chain.name} before this one.`,
              rule.span, [], u.line >= 0 ? [{ span: u.span, message: 'the rule that takes every packet' }] : undefined);
          }
          continue;
        }
        const fk = f.fullKey;
        const dup = seenStamp[fk] === stamp ? seenRule[fk] : undefined;
        if (!dup) {
          seenStamp[fk] = stamp;
          seenRule[fk] = rule;
        }
        if (!skip) {
          if (dup) {
            add(p, 'rules/duplicate', 'warning', `Duplicate of the rule on ${dup.line >= 0 ? `line ${dup.line + 1}` : "the node's current rules"}: the same match and target twice in ${chain.name}; the second copy never changes anything.`,
              rule.span, [{ title: 'Delete the duplicate line', edits: [deleteLineEdit(rule.line)] }], dup.line >= 0 ? [{ span: dup.span, message: 'first copy' }] : undefined);
          } else if (shadowerCount > 0) {
            const by = findShadower(sc, stamp, f);
            if (by && by !== rule) {
              add(p, 'rules/shadowed', 'warning',
                `Never reached: the earlier rule on ${by.line >= 0 ? `line ${by.line + 1}` : "the node's current rules"} (\`-j ${by.target?.name ?? ''}\`) matches every packet this rule matches (its conditions are a subset of this rule's).`,
                rule.span, [], by.line >= 0 ? [{ span: by.span, message: 'the shadowing rule' }] : undefined);
            }
          }
        }
        if (f.terminal && !f.stateful) {
          if (f.conds.length === 0) uncond ??= rule;
          else {
            const rare = f.keyCond;
            if (condStamp[rare] === stamp) (condList[rare] as Cand[]).push({ rule, f });
            else {
              condStamp[rare] = stamp;
              condList[rare] = [{ rule, f }];
            }
            shadowerCount++;
          }
        }
      }
    }
  }
}

/** An earlier terminal rule whose conditions are a subset of this rule's (it takes all of this rule's packets). */
function findShadower(sc: ChainScratch, stamp: number, f: RuleFacts): Rule | undefined {
  let set: Set<number> | undefined;
  const condStamp = sc.condStamp;
  for (const c of f.conds) {
    if (condStamp[c] !== stamp) continue;
    const list = sc.condList[c] as Cand[];
    for (const cand of list) {
      if (cand.f.conds.length > f.conds.length) continue;
      let all = true;
      if (f.conds.length <= 8) {
        // short lists: a scan is cheaper than building a set
        for (const x of cand.f.conds) {
          if (!f.conds.includes(x)) {
            all = false;
            break;
          }
        }
      } else {
        set ??= f.condSet ??= new Set(f.conds);
        for (const x of cand.f.conds) {
          if (!set.has(x)) {
            all = false;
            break;
          }
        }
      }
      if (all) return cand.rule;
    }
  }
  return undefined;
}

function afterReturn(p: Pass, rule: Rule, f: RuleFacts, ret: Rule): void {
  const fromBase = ret.line < 0;
  const fixes: LintFix[] = [];
  if (fromBase) {
    // command lines appended after Docker's RETURN: delete and re-append it around the appends
    const appends = docRules(p).filter((x) => x.rule.chain === 'DOCKER-USER' && x.rule.op === 'A' && x.rule.table === 'filter');
    if (appends.length) {
      const first = appends[0];
      const last = appends[appends.length - 1];
      const pre = first.f.prefix || 'iptables ';
      fixes.push({
        title: "Delete Docker's RETURN before appending and re-append it after the last rule",
        edits: [insertLineEdit(first.rule.line, `${pre}-D DOCKER-USER -j RETURN`), insertLineEdit(last.rule.line + 1, `${last.f.prefix || pre}-A DOCKER-USER -j RETURN`)],
      });
    }
    if (f.opStart >= 0 && appends.length === 1) {
      fixes.push({ title: 'Insert (-I) instead of append', edits: [replaceEdit({ line: rule.line, start: f.opStart, end: f.opEnd }, '-I')] });
    }
    const sev: Severity = p.pc.baseAssumed ? 'info' : 'warning';
    const where = p.pc.baseAssumed
      ? 'Docker ≤ 27 creates DOCKER-USER with a final `-A DOCKER-USER -j RETURN`'
      : `the node${p.pc.ctx?.nodeName ? ` ${p.pc.ctx.nodeName}` : ''} already ends DOCKER-USER with \`-j RETURN\``;
    add(p, 'docker-user/after-return', sev, `${where}: \`-A\` appends after it, so this rule is never reached. Use -I, or delete the RETURN and re-append it after your rules.`, rule.span, fixes);
    return;
  }
  if (rule.op === 'A' && ret.op === 'A' && rule.line > ret.line && !f.command) {
    fixes.push({ title: 'Move this rule above the final RETURN', edits: [insertLineEdit(ret.line, docLine(p, rule.line)?.replace(/\r$/, '') ?? rule.text), deleteLineEdit(rule.line)] });
  }
  add(p, 'docker-user/after-return', 'warning', `Never reached: DOCKER-USER returns unconditionally on line ${ret.line + 1} (\`-j RETURN\`), so Docker's own rules decide before this rule is evaluated.`, rule.span, fixes, [{ span: ret.span, message: 'the final RETURN' }]);
}

/** DOCKER-USER specifics: ESTABLISHED before a default deny, final RETURN, matching after DNAT. */
function checkDockerUser(p: Pass): void {
  const filter = p.ruleset.tables.get('filter');
  const du = filter?.chains.get('DOCKER-USER');
  if (du) {
    let est = false;
    for (const rule of du.rules) {
      const f = p.facts.get(rule);
      if (!f) continue;
      const t = rule.target?.name ?? '';
      if ((t === 'ACCEPT' || t === 'RETURN') && f.established) est = true;
      if (est) break;
      if (!DENY.has(t) || f.anyState || f.anyPort) continue;
      if (rule.outInterface && !rule.outInterface.negated && !rule.inInterface) continue; // egress block
      if (p.baseRules.has(rule) || rule.line < 0) break;
      const pre = f.prefix;
      const edit = rule.op === 'I'
        ? insertLineEdit(rule.line + 1, `${pre}-I DOCKER-USER${rule.position !== undefined ? ` ${rule.position}` : ''} ${ESTABLISHED_LINE}`)
        : insertLineEdit(rule.line, `${pre}-A DOCKER-USER ${ESTABLISHED_LINE}`);
      add(p, 'docker-user/missing-established', 'warning',
        `This ${t} runs before any \`-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\`: it also drops the replies of connections your containers opened (and of published services' established flows). Accept RELATED,ESTABLISHED first.`,
        rule.span, [{ title: 'Insert a RELATED,ESTABLISHED RETURN rule before it', edits: [edit] }]);
      break;
    }
    // final RETURN in a user's complete DOCKER-USER definition (restore / -S style file)
    if (p.kind === 'proposal' && !p.command) {
      let last: Rule | undefined;
      for (let i = du.rules.length - 1; i >= 0 && !last; i--) if (!p.baseRules.has(du.rules[i])) last = du.rules[i];
      const lf = last ? p.facts.get(last) : undefined;
      if (last && lf && !(last.target?.name === 'RETURN' && isUnconditional(lf))) {
        const pre = lf.prefix;
        add(p, 'docker-user/missing-return', 'info',
          'DOCKER-USER does not end with `-j RETURN`. Falling off the end returns too, but Docker (≤ 27) and most guides end it with an explicit RETURN so that rules appended later are visibly misplaced; add it to make the intent explicit.',
          last.span, [{ title: 'Append -A DOCKER-USER -j RETURN', edits: [insertLineEdit(last.line + 1, `${pre}-A DOCKER-USER -j RETURN`)] }]);
      }
    }
  }
  // matching after DNAT
  for (const { rule, f } of docRules(p)) {
    if (rule.chain !== 'DOCKER-USER' || rule.table !== 'filter' || rule.op === 'D') continue;
    const egress = f.egress;
    // an explicit post-DNAT destination (a container network) means the user matches after DNAT on purpose
    const dc = f.dstCidr;
    const postDnatDst = !!dc && !rule.destination?.negated && (p.pc.networks.length ? p.pc.networks.some((n) => overlaps(n.cidr, dc)) : contains(DOCKER_DEFAULT_POOL, dc));
    if (!egress && !postDnatDst && f.dports.length) {
      for (const d of dportsOf(rule, f)) {
        if (d.o.name !== 'dport' && d.o.name !== 'dports') continue;
        const edit = d.o.name === 'dport' ? ctorigEdit(p, d.o, d.module) : undefined;
        const fixes: LintFix[] = edit ? [{ title: 'Match the original destination port: -m conntrack --ctorigdstport', edits: [edit] }] : [];
        const hit = d.set ? p.published.find((pp) => portIn(d.set as PortSet, pp.port) !== d.o.negated && protoMatches(rule, pp.protocol)) : undefined;
        if (hit) {
          const sameAfter = hit.mode !== 'host' && (hit.targetPort === undefined || hit.mode === 'ingress');
          const msg = sameAfter
            ? `Packets in DOCKER-USER are already DNATed: for the Swarm ingress port ${hit.port} the destination is now 172.18.0.2:${hit.port} (ingress_sbox), so \`--dport ${hit.port}\` only matches by coincidence and also matches any other forwarded traffic to port ${hit.port}. Match what the client asked for with -m conntrack --ctorigdstport ${hit.port} --ctdir ORIGINAL.`
            : `Packets in DOCKER-USER are already DNATed: published port ${hit.port} now has destination port ${hit.targetPort ?? '(the container port)'}, so \`--dport ${hit.port}\` never matches it. Use -m conntrack --ctorigdstport ${hit.port}.`;
          add(p, 'swarm/match-after-dnat', sameAfter ? 'info' : 'warning', msg, d.o.span, fixes);
        } else {
          add(p, 'swarm/match-after-dnat', 'info',
            `If ${(d.o.args[0] ?? '').includes(',') || (d.o.args[0] ?? '').includes(':') ? `ports ${d.o.args[0] ?? ''} are published ports` : `port ${d.o.args[0] ?? ''} is a published port`}: packets in DOCKER-USER are already DNATed (Swarm ingress → 172.18.0.2, -p/host mode → the container's port), so \`--dport\` sees the port after DNAT. -m conntrack --ctorigdstport matches what the client asked for.`,
            d.o.span, fixes);
        }
      }
    }
    // -d <host address> never matches after DNAT
    if (rule.destination && !rule.destination.negated && p.pc.nodeAddrs.length) {
      const c = parseCidr(rule.destination.value);
      if (c && p.pc.nodeAddrs.some((n) => contains(c, n)) && !p.pc.networks.some((n) => overlaps(n.cidr, c))) {
        const ds = rule.destination.span;
        const line = docLine(p, ds.line) ?? '';
        const flag = /(-d|--destination|--dst)\s+$/.exec(line.slice(0, ds.start));
        const fixes: LintFix[] = flag && line.slice(ds.start, ds.end) === rule.destination.value
          ? [{ title: 'Match the original destination address: -m conntrack --ctorigdst', edits: [replaceEdit({ line: ds.line, start: flag.index, end: ds.end }, `-m conntrack --ctorigdst ${rule.destination.value}`)] }]
          : [];
        add(p, 'swarm/match-after-dnat', 'warning',
          `${rule.destination.value} is an address of this node${p.pc.ctx?.nodeName ? ` (${p.pc.ctx.nodeName})` : ''}, but packets in DOCKER-USER are already DNATed to 172.18.0.2 (Swarm ingress) or to a container: \`-d\` never matches. Use -m conntrack --ctorigdst ${rule.destination.value}.`,
          rule.destination.span, fixes);
      }
    }
  }
}

// ------------------------------------------------------------------------------------------------ control plane

type Verdict = 'yes' | 'maybe' | 'no';

function probeMatch(p: Pass, rule: Rule, probe: Probe, chain: string): Verdict {
  let v: Verdict = 'yes';
  const maybe = (): void => {
    if (v === 'yes') v = 'maybe';
  };
  if (rule.protocol) {
    const name = protoName(rule.protocol.value);
    if (name !== 'all') {
      const eq = name === probe.proto;
      if (eq === rule.protocol.negated) return 'no';
    }
  }
  if (rule.fragment) maybe();
  const local = chain === 'INPUT' ? rule.inInterface : rule.outInterface;
  if (local && local.value === 'lo' && !local.negated) return 'no';
  if (local) maybe();
  const remoteAddr = chain === 'INPUT' ? rule.source : rule.destination;
  if (remoteAddr) {
    const c = parseCidr(remoteAddr.value);
    if (c && p.pc.peers && p.pc.peers.length) {
      const inside = p.pc.peers.filter((x) => contains(c, x)).length;
      const anyIn = remoteAddr.negated ? inside < p.pc.peers.length : inside > 0;
      const allIn = remoteAddr.negated ? inside === 0 : inside === p.pc.peers.length;
      if (!anyIn) return 'no';
      if (!allIn) maybe();
    } else maybe();
  }
  if (chain === 'INPUT' ? rule.destination : rule.source) maybe();
  for (const m of rule.matches) {
    for (const o of m.options) {
      switch (o.name) {
        case 'dport':
        case 'dports':
        case 'ports':
        case 'ctorigdstport': {
          if (probe.port === undefined) return 'no';
          const set = parsePorts(o.args[0] ?? '');
          if (!set) {
            maybe();
            break;
          }
          if (portIn(set, probe.port) === o.negated) return 'no';
          break;
        }
        case 'sport':
        case 'sports': {
          if (probe.port === undefined) return 'no';
          const set = parsePorts(o.args[0] ?? '');
          if (!set) maybe();
          else if (portIn(set, probe.port) === o.negated) return 'no';
          else maybe();
          break;
        }
        case 'ctstate':
        case 'state': {
          const states = (o.args[0] ?? '').split(',');
          if (states.includes('NEW') === o.negated) return 'no';
          break;
        }
        case 'pol':
          if (o.args[0] === 'none' && probe.proto === 'udp' && probe.port === (p.pc.ctx?.swarmPorts?.dataPathPort ?? 4789)) return 'no';
          maybe();
          break;
        case 'dir':
        case 'comment':
        case 'ctdir':
          break;
        case 'espspi':
          maybe();
          break;
        default:
          maybe();
      }
    }
    if (m.options.length === 0 && !m.implicit && !['tcp', 'udp', 'esp', 'conntrack', 'state'].includes(m.module)) maybe();
  }
  return v;
}

interface Hit {
  rule: Rule;
  certain: boolean;
  probes: Probe[];
}

/** Walks a chain for a probe: 'accepted' stops, drops are recorded, jumps to user chains are followed. */
function walk(p: Pass, tableRules: Map<string, Rule[]>, rules: Rule[], probe: Probe, chain: string, hits: Map<Rule, Hit>, depth: number): 'accepted' | 'dropped' | 'continue' {
  for (const rule of rules) {
    const v = probeMatch(p, rule, probe, chain);
    if (v === 'no') continue;
    const t = rule.target?.name;
    if (!t) continue;
    if (t === 'ACCEPT') return 'accepted';
    if (DENY.has(t)) {
      const h = hits.get(rule) ?? { rule, certain: false, probes: [] };
      h.probes.push(probe);
      if (v === 'yes') h.certain = true;
      hits.set(rule, h);
      if (v === 'yes') return 'dropped';
      continue;
    }
    if (t === 'RETURN') {
      if (v === 'yes') return 'continue';
      continue;
    }
    const sub = tableRules.get(t);
    if (sub && depth < 5) {
      const r = walk(p, tableRules, sub, probe, chain, hits, depth + 1);
      if (r === 'accepted' && v === 'yes') return 'accepted';
      if (r === 'dropped' && v === 'yes') return 'dropped';
      if (rule.target?.goto && v === 'yes') return 'continue';
    }
  }
  return 'continue';
}

function checkControlPlane(p: Pass): void {
  const filter = p.ruleset.tables.get('filter');
  if (!filter) return;
  const tableRules = new Map<string, Rule[]>();
  for (const c of filter.chains.values()) tableRules.set(c.name, c.rules);
  for (const chainName of ['INPUT', 'OUTPUT']) {
    const chain = filter.chains.get(chainName);
    if (!chain) continue;
    const hits = new Map<Rule, Hit>();
    const policyCut: Probe[] = [];
    for (const probe of p.pc.probes) {
      const r = walk(p, tableRules, chain.rules, probe, chainName, hits, 0);
      if (r === 'continue' && chain.policy === 'DROP') policyCut.push(probe);
    }
    const encryptedSev = (probes: Probe[], certain: boolean): Severity => {
      const onlyEsp = probes.every((x) => x.proto === 'esp');
      if (onlyEsp) return p.pc.encrypted && certain ? 'error' : 'warning';
      return certain ? 'error' : 'warning';
    };
    for (const h of hits.values()) {
      const rule = h.rule;
      if (p.baseRules.has(rule) || rule.line < 0) continue;
      const sev = encryptedSev(h.probes, h.certain);
      const dir = chainName === 'INPUT' ? 'from' : 'to';
      add(p, 'swarm/cuts-control-plane', sev,
        `This ${rule.target?.name ?? 'DROP'} ${h.certain ? 'cuts' : 'may cut'} Swarm traffic ${dir} the other nodes: ${h.probes.map((x) => x.what).join('; ')}. Accept these ports from the other Swarm nodes before it${h.certain ? '' : ' (or make sure its conditions exclude them)'}.`,
        rule.span);
    }
    if (policyCut.length && chain.declLine !== undefined && chain.declLine >= 0) {
      const text = docLine(p, chain.declLine) ?? '';
      add(p, 'swarm/cuts-control-plane', encryptedSev(policyCut, true),
        `Policy DROP on ${chainName} with no earlier ACCEPT for Swarm traffic: ${policyCut.map((x) => x.what).join('; ')}. Accept them from the other Swarm nodes.`,
        lineSpan(chain.declLine, text.replace(/\r$/, '')));
    }
  }
}

// ------------------------------------------------------------------------------------------------ node facts

/** The candidate within edit distance 2 (typos like eht0, eth1 → eth0), if exactly one is closest. */
function closestName(name: string, candidates: string[]): string | undefined {
  const dist = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return row[b.length];
  };
  let best: string | undefined;
  let bestD = 3;
  let ties = 0;
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) > 2) continue;
    const d = dist(name, c);
    if (d < bestD) {
      bestD = d;
      best = c;
      ties = 0;
    } else if (d === bestD) ties++;
  }
  return ties === 0 ? best : undefined;
}

function checkNodeFacts(p: Pass): void {
  const ctx = p.pc.ctx;
  if (!ctx) return;
  const node = ctx.nodeName ? `node ${ctx.nodeName}` : 'the selected node';
  for (const { rule } of docRules(p)) {
    if (rule.op === 'D' || dockerOwnedInDump(p, rule)) continue;
    if (p.pc.interfaces) {
      for (const b of [rule.inInterface, rule.outInterface]) {
        if (!b) continue;
        const name = b.value;
        const known = name.endsWith('+') ? [...p.pc.interfaces].some((i) => i.startsWith(name.slice(0, -1))) : p.pc.interfaces.has(name);
        if (known) continue;
        const list = [...p.pc.interfaces].filter((i) => !/^veth/.test(i)).slice(0, 10).join(', ');
        const extra = /^br-[0-9a-f]{12}$/.test(name) ? ` (${name} is the bridge of a user-defined network that does not exist on this node)` : '';
        const near = closestName(name, [...p.pc.interfaces].filter((i) => !/^veth/.test(i)));
        const fixes: LintFix[] = near && docLine(p, b.span.line)?.slice(b.span.start, b.span.end) === name
          ? [{ title: `Use ${near} (an interface of ${node})`, edits: [replaceEdit(b.span, near)] }]
          : [];
        add(p, 'node/unknown-interface', 'warning', `There is no interface ${name} on ${node}${extra}: this match never ${b.negated ? 'fails' : 'succeeds'} there. Interfaces: ${list}.`, b.span, fixes);
      }
    }
    if (p.pc.networks.length && rule.table === 'filter') {
      const denies = DENY.has(rule.target?.name ?? '');
      for (const [b, word] of [[rule.source, 'from'], [rule.destination, 'to']] as const) {
        if (!b) continue;
        const c = parseCidr(b.value);
        if (!c) continue;
        const nets = p.pc.networks.filter((n) => overlaps(n.cidr, c));
        const host = p.pc.hostCidrs.some((h) => overlaps(h, c));
        if (word === 'to' && !b.negated && nets.length === 0 && !host && isPrivate(c) && rule.chain === 'DOCKER-USER') {
          add(p, 'node/unknown-subnet', 'warning', `${b.value} matches no Docker network on ${node} (networks: ${p.pc.networks.map((n) => `${n.name} ${n.cidr.text}`).join(', ')}): this rule never matches container traffic there.`, b.span);
          continue;
        }
        if (denies && !b.negated) {
          const inner = nets.filter((n) => contains(c, n.cidr) && (c.lo !== n.cidr.lo || c.hi !== n.cidr.hi));
          if (inner.length) {
            const kind = (n: (typeof inner)[number]): string => (n.ingress ? 'ingress' : n.driver === 'overlay' ? 'overlay' : n.driver ?? 'Docker');
            add(p, 'node/matches-network', 'info',
              `This ${rule.target?.name} also matches ${inner.slice(0, 3).map((n) => `${kind(n)} traffic ${word} ${n.cidr.text} of network ${n.name}`).join(', ')}${inner.length > 3 ? ', …' : ''} on ${node}.`,
              b.span);
          }
        }
      }
    }
  }
}
