/**
 * Reads `xtables-monitor --trace` (iptables-nft 1.8.x) in the router namespace: every packet that passes the raw
 * PREROUTING `-j TRACE` rule gets one line per rule it matched, chain return and policy, e.g.
 *   PACKET: 2 b997583a IN=eth0 OUT=docker0 ... SRC=198.18.100.2 DST=172.17.0.2 LEN=60 ... SPORT=36632 DPORT=80 SYN
 *    TRACE: 2 b997583a filter:DOCKER-USER:rule:0x11:JUMP:C  -4 -t filter -A DOCKER-USER -j C
 *    TRACE: 2 b997583a filter:B:rule:0xd:0xfffffffb  -4 -t filter -A B -p tcp -m multiport --dports 80,443 -j RETURN
 *    TRACE: 2 b997583a nat:POSTROUTING:policy:ACCEPT
 * The id is the kernel's per-skb trace id and is reused by later packets, so a packet ("session") starts at the
 * event of the TRACE rule itself.
 */

export interface TraceEvent {
  table: string;
  chain: string;
  type: 'rule' | 'policy' | 'return';
  /** ACCEPT, DROP, CONTINUE, JUMP:X, GOTO:X, 0xfffffffb (= RETURN) ... */
  verdict: string;
  /** The rule as iptables-save prints it (`-A CHAIN ...`), rule events only. */
  rule?: string;
}

export interface TracedPacket {
  id: string;
  header: Record<string, string>;
  flags: string[];
  events: TraceEvent[];
}

const TRACE_RULE = /^-A PREROUTING -j TRACE$/;

export class TraceStream {
  readonly packets: TracedPacket[] = [];
  private readonly open = new Map<string, TracedPacket>();
  private readonly lastHeader = new Map<string, { header: Record<string, string>; flags: string[] }>();
  private partial = '';
  private waiters: (() => void)[] = [];

  feed(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) this.line(l);
    if (lines.length) for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when new lines arrived (or after ms). */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => (clearTimeout(t), resolve()));
    });
  }

  clear(): void {
    this.packets.length = 0;
    this.open.clear();
  }

  private line(l: string): void {
    const pk = /^PACKET: \d+ ([0-9a-f]+) (.*)$/.exec(l.trim());
    if (pk) {
      const header: Record<string, string> = {};
      const flags: string[] = [];
      for (const w of pk[2].trim().split(/\s+/)) {
        const kv = /^([A-Z]+)=(.*)$/.exec(w);
        if (kv) header[kv[1]] = kv[2];
        else flags.push(w);
      }
      this.lastHeader.set(pk[1], { header, flags });
      return;
    }
    const tr = /^TRACE: \d+ ([0-9a-f]+) ([^:\s]+):([^:\s]+):(rule|policy|return):?(\S*)(?:\s+-4 -t \S+ (.*))?$/.exec(l.trim());
    if (!tr) return;
    const [, id, table, chain, type, rest, rule] = tr;
    const verdict = type === 'rule' ? rest.replace(/^0x[0-9a-f]+:/, '') : rest;
    const ev: TraceEvent = { table, chain, type: type as TraceEvent['type'], verdict, rule: rule?.trim() };
    if (table === 'raw' && chain === 'PREROUTING' && ev.rule !== undefined && TRACE_RULE.test(ev.rule)) {
      const h = this.lastHeader.get(id) ?? { header: {}, flags: [] };
      const p: TracedPacket = { id, header: h.header, flags: h.flags, events: [] };
      this.packets.push(p);
      this.open.set(id, p);
      return;
    }
    this.open.get(id)?.events.push(ev);
  }
}

/** The first traced packet with this header (addresses and ports as the router received it). */
export function findPacket(ps: TracedPacket[], m: { src?: string; dst?: string; sport?: number; dport?: number }, after?: TracedPacket): TracedPacket | undefined {
  const start = after ? ps.indexOf(after) + 1 : 0;
  return ps.slice(start).find((p) => (m.src === undefined || p.header.SRC === m.src) && (m.dst === undefined || p.header.DST === m.dst) && (m.sport === undefined || p.header.SPORT === String(m.sport)) && (m.dport === undefined || p.header.DPORT === String(m.dport)));
}

/** A packet's fate from its events: the first DROP verdict (with its rule), else accepted. */
export function fateOf(p: TracedPacket): { verdict: 'ACCEPT' | 'DROP' | 'REJECT'; by?: TraceEvent } {
  const d = p.events.find((e) => e.verdict === 'DROP');
  if (!d) return { verdict: 'ACCEPT' };
  return { verdict: d.rule && / -j REJECT\b/.test(d.rule) ? 'REJECT' : 'DROP', by: d };
}
