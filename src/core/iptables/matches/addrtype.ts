/**
 * -m addrtype (libxt_addrtype.c): the kind of source/destination address in this namespace (LOCAL, BROADCAST,
 * MULTICAST, UNICAST, …). -nvL: "ADDRTYPE match dst-type LOCAL limit-in".
 */
import type { MatchModule } from './types';
import { o } from './types';
import { addrTypes, arg, not, yes } from './util';

export const addrtype: MatchModule = {
  name: 'addrtype',
  options: [o('src-type', 1, 'addrtype'), o('dst-type', 1, 'addrtype'), o('limit-iface-in', 0), o('limit-iface-out', 0)],
  needs: ['src-type', 'dst-type'],
  summary: 'kind of address (LOCAL, BROADCAST, …) in this namespace',
  list: {
    words: ['ADDRTYPE'],
    read(r, t) {
      if (r.peek(1)?.text !== 'match') return false;
      const m = r.match('addrtype', t, false);
      r.advance(2);
      for (;;) {
        const p = r.peek();
        if (!p) break;
        if ((p.text === 'src-type' || p.text === 'dst-type') && r.peek(1)) {
          const v = r.peek(1) as NonNullable<ReturnType<typeof r.peek>>;
          let a = v.text.replace(/^!/, '');
          let ng = v.text.startsWith('!');
          let end = v;
          const after = r.peek(2);
          if (a === '' && after) {
            end = after;
            a = after.text;
            ng = true;
            r.advance(1);
          }
          r.add(m, p.text, [a], ng, p, end);
          r.advance(2);
        } else if (p.text === 'limit-in' || p.text === 'limit-out') {
          r.add(m, p.text === 'limit-in' ? 'limit-iface-in' : 'limit-iface-out', [], false, p, p);
          r.advance(1);
        } else break;
      }
      return true;
    },
  },
  evalMatch(m, p, env) {
    // --limit-iface-in/out restrict the lookup to the packet's incoming/outgoing interface.
    const limitIn = m.options.some((x) => x.name === 'limit-iface-in');
    const limitOut = m.options.some((x) => x.name === 'limit-iface-out');
    const limit = limitIn ? p.inIface : limitOut ? p.outIface : undefined;
    if ((limitIn || limitOut) && limit === undefined) return '-m addrtype --limit-iface (interface unknown)';
    for (const opt of m.options) {
      if (opt.name !== 'src-type' && opt.name !== 'dst-type') continue;
      const ip = opt.name === 'dst-type' ? p.dst : p.src;
      const types = addrTypes(ip, env, limit);
      if (types.has('UNSPEC')) return `addrtype of non-IPv4 address ${ip}`;
      const hit = arg(opt).toUpperCase().split(',').some((w) => types.has(w));
      if (hit === opt.negated) return 'no';
    }
    return yes(true);
  },
  hover(opt) {
    if (opt.name === 'dst-type') return `${not(opt)}addressed to a ${arg(opt).toLowerCase()} address of this host`;
    if (opt.name === 'src-type') return `${not(opt)}coming from a ${arg(opt).toLowerCase()} address of this host`;
    return opt.name.startsWith('limit-iface') ? '' : undefined;
  },
};
