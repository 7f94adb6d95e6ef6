/** -m limit (libxt_limit.c): a token-bucket rate. -nvL: "limit: avg 3/min burst 5" (burst 5 is the default). */
import type { MatchModule } from './types';
import { o } from './types';
import { arg } from './util';

export const limit: MatchModule = {
  name: 'limit',
  options: [o('limit', 1), o('limit-burst', 1, 'int')],
  summary: 'a rate limit (token bucket)',
  list: {
    words: ['limit:'],
    read(r, t) {
      const v = r.peek(2);
      if (r.peek(1)?.text !== 'avg' || !v) return false;
      const m = r.match('limit', t, false);
      r.add(m, 'limit', [v.text], false, t, v);
      r.advance(3);
      const b = r.peek(1);
      const kw = r.peek();
      if (kw?.text === 'burst' && b) {
        if (b.text !== '5') r.add(m, 'limit-burst', [b.text], false, kw, b);
        r.advance(2);
      }
      return true;
    },
  },
  evalOption: (opt) => (opt.name === 'limit' ? `-m limit --limit ${arg(opt)} (matches while the rate is under the limit: depends on traffic)` : 'yes'),
  hover: (opt) => (opt.name === 'limit' ? `at a rate of at most ${arg(opt)}` : `with bursts of up to ${arg(opt)}`),
};
