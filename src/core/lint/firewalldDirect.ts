/**
 * firewalld's direct interface: `firewall-cmd [--permanent] --direct --add-rule ipv4 filter DOCKER-USER 0 -s … -j
 * ACCEPT` adds an iptables rule to a chain. firewalld keeps its direct rules of a chain ordered by priority (lower
 * first; equal priorities in the order they were added) and inserts each at its place among them, at the top of the
 * chain: above Docker's own RETURN. A builtin chain's direct rules go to firewalld's chain for it (`POSTROUTING_direct`,
 * jumped to from POSTROUTING: moby#33726 shows them after Docker's MASQUERADE). Each such line is read as the `iptables -t TABLE -I CHAIN N …` firewalld runs
 * (`--remove-rule` as `-D`, `--add-chain` as `-N`, `--passthrough ipv4 …` as the iptables command it passes). Line
 * numbers stay: findings land on the firewall-cmd line.
 *
 * `--permanent` rules reach the running firewall at the next reload. A text that also adds rules to the running
 * firewall (docs give both forms) is read by those; else by the permanent ones.
 */
import type { Expanded } from './shellFunctions';

const LINE = /^(\s*(?:sudo\s+)?)(?:\S*\/)?firewall-cmd\s(.*)$/;
const FAMILY: Record<string, string> = { ipv4: 'iptables', ipv6: 'ip6tables' };
const BUILTIN = new Set(['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING']);

interface DirectLine {
  line: number;
  prefix: string;
  permanent: boolean;
  action: string;
  words: string[];
  rest: string;
}

/** `--permanent --direct --add-rule ipv4 filter X 0 -j DROP` → its action and the words after it. */
function directLine(text: string, line: number): DirectLine | undefined {
  const m = LINE.exec(text);
  if (!m || !/(?:^|\s)--direct(?:\s|$)/.test(m[2])) return undefined;
  const a = /(?:^|\s)--(add-rule|remove-rule|add-chain|passthrough)\s+(.*)$/.exec(m[2]);
  if (!a) return undefined;
  const before = m[2].slice(0, a.index);
  // the rule's words, up to a shell operator or comment after it
  const rest = a[2].replace(/\s+(?:&&|\|\||;|#|2?>).*$/, '');
  return { line, prefix: m[1], permanent: /(?:^|\s)--permanent(?:\s|$)/.test(before), action: a[1], words: rest.split(/\s+/), rest };
}

/** The iptables command a direct line runs (positions from the chain's priorities so far), or '' when none. */
function iptablesCommand(d: DirectLine, order: Map<string, number[]>): string {
  const bin = FAMILY[d.words[0]];
  if (!bin) return '';
  if (d.action === 'passthrough') return `${bin} ${d.words.slice(1).join(' ')}`;
  const [, table, named, prio] = d.words;
  if (!table || !named) return '';
  // a builtin chain's direct rules go to firewalld's own `FORWARD_direct` (moby#33726: after Docker's rules)
  const chain = BUILTIN.has(named) ? `${named}_direct` : named;
  if (d.action === 'add-chain') return `${bin} -t ${table} -N ${chain}`;
  const args = d.words.slice(4).join(' ');
  const key = `${bin} ${table} ${chain}`;
  const list = order.get(key) ?? [];
  order.set(key, list);
  const p = Number(prio);
  if (!/^-?\d+$/.test(prio ?? '')) return '';
  if (d.action === 'remove-rule') {
    const at = list.indexOf(p);
    if (at >= 0) list.splice(at, 1);
    return `${bin} -t ${table} -D ${chain} ${args}`;
  }
  // after every rule of a lower or equal priority
  let pos = 0;
  while (pos < list.length && list[pos] <= p) pos++;
  list.splice(pos, 0, p);
  return `${bin} -t ${table} -I ${chain} ${pos + 1} ${args}`;
}

/** The text with firewalld's direct lines read as the iptables commands they run, or undefined when it has none. */
export function expandFirewalldDirect(text: string): Expanded | undefined {
  if (!text.includes('firewall-cmd') || !text.includes('--direct')) return undefined;
  const lines = text.split('\n');
  const direct = lines.map(directLine).filter((d): d is DirectLine => d !== undefined);
  if (!direct.length) return undefined;
  const runtime = direct.some((d) => !d.permanent);
  const out = [...lines];
  const rewritten = new Set<number>();
  const order = new Map<string, number[]>();
  for (const d of direct) {
    out[d.line] = d.permanent === !runtime ? `${d.prefix}${iptablesCommand(d, order)}` : '';
    rewritten.add(d.line);
  }
  return { text: out.join('\n'), rewritten, calls: new Set() };
}
