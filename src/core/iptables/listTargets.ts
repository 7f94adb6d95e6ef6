/**
 * How `iptables -nvL` prints target options, read back into the options `-S` prints (the table in ./parse.ts):
 * `MARK set V`, `CONNMARK save`, `to:A:P`, `masq ports: P`, `LOG flags F level L prefix "X"`, `TCPMSS clamp to PMTU`,
 * `CT zone N`, `NFQUEUE num N`, `TPROXY redirect A:P mark V/M`, `reject-with T`, `[goto]`.
 */
import type { RuleTarget } from './model';
import type { WTok } from './listWords';

/** The listing reader's cursor as a target reader sees it (implemented by ./listExtra.ts). */
export interface TargetCursor {
  readonly line: string;
  readonly target: RuleTarget | undefined;
  /** The word `o` positions ahead of the current one. */
  peek(o?: number): WTok | undefined;
  /** Moves the cursor `n` words on. */
  advance(n: number): void;
  /** Moves the cursor past every word that starts at or before `offset`. */
  skipTo(offset: number): void;
  /** Adds an option to the rule's target (nothing when the rule has none). */
  tgt(name: string, args: string[], a: WTok, b: WTok): void;
  lastIndexOf(needle: string): number;
}

/** Reads the target text that starts at word `w` (token `tk`); false: not this reader's text. */
type TargetReader = (r: TargetCursor, tk: WTok, w: string, tname: string) => boolean;

const NAT_TARGETS = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);
const MASK_WORDS = new Set(['nfmask', 'ctmask', 'mask']);

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/** `MARK set|xset|and|or|xor V` → the `--set-xmark V/M` argument -S prints. */
export function markListArg(op: string, x: string): string {
  switch (op) {
    case 'set':
      return `${x}/0xffffffff`;
    case 'xset':
      return x.includes('/') ? x : `${x}/0xffffffff`;
    case 'or':
      return `${x}/${x}`;
    case 'xor':
      return `${x}/0x0`;
    default:
      return `0x0/${hex(~(x.startsWith('0x') ? parseInt(x, 16) : Number(x)))}`;
  }
}

/** `CONNMARK save|restore [nfmask M ctmask M | mask M]`, `MARK set …`, `CONNMARK xset …`. */
function readMark(r: TargetCursor, tk: WTok, w: string, tname: string): boolean {
  if (!((w === 'MARK' && tname === 'MARK') || (w === 'CONNMARK' && tname === 'CONNMARK'))) return false;
  const op = r.peek(1);
  const v = r.peek(2);
  if (op && (op.text === 'save' || op.text === 'restore')) {
    r.tgt(`${op.text}-mark`, [], tk, op);
    r.advance(2);
    // -S always prints both masks; the listing omits them when they are full
    if (!MASK_WORDS.has(r.peek()?.text ?? '') && w === 'CONNMARK') {
      r.tgt('nfmask', ['0xffffffff'], tk, op);
      r.tgt('ctmask', ['0xffffffff'], tk, op);
    }
    // `mask M` is both masks (iptables -S prints `--nfmask M --ctmask M`)
    for (let k = r.peek(), vv = r.peek(1); k && vv && MASK_WORDS.has(k.text); k = r.peek(), vv = r.peek(1)) {
      const value = vv.text.replace(/^~/, '');
      for (const name of k.text === 'mask' ? ['nfmask', 'ctmask'] : [k.text]) r.tgt(name, [value], k, vv);
      r.advance(2);
    }
  } else if (op && v && /^(set|xset|and|or|xor)$/.test(op.text)) {
    r.tgt('set-xmark', [markListArg(op.text, v.text)], tk, v);
    r.advance(3);
  } else return false; // unknown text, with the words after it
  return true;
}

/** `to:A[:P]`, `random`, `persistent`, `random-fully`, `masq ports: P`, `redir ports P`. */
function readNat(r: TargetCursor, tk: WTok, w: string, tname: string): boolean {
  if (!NAT_TARGETS.has(tname)) return false;
  if (w.startsWith('to:')) {
    r.tgt(tname === 'DNAT' ? 'to-destination' : tname === 'NETMAP' ? 'to' : 'to-source', [w.slice(3)], tk, tk);
    r.advance(1);
    return true;
  }
  if (w === 'random' || w === 'persistent' || w === 'random-fully') {
    r.tgt(w, [], tk, tk);
    r.advance(1);
    return true;
  }
  const ports = r.peek(2);
  const portsWord = w === 'masq' && tname === 'MASQUERADE' ? 'ports:' : w === 'redir' && tname === 'REDIRECT' ? 'ports' : undefined;
  if (portsWord === undefined || r.peek(1)?.text !== portsWord || !ports) return false;
  r.tgt('to-ports', [ports.text], tk, ports);
  r.advance(3);
  return true;
}

const LOG_FLAGS: [number, string][] = [[1, 'log-tcp-sequence'], [2, 'log-tcp-options'], [4, 'log-ip-options'], [8, 'log-uid'], [32, 'log-macdecode']];

