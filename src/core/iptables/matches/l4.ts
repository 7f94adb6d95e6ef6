/**
 * What the port-carrying protocol modules (tcp, udp, udplite, sctp, dccp; libxt_tcp.c, libxt_udp.c, …) share:
 * `--sport`/`--dport`, printed by -nvL as "tcp spt:1024 dpt:80" (dpts:a:b for ranges, "!" before the value).
 */
import type { RuleOption } from '../model';
import type { MatchPacket } from './packet';
import type { ListReader, ListToken, MatchModule, MatchResult, OptionSpec } from './types';
import { o } from './types';
import { arg, not, portIn, portWords, serviceLookup } from './util';

export const PORT_OPTIONS: OptionSpec[] = [o('sport', 1, 'port', ['source-port']), o('dport', 1, 'port', ['destination-port'])];

/** Reads "spt:", "dpt:", "spts:", "dpts:" and the extra words `more` accepts after the module name. */
export function readPorts(r: ListReader, t: ListToken, module: string, more?: (key: string, value: string, p: ListToken) => boolean): boolean {
  const m = r.match(module, t, false);
  r.advance(1);
  for (;;) {
    const p = r.peek();
    if (!p) break;
    const colon = p.text.indexOf(':');
    const key = colon > 0 ? p.text.slice(0, colon) : p.text;
    const raw = colon > 0 ? p.text.slice(colon + 1) : '';
    if (key === 'spt' || key === 'dpt' || key === 'spts' || key === 'dpts') {
      const ng = raw.startsWith('!');
      r.add(m, key.startsWith('s') ? 'sport' : 'dport', [ng ? raw.slice(1) : raw], ng, p, p);
      r.advance(1);
    } else if (!more || !more(key, raw, p)) break;
  }
  return true;
}

export function evalPort(o: RuleOption, p: MatchPacket, lookup: string): MatchResult | undefined {
  if (o.name === 'dport') return portIn(arg(o), p.dport, serviceLookup(lookup));
  if (o.name === 'sport') return portIn(arg(o), p.sport, serviceLookup(lookup));
  return undefined;
}

export function portHover(o: RuleOption): string | undefined {
  if (o.name === 'dport') return `${not(o)}to destination ${portWords(arg(o))}`;
  if (o.name === 'sport') return `${not(o)}from source ${portWords(arg(o))}`;
  return undefined;
}

/** A port protocol module (udp, udplite, dccp, sctp); `more` reads its listing words beyond the ports. */
export function portModule(name: string, lookup: string, extra: OptionSpec[] = [], more?: (r: ListReader, t: ListToken) => (key: string, value: string, p: ListToken) => boolean): MatchModule {
  return {
    name,
    protocol: true,
    options: [...PORT_OPTIONS, ...extra],
    summary: `${name.toUpperCase()} ports (loaded by -p ${name})`,
    list: { words: [name], read: (r, t) => readPorts(r, t, name, more?.(r, t)) },
    evalOption: (opt, p) => evalPort(opt, p, lookup) ?? `-m ${name} --${opt.name} (not evaluated offline)`,
    hover: portHover,
  };
}
