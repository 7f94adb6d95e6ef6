/** -m mark (libxt_mark.c): the packet's firewall mark, value[/mask]. -nvL: "mark match 0x100/0xff00" ("! 0x1"). */
import type { ListReader, ListToken, MatchModule } from './types';
import { o } from './types';
import { arg, not, parseValueMask, yes } from './util';

/** "mark match [!] v" / "connmark match [!] v". */
export function readMarkList(module: string, r: ListReader, t: ListToken, neg: boolean): boolean {
  if (r.peek(1)?.text !== 'match') return false;
  const nv = r.negatedValue(2, neg);
  if (!nv) return false;
  r.add(r.match(module, t, false), 'mark', [nv.v.text], nv.ng, t, nv.v);
  r.advance(nv.adv);
  return true;
}

export const mark: MatchModule = {
  name: 'mark',
  options: [o('mark', 1, 'mark')],
  needs: ['mark'],
  summary: "the packet's firewall mark",
  list: { words: ['mark'], read: (r, t, neg) => readMarkList('mark', r, t, neg) },
  evalOption(opt, p) {
    const { value, mask } = parseValueMask(arg(opt) || '0');
    return yes(((p.mark & mask) >>> 0) === value);
  },
  hover: (opt) => `${not(opt)}with mark ${arg(opt)}`,
};