/** `LOG flags F level L prefix "text with spaces"`. */
function readLog(r: TargetCursor, tk: WTok, w: string, tname: string): boolean {
  if (!(w === 'LOG' && tname === 'LOG')) return false;
  r.advance(1);
  const lastQuote = r.lastIndexOf('"');
  for (let p = r.peek(), v = r.peek(1); p && v; p = r.peek(), v = r.peek(1)) {
    if (p.text === 'flags') {
      const f = Number(v.text);
      for (const [bit, nm] of LOG_FLAGS) if (f & bit) r.tgt(nm, [], p, v);
      r.advance(2);
    } else if (p.text === 'level') {
      if (v.text !== '4' && v.text !== 'warning') r.tgt('log-level', [v.text], p, v);
      r.advance(2);
    } else if (p.text === 'prefix') {
      const q = p.end < lastQuote ? r.line.indexOf('"', p.end) : -1;
      const qe = q >= 0 && q < lastQuote ? r.line.indexOf('"', q + 1) : -1;
      if (q < 0 || qe < 0) {
        r.tgt('log-prefix', [v.text], p, v);
        r.advance(2);
      } else {
        r.tgt('log-prefix', [r.line.slice(q + 1, qe)], p, { text: '"', start: qe, end: qe + 1 });
        r.skipTo(qe);
      }
    } else break;
  }
  return true;
}

/** `TCPMSS clamp to PMTU`, `TCPMSS set N`. */
function readTcpmss(r: TargetCursor, tk: WTok, w: string, tname: string): boolean {
  if (!(w === 'TCPMSS' && tname === 'TCPMSS')) return false;
  const a = r.peek(1);
  const b = r.peek(2);
  const c = r.peek(3);
  if (a?.text === 'clamp' && b?.text === 'to' && c?.text === 'PMTU') {
    r.tgt('clamp-mss-to-pmtu', [], tk, c);
    r.advance(4);
  } else if (a?.text === 'set' && b) {
    r.tgt('set-mss', [b.text], tk, b);
    r.advance(3);
  } else return false; // unknown text, with the words after it
  return true;
}

const CT_VALUE_WORDS = new Set(['zone', 'helper', 'timeout', 'ctevents', 'expevents', 'zone-orig', 'zone-reply']);

/** `NOTRACK` after target CT (iptables-nft's rendering of `-j NOTRACK`), `CT notrack`, `CT zone N`, `CT helper H`. */
function readCt(r: TargetCursor, tk: WTok, w: string, tname: string): boolean {
  if (tname !== 'CT') return false;
  const target = r.target;
  if (w === 'NOTRACK' && target && target.options.length === 0) {
    target.name = 'NOTRACK';
    r.advance(1);
    return true;
  }
  if (w !== 'CT') return false;
  r.advance(1);
  for (let p = r.peek(); p; p = r.peek()) {
    const v = r.peek(1);
    if (p.text === 'notrack') {
      r.tgt('notrack', [], p, p);
      r.advance(1);
    } else if (CT_VALUE_WORDS.has(p.text) && v) {
      r.tgt(p.text, [v.text], p, v);
      r.advance(2);
    } else break;
  }
  return true;
}

const NFQUEUE_VALUE_WORDS = new Map([['num', 'queue-num'], ['balance', 'queue-balance']]);
const NFQUEUE_FLAG_WORDS = new Map([['bypass', 'queue-bypass'], ['cpu-fanout', 'queue-cpu-fanout']]);

/** `NFQUEUE num N balance a:b bypass cpu-fanout`. */
function readNfqueue(r: TargetCursor, tk: WTok, w: string, tname: string): boolean {
  if (!(w === 'NFQUEUE' && tname === 'NFQUEUE')) return false;
  r.advance(1);
  for (let p = r.peek(); p; p = r.peek()) {
    const v = r.peek(1);
    const valueOpt = NFQUEUE_VALUE_WORDS.get(p.text);
    const flagOpt = NFQUEUE_FLAG_WORDS.get(p.text);
    if (valueOpt && v) {
      r.tgt(valueOpt, [v.text], p, v);
      r.advance(2);
    } else if (flagOpt) {
      r.tgt(flagOpt, [], p, p);
      r.advance(1);
    } else break;
  }
  return true;
}

/** `TPROXY redirect A:P [mark V/M]`. */
function readTproxy(r: TargetCursor, tk: WTok, w: string, tname: string): boolean {
  const v = r.peek(2);
  if (!(w === 'TPROXY' && tname === 'TPROXY' && r.peek(1)?.text === 'redirect' && v)) return false;
  const c = v.text.lastIndexOf(':');
  r.tgt('on-port', [v.text.slice(c + 1)], v, v);
  r.tgt('on-ip', [c > 0 ? v.text.slice(0, c) : '0.0.0.0'], v, v);
  r.advance(3);
  const mark = r.peek();
  const mv = r.peek(1);
  if (mark?.text === 'mark' && mv) {
    r.tgt('tproxy-mark', [mv.text], mark, mv);
    r.advance(2);
  }
  return true;
}

/** `[goto]`: the rule used -g. */
function readGoto(r: TargetCursor, tk: WTok, w: string): boolean {
  if (!(w === '[goto]' && r.target)) return false;
  r.target.goto = true;
  r.advance(1);
  return true;
}

/** `reject-with T`. */
function readReject(r: TargetCursor, tk: WTok, w: string, tname: string): boolean {
  const v = r.peek(1);
  if (!(w === 'reject-with' && tname === 'REJECT' && v)) return false;
  r.tgt('reject-with', [v.text], tk, v);
  r.advance(2);
  return true;
}

const TARGET_READERS: TargetReader[] = [readGoto, readReject, readMark, readNat, readLog, readTcpmss, readCt, readNfqueue, readTproxy];

/** Reads target text at word `w`; `tname` is the rule's target as the listing named it. */
export function readTargetText(r: TargetCursor, tk: WTok, w: string, tname: string): boolean {
  for (const read of TARGET_READERS) if (read(r, tk, w, tname)) return true;
  return false;
}
