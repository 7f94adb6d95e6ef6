/**
 * A canonical key of a rule's match + target part: equal keys mean the same kernel rule (option order, `/32`,
 * MARK/CONNMARK spellings and counters do not matter). Used for `-D <rulespec>` and to compare -S with -nvL.
 */
import type { BaseMatch, Rule, RuleOption } from './model';
import { normalizeAddress } from './spec';

const keyCache = new WeakMap<Rule, string>();

/** A canonical key of a rule's match + target part (same kernel rule ⇔ same key). Cached per Rule object. */
export function ruleKey(r: Rule): string {
  let k = keyCache.get(r);
  if (k === undefined) {
    k = computeRuleKey(r);
    keyCache.set(r, k);
  }
  return k;
}

/** Options whose argument is an address: `10.0.0.1` and `10.0.0.1/32` are the same rule. */
const ADDR_OPTIONS = new Set(['ctorigsrc', 'ctorigdst', 'ctreplsrc', 'ctrepldst', 'vaddr', 'tunnel-src', 'tunnel-dst', 'on-ip']);

function parseMarkNum(v: string): number | undefined {
  const n = v.startsWith('0x') || v.startsWith('0X') ? parseInt(v.slice(2), 16) : /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 0xffffffff ? n : undefined;
}

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/**
 * MARK / CONNMARK options as the kernel stores them (what -S prints): --set-mark V/M → --set-xmark V/(M|V),
 * --or-mark V → V/V, --and-mark V → 0x0/~V, --xor-mark V → V/0x0; CONNMARK --save-mark/--restore-mark get their
 * default masks. Other targets unchanged.
 */
export function canonicalTargetOptions(target: string, options: RuleOption[]): RuleOption[] {
  if (target !== 'MARK' && target !== 'CONNMARK') return options;
  const out: RuleOption[] = [];
  let saveRestore = false;
  const have = new Set<string>();
  for (const o of options) {
    have.add(o.name);
    const a = o.args[0] ?? '';
    const slash = a.indexOf('/');
    const v = parseMarkNum(slash < 0 ? a : a.slice(0, slash));
    const m = slash < 0 ? 0xffffffff : parseMarkNum(a.slice(slash + 1));
    let x: string | undefined;
    if (v !== undefined && m !== undefined) {
      if (o.name === 'set-xmark') x = `${hex32(v)}/${hex32(m)}`;
      else if (o.name === 'set-mark') x = `${hex32(v)}/${hex32((m | v) >>> 0)}`;
      else if (o.name === 'or-mark') x = `${hex32(v)}/${hex32(v)}`;
      else if (o.name === 'and-mark') x = `0x0/${hex32(~v)}`;
      else if (o.name === 'xor-mark') x = `${hex32(v)}/0x0`;
    }
    if (x !== undefined) out.push({ ...o, name: 'set-xmark', args: [x] });
    // CONNMARK --mask M is --nfmask M --ctmask M (iptables 1.8.9 deletes the one with the other)
    else if (o.name === 'mask' && target === 'CONNMARK') out.push({ ...o, name: 'nfmask' }, { ...o, name: 'ctmask' });
    else out.push(o);
    if (o.name === 'save-mark' || o.name === 'restore-mark') saveRestore = true;
  }
  if (target === 'CONNMARK' && saveRestore) {
    if (!have.has('nfmask') && !have.has('mask')) out.push({ name: 'nfmask', negated: false, args: ['0xffffffff'], span: options[0].span });
    if (!have.has('ctmask') && !have.has('mask')) out.push({ name: 'ctmask', negated: false, args: ['0xffffffff'], span: options[0].span });
  }
  return out;
}

/** IPv4 as normalizeAddress (bare → /32, netmask → prefix); bare IPv6 → /128; lower case. */
export function canonicalAddress(v: string): string {
  if (v.includes(':')) return v.includes('/') ? v.toLowerCase() : `${v.toLowerCase()}/128`;
  return normalizeAddress(v);
}

function computeRuleKey(r: Rule): string {
  const b = (p: string, m: BaseMatch | undefined, addr = false): string => (m ? `${m.negated ? '!' : ''}${p} ${addr ? canonicalAddress(m.value) : m.value};` : '');
  let s = b('p', r.protocol && r.protocol.value !== 'all' ? r.protocol : undefined) + b('s', r.source, true) + b('d', r.destination, true) + b('i', r.inInterface) + b('o', r.outInterface) + (r.fragment ? `${r.fragment.negated ? '!' : ''}f;` : '');
  const opt = (o: RuleOption): string => `${o.negated ? '!' : ''}--${o.name}${o.args.map((a) => ` ${JSON.stringify(ADDR_OPTIONS.has(o.name) ? canonicalAddress(a) : a)}`).join('')}`;
  const opts = (os: RuleOption[]): string => os.map(opt).sort().join(' ');
  for (const m of r.matches) s += `-m ${m.module} ${opts(m.options)};`;
  if (r.target) s += `${r.target.goto ? '-g' : '-j'} ${r.target.name} ${opts(canonicalTargetOptions(r.target.name, r.target.options))}`;
  return s;
}
