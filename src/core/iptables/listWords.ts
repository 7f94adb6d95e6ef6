/** The words of an `iptables -nvL` listing line (whitespace-separated, with their offsets) and its counters. */

export interface WTok {
  text: string;
  start: number;
  end: number;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

/** The words of `s` from offset `from`, at most `max` of them. */
export function wsTokens(s: string, from = 0, max = Infinity): WTok[] {
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

/** The command line (after a prompt: `worker1:~# `, `$ `) that printed a listing: `iptables -L -n -v`, `sudo iptables -nvL`. */
export const LIST_COMMAND = /^(?:[^\s#$]*[#$]\s*)?(?:sudo\s+)?\S*ip6?tables\S*\s(?:.*\s)?(?:-[a-zA-Z]*L[a-zA-Z]*|--list)(?:\s|$)/;
