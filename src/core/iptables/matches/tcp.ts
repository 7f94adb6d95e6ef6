/** -m tcp (libxt_tcp.c): ports, --syn, --tcp-flags, --tcp-option. -nvL: "tcp spt:a dpt:b flags:0x17/0x02 option=2". */
import type { MatchModule } from './types';
import { o } from './types';
import { PORT_OPTIONS, evalPort, portHover, readPorts } from './l4';
import { arg, flagList, tcpFlagsOf, yes } from './util';

const TCP_FLAGS: [string, number][] = [['FIN', 1], ['SYN', 2], ['RST', 4], ['PSH', 8], ['ACK', 16], ['URG', 32]];

/** "0x17" → "FIN,SYN,RST,ACK" (the listing prints flags as numbers). */
export function flagNames(v: string): string {
  if (!v.startsWith('0x')) return v;
  const n = parseInt(v, 16);
  if (!Number.isFinite(n)) return v;
  if (n === 0) return 'NONE';
  return TCP_FLAGS.filter(([, b]) => n & b).map(([f]) => f).join(',');
}

export const tcp: MatchModule = {
  name: 'tcp',
  protocol: true,
  options: [...PORT_OPTIONS, o('tcp-flags', 2), o('syn', 0), o('tcp-option', 1, 'int')],
  summary: 'TCP ports and flags (loaded by -p tcp)',
  list: {
    words: ['tcp'],
    read: (r, t) =>
      readPorts(r, t, 'tcp', (key, raw, p) => {
        const m = r.match('tcp', t, true);
        const ng = raw.startsWith('!');
        const v = ng ? raw.slice(1) : raw;
        if (key === 'flags') {
          const slash = v.indexOf('/');
          r.add(m, 'tcp-flags', [flagNames(v.slice(0, slash < 0 ? v.length : slash)), flagNames(slash < 0 ? '' : v.slice(slash + 1))], ng, p, p);
        } else if (p.text.startsWith('option=')) {
          const w = p.text.slice(7);
          r.add(m, 'tcp-option', [w.replace(/^!/, '')], w.startsWith('!'), p, p);
        } else return false;
        r.advance(1);
        return true;
      }),
  },
  evalOption(opt, p) {
    const port = evalPort(opt, p, 'tcp');
    if (port !== undefined) return port;
    const f = tcpFlagsOf(p);
    if (opt.name === 'syn') return yes(f.has('SYN') && !f.has('ACK') && !f.has('RST') && !f.has('FIN'));
    if (opt.name === 'tcp-flags') {
      const comp = new Set(flagList(arg(opt, 1)));
      return yes(flagList(arg(opt)).every((fl) => f.has(fl) === comp.has(fl)));
    }
    return `-m tcp --${opt.name} (TCP options of the packet unknown)`;
  },
  hover(opt) {
    if (opt.name === 'syn') return `${opt.negated ? 'without' : 'with'} only SYN set (new TCP connections)`;
    if (opt.name === 'tcp-flags') return `${opt.negated ? 'not ' : ''}with TCP flags ${arg(opt, 1) || 'NONE'} set among ${arg(opt)}`;
    return portHover(opt);
  },
};
