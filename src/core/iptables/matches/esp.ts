/** -m esp (libxt_esp.c): --espspi spi[:spi]. -nvL: "esp spi:N" / "spis:a:b". The SPI is not known offline. */
import type { MatchModule } from './types';
import { o } from './types';

export const esp: MatchModule = {
  name: 'esp',
  protocol: true,
  options: [o('espspi', 1)],
  summary: 'ESP security parameter index (loaded by -p esp)',
  list: {
    words: ['esp'],
    read(r, t) {
      const m = r.match('esp', t, false);
      r.advance(1);
      const p = r.peek();
      if (p && /^spis?:/.test(p.text)) {
        const v = p.text.slice(p.text.indexOf(':') + 1);
        r.add(m, 'espspi', [v.replace(/^!/, '')], v.startsWith('!'), p, p);
        r.advance(1);
      }
      return true;
    },
  },
  evalOption: (opt) => `-m esp --${opt.name} (the packet's SPI is not known offline)`,
};
