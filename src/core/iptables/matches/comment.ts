/** -m comment (libxt_comment.c): a text that always matches. -nvL: "/* text *\/". */
import type { MatchModule } from './types';
import { o } from './types';

export const comment: MatchModule = {
  name: 'comment',
  options: [o('comment', 1)],
  needs: ['comment'],
  summary: 'a comment (always matches)',
  list: {
    words: ['/*'],
    read(r, t) {
      const line = r.line;
      const close = t.end <= r.lastIndexOf('*/') ? line.indexOf('*/', t.end) : -1;
      if (close < 0) return false;
      let body = line.slice(t.end, close);
      if (body.startsWith(' ')) body = body.slice(1);
      if (body.endsWith(' ')) body = body.slice(0, -1);
      r.add(r.match('comment', t, false), 'comment', [body], false, t, { text: '*/', start: close, end: close + 2 });
      while (r.peek() && (r.peek()?.start ?? Infinity) < close + 2) r.advance(1);
      return true;
    },
  },
  evalOption: () => 'yes',
  hover: () => '',
};
