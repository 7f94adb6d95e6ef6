/** -m length (libxt_length.c): the IP packet length, n or a:b. -nvL: "length 0:100" ("length !64"). */
import type { MatchModule } from './types';
import { o } from './types';
import { arg, not } from './util';

export const length: MatchModule = {
  name: 'length',
  options: [o('length', 1)],
  needs: ['length'],
  summary: 'the IP packet length',
  list: {
    words: ['length'],
    read(r, t, neg) {
      const v = r.peek(1);
      if (!v) return false;
      r.add(r.match('length', t, false), 'length', [v.text.replace(/^!/, '')], neg || v.text.startsWith('!'), t, v);
      r.advance(2);
      return true;
    },
  },
  evalOption: (opt) => `-m length --length ${arg(opt)} (the packet's length is not traced)`,
  hover: (opt) => `${not(opt)}of length ${arg(opt).replace(':', '–')} bytes`,
};
