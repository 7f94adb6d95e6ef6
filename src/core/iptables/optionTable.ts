/**
 * Every option token iptables knows (commands `-A`/`--append`…, base options `-p`/`--source`…, and the long options
 * of every match and target in ./spec.ts), in an open-addressing table keyed by a hash of the token's characters:
 * the tokenizer recognises an option without slicing it, and the parser reads its meaning from the entry.
 */
import { MATCH_SPECS, TARGET_SPECS } from './spec';

export type Cmd = 'A' | 'I' | 'D' | 'R' | 'N' | 'X' | 'F' | 'P' | 'E' | 'L' | 'S' | 'Z' | 'C';
const CMD_SHORT_O: Record<string, Cmd> = { A: 'A', I: 'I', D: 'D', R: 'R', N: 'N', X: 'X', F: 'F', P: 'P', E: 'E', L: 'L', S: 'S', Z: 'Z', C: 'C' };
const CMD_LONG_O: Record<string, Cmd> = {
  append: 'A', insert: 'I', delete: 'D', replace: 'R', 'new-chain': 'N', new: 'N', 'delete-chain': 'X', flush: 'F', policy: 'P',
  'rename-chain': 'E', list: 'L', 'list-rules': 'S', zero: 'Z', check: 'C',
};
export type BaseOpt = 'p' | 's' | 'd' | 'i' | 'o' | 'f' | 'm' | 'j' | 'g' | 'c' | 't' | 'w' | 'W' | 'flag';
const BASE_SHORT_O: Record<string, BaseOpt> = { p: 'p', s: 's', d: 'd', i: 'i', o: 'o', f: 'f', m: 'm', j: 'j', g: 'g', c: 'c', t: 't', w: 'w', W: 'W', v: 'flag', n: 'flag', x: 'flag', '4': 'flag', '6': 'flag' };
const BASE_LONG_O: Record<string, BaseOpt> = {
  protocol: 'p', source: 's', src: 's', destination: 'd', dst: 'd', 'in-interface': 'i', 'out-interface': 'o', fragment: 'f',
  match: 'm', jump: 'j', goto: 'g', 'set-counters': 'c', table: 't', wait: 'w', 'wait-interval': 'W', verbose: 'flag',
  numeric: 'flag', exact: 'flag', 'line-numbers': 'flag', ipv4: 'flag', ipv6: 'flag', modprobe: 'flag',
};
// Maps, not objects: lookups with freshly sliced strings stay cheap (no internalisation)
export const CMD_SHORT = new Map(Object.entries(CMD_SHORT_O));
export const CMD_LONG = new Map(Object.entries(CMD_LONG_O));
export const BASE_SHORT = new Map(Object.entries(BASE_SHORT_O));
export const BASE_LONG = new Map(Object.entries(BASE_LONG_O));
/**
 * Every option token iptables knows, spelled out (`-A`, `--append`, `-p`, `--dport`, `--to-destination`, ...), with
 * what it means. The tokenizer finds a token here by a hash of its characters, without slicing it.
 */
export interface OptTok {
  /** The token, e.g. "--dport". */
  text: string;
  isLong: boolean;
  /** Without dashes (the long form for long options, the letter for short ones). */
  name: string;
  cmd: Cmd | undefined;
  base: BaseOpt | undefined;
}
const OPT_BITS = 11;
const OPT_TABLE: (OptTok | undefined)[] = new Array<OptTok | undefined>(1 << OPT_BITS).fill(undefined);

function optSlot(h: number): number {
  return (h ^ (h >>> 13)) & ((1 << OPT_BITS) - 1);
}

function addOptionToken(text: string): void {
  const isLong = text.startsWith('--');
  const name = text.slice(isLong ? 2 : 1);
  const opt: OptTok = { text, isLong, name, cmd: (isLong ? CMD_LONG : CMD_SHORT).get(name), base: (isLong ? BASE_LONG : BASE_SHORT).get(name) };
  let slot = optSlot(hashRange(text, 0, text.length));
  for (;;) {
    const cur = OPT_TABLE[slot];
    if (cur === undefined) {
      OPT_TABLE[slot] = opt;
      return;
    }
    if (cur.text === text) return;
    slot = (slot + 1) & ((1 << OPT_BITS) - 1);
  }
}
for (const k of CMD_SHORT.keys()) addOptionToken(`-${k}`);
for (const k of BASE_SHORT.keys()) addOptionToken(`-${k}`);
for (const k of CMD_LONG.keys()) addOptionToken(`--${k}`);
for (const k of BASE_LONG.keys()) addOptionToken(`--${k}`);
for (const specs of [...Object.values(MATCH_SPECS), ...Object.values(TARGET_SPECS)]) {
  for (const o of specs) for (const n of [o.name, ...(o.aliases ?? [])]) addOptionToken(`--${n}`);
}

/** FNV-1a of s[start, end). */
function hashRange(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** The known option token that s[start, end) spells, if any. */
export function optionToken(s: string, start: number, end: number): OptTok | undefined {
  const len = end - start;
  if (len > 40) return undefined;
  let slot = optSlot(hashRange(s, start, end));
  for (;;) {
    const cur = OPT_TABLE[slot];
    if (cur === undefined) return undefined;
    const t = cur.text;
    if (t.length === len) {
      let k = 0;
      while (k < len && t.charCodeAt(k) === s.charCodeAt(start + k)) k++;
      if (k === len) return cur;
    }
    slot = (slot + 1) & ((1 << OPT_BITS) - 1);
  }
}
