/** -m ah (libxt_ah.c): --ahspi spi[:spi]. -nvL: "ah spi:N" / "spis:a:b". The SPI is not known offline. */
import type { MatchModule } from './types';
import { o } from './types';

export const ah: MatchModule = {
  name: 'ah',
  protocol: true,
  options: [o('ahspi', 1)],
  summary: 'AH security parameter index (loaded by -p ah)',
  list: {
    words: ['ah'],
    read(r, t) {
      const m = r.match('ah', t, false);
      r.advance(1);
      const p = r.peek();
      if (p && /^spis?:/.test(p.text)) {
        const v = p.text.slice(p.text.indexOf(':') + 1);
        r.add(m, 'ahspi', [v.replace(/^!/, '')], v.startsWith('!'), p, p);
        r.advance(1);
      }
      return true;
    },
  },
  evalOption: (opt) => `-m ah --${opt.name} (the packet's SPI is not known offline)`,
};
