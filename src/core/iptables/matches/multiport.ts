/** -m multiport (libxt_multiport.c): up to 15 ports/ranges. -nvL: "multiport dports 80,443" ("multiport dports  !80"). */
import type { MatchModule } from './types';
import { o } from './types';
import { arg, either, not, portListIn, portWords } from './util';

export const multiport: MatchModule = {
  name: 'multiport',
  options: [o('sports', 1, 'ports', ['source-ports']), o('dports', 1, 'ports', ['destination-ports']), o('ports', 1, 'ports')],
  needs: '*',
  summary: 'a list of up to 15 ports or ranges',
  list: {
    words: ['multiport'],
    read(r, t, neg) {
      const key = r.peek(1);
      if (!key || !/^(dports|sports|ports)$/.test(key.text)) return false;
      const nv = r.negatedValue(2, neg);
      if (!nv) return false;
      const v = nv.v.text;
      r.add(r.match('multiport', t, false), key.text, [v.replace(/^!/, '')], nv.ng || v.startsWith('!'), key, nv.v);
      r.advance(nv.adv);
      return true;
    },
  },
  evalOption(opt, p) {
    // multiport resolves service names for the rule's protocol only (getservbyname with -p's name).
    const a = arg(opt);
    const name = opt.name === 'destination-ports' ? 'dports' : opt.name === 'source-ports' ? 'sports' : opt.name;
    if (name === 'dports') return portListIn(a, p.dport, p.proto);
    if (name === 'sports') return portListIn(a, p.sport, p.proto);
    return either(portListIn(a, p.dport, p.proto), portListIn(a, p.sport, p.proto));
  },
  hover(opt) {
    if (opt.name === 'dports') return `${not(opt)}to destination ${portWords(arg(opt))}`;
    if (opt.name === 'sports') return `${not(opt)}from source ${portWords(arg(opt))}`;
    return `${not(opt)}with source or destination ${portWords(arg(opt))}`;
  },
};
