/** -m bpf (libxt_bpf.c): a BPF program. Not decided offline: BPF programs are not run offline. */
import type { MatchModule } from './types';
import { o } from './types';

export const bpf: MatchModule = {
  name: 'bpf',
  options: [o('bytecode', 1, 'bpf'), o('object-pinned', 1)],
  summary: "a BPF program",
  evalOption: (opt) => `-m bpf --${opt.name} (BPF programs are not run offline)`,
};
