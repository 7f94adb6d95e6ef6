/** What esp and ah (libxt_esp.c, libxt_ah.c) share: --<name>spi spi[:spi], -nvL "<name> spi:N" / "spis:a:b". */
import type { MatchModule } from './types';
import { o } from './types';

export function spiModule(name: 'esp' | 'ah'): MatchModule {
  const option = `${name}spi`;
  return {
    name,
    protocol: true,
    options: [o(option, 1)],
    summary: `${name.toUpperCase()} security parameter index (loaded by -p ${name})`,
    list: {
      words: [name],
      read(r, t) {
        const m = r.match(name, t, false);
        r.advance(1);
        const p = r.peek();
        if (p && /^spis?:/.test(p.text)) {
          const v = p.text.slice(p.text.indexOf(':') + 1);
          r.add(m, option, [v.replace(/^!/, '')], v.startsWith('!'), p, p);
          r.advance(1);
        }
        return true;
      },
    },
    evalOption: (opt) => `-m ${name} --${opt.name} (the packet's SPI is not known offline)`,
  };
}
