/** -m string (libxt_string.c): a string in the payload. Not decided offline: the payload is not traced. */
import type { MatchModule } from './types';
import { o } from './types';

export const string: MatchModule = {
  name: 'string',
  options: [o('algo', 1), o('from', 1, 'int'), o('to', 1, 'int'), o('string', 1), o('hex-string', 1), o('icase', 0)],
  needs: ['string', 'hex-string'],
  summary: "a string in the payload",
  evalOption: (opt) => `-m string --${opt.name} (the payload is not traced)`,
};
