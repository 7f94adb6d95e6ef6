/**
 * -m geoip (xtables-addons, libxt_geoip.c): the packet's source or destination country, from a GeoIP database
 * loaded into the kernel. Not decided offline: the database is not read.
 */
import type { MatchModule } from './types';
import { o } from './types';

export const geoip: MatchModule = {
  name: 'geoip',
  options: [o('source-country', 1, 'any', ['src-cc']), o('destination-country', 1, 'any', ['dst-cc'])],
  summary: "the source or destination address's country (xtables-addons GeoIP database)",
  evalOption: (opt) => `-m geoip --${opt.name} (the GeoIP database is not read)`,
  hover: (opt) => `${opt.negated ? 'not ' : ''}from/to the countries ${opt.args[0] ?? ''} (${opt.name === 'source-country' ? 'source' : 'destination'}, xtables-addons GeoIP)`,
};
