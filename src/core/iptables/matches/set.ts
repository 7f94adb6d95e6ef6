/**
 * -m set (libxt_set.c): membership in an ipset, one direction flag per set dimension. -nvL:
 * "match-set NAME src,dst" ("! match-set …", then "return-nomatch", "! update-counters", "packets-gt 10", "! packets-eq 5").
 */
import type { MatchModule } from './types';
import { o } from './types';
import { asIpSet, testSet } from './ipset';
import { own } from './util';

const COUNTERS = ['packets-eq', 'packets-lt', 'packets-gt', 'bytes-eq', 'bytes-lt', 'bytes-gt'];

export const set: MatchModule = {
  name: 'set',
  options: [
    o('match-set', 2), o('return-nomatch', 0), o('update-counters', 0), o('update-subcounters', 0),
    ...COUNTERS.map((c) => o(c, 1, 'int')),
  ],
  needs: ['match-set'],
  summary: 'membership in an ipset',
  list: {
    words: ['match-set'],
    read(r, t, neg) {
      const a = r.peek(1);
      const b = r.peek(2);
      if (!a || !b) return false;
      const m = r.match('set', t, false);
      r.add(m, 'match-set', [a.text, b.text], neg, t, b);
      r.advance(3);
      for (;;) {
        const p = r.peek();
        const q = r.peek(1);
        if (p?.text === 'return-nomatch') {
          r.add(m, 'return-nomatch', [], false, p, p);
          r.advance(1);
        } else if (p?.text === '!' && q && /^update-(sub)?counters$/.test(q.text)) {
          r.add(m, q.text, [], true, p, q);
          r.advance(2);
        } else if (p && COUNTERS.includes(p.text) && q) {
          // "packets-gt 10", "bytes-lt 100"
          r.add(m, p.text, [q.text], false, p, q);
          r.advance(2);
        } else if (p?.text === '!' && q && COUNTERS.includes(q.text) && r.peek(2)) {
          // "! packets-eq 5" (--packets-eq is the only one iptables negates)
          const v = r.peek(2) as typeof q;
          r.add(m, q.text, [v.text], true, p, v);
          r.advance(3);
        } else break;
      }
      return true;
    },
  },
  evalMatch(m, p, env) {
    const ms = m.options.find((x) => x.name === 'match-set');
    if (!ms) return '-m set without --match-set';
    const counters = m.options.find((x) => COUNTERS.includes(x.name));
    if (counters) return `-m set --${counters.name} (the entry's counters are not in the dumps)`;
    const returnNomatch = m.options.some((x) => x.name === 'return-nomatch');
    const lookup = (n: string) => {
      const s = env.ipsets ? own(env.ipsets, n) : undefined;
      if (s === undefined) return undefined;
      // bare entry lists whose entries all name known sets are list:set (`add tk-list tk-allow`)
      if (Array.isArray(s) && s.length > 0 && s.every((e) => env.ipsets && own(env.ipsets, e.trim()) !== undefined && !/[.:/]/.test(e))) {
        return { type: 'list:set', entries: s.map((e) => ({ element: e.trim(), nomatch: false })) };
      }
      return asIpSet(s);
    };
    const r = testSet(ms.args[0] ?? '', ms.args[1] ?? 'src', p, lookup, returnNomatch).result;
    if (r !== 'yes' && r !== 'no') return r;
    return (r === 'yes') !== ms.negated ? 'yes' : 'no';
  },
  hover(opt) {
    if (opt.name !== 'match-set') return opt.name === 'return-nomatch' ? 'counting a nomatch entry as a match' : '';
    const flags = (opt.args[1] ?? 'src').split(',').join(' and ');
    return `whose ${flags} ${opt.negated ? 'is not' : 'is'} in ipset ${opt.args[0] ?? '?'}`;
  },
};
