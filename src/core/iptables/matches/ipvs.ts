/** -m ipvs (libxt_ipvs.c): packets IPVS handled, their virtual service. -nvL: "ipvs vaddr 10.0.0.2 vport 80". */
import type { MatchModule } from './types';
import { o } from './types';
import { addrMatches, arg, portIn, yes } from './util';
import { protocolName } from '../../net';

export const ipvs: MatchModule = {
  name: 'ipvs',
  options: [o('ipvs', 0), o('vproto', 1), o('vaddr', 1, 'addr'), o('vport', 1, 'port'), o('vdir', 1), o('vmethod', 1), o('vportctl', 1, 'port')],
  summary: 'packets handled by IPVS (the routing mesh load balancer)',
  list: {
    words: ['ipvs', 'vproto', 'vaddr', 'vport', 'vdir', 'vmethod', 'vportctl'],
    read(r, t, neg) {
      const m = r.match('ipvs', t, true);
      if (t.text === 'ipvs') {
        r.add(m, 'ipvs', [], neg, t, t);
        r.advance(1);
        return true;
      }
      return r.peek(1) !== undefined && r.keywordValue(m, t.text, t, neg);
    },
  },
  evalOption(opt, p) {
    if (opt.name === 'ipvs') return yes(p.ipvs);
    if (!p.ipvs) return 'no';
    const info = p.ipvsInfo;
    switch (opt.name) {
      case 'vaddr': {
        if (!info?.vaddr) return 'ipvs --vaddr (virtual address unknown)';
        const r = addrMatches(arg(opt), info.vaddr);
        return r === 'maybe' ? `ipvs --vaddr ${arg(opt)}` : r;
      }
      case 'vport':
        return info?.vport === undefined ? 'ipvs --vport (virtual port unknown)' : portIn(arg(opt), info.vport, 'any');
      case 'vproto':
        return yes(protocolName(arg(opt)) === (info?.vproto ?? p.proto));
      case 'vdir':
        return yes(arg(opt).toUpperCase() === p.ct.dir);
      case 'vmethod':
        return info?.method ? yes(arg(opt).toUpperCase() === info.method.toUpperCase()) : 'ipvs --vmethod (method unknown)';
      default:
        return `ipvs option --${opt.name}`;
    }
  },
};
