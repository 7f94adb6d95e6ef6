/**
 * A case = a Docker layout + the user's rules (embedded in the dump, or given as a what-if file) + one flow.
 * The same case is rendered twice: what the kernel loads (iptables-restore text) and what the tracer reads (the
 * dump, and for what-if cases Docker's dump plus the user's file as the CLI's --what-if takes it).
 */
import { prng, type Rng } from '../prng';
import { genFlow, pick, type Flow } from './flows';
import { dockerDump, LAYOUTS, type LayoutName, type UserPlacement } from './layouts';
import { genMangle, genUserRules, type UserRules } from './rules';

export type FileStyle = 'S' | 'commands' | 'save';

export interface Case {
  id: number;
  seed: number;
  layout: LayoutName;
  flow: Flow;
  user: UserRules;
  /** Embedded in the dump (before / after Docker's RETURN), or a what-if file in the given style. */
  mode: { kind: 'embedded'; placement: Exclude<UserPlacement, 'none'> } | { kind: 'what-if'; style: FileStyle };
  /** A mangle table (iptables-save lines) the user added, in both the kernel's and the tracer's dump. */
  mangle?: string[];
}

export interface Rendered {
  /** iptables-restore input for the router (the TRACE rule is added by the bed). */
  kernel: string;
  /** The dump the tracer reads. */
  dump: string;
  /** The what-if file (what-if cases only). */
  whatIf?: string;
}

/** Cases of one run: case i depends only on (seed, i), so any case can be re-run alone. */
export function genCase(seed: number, id: number): Case {
  const rng: Rng = prng((seed * 1_000_003 + id * 7919) >>> 0);
  const sport = 20000 + ((seed % 997) * 41 + id) % 40000;
  const flow = genFlow(rng, sport);
  const layout = pick(rng, LAYOUTS);
  const mode: Case['mode'] = rng() < 0.35 ? { kind: 'what-if', style: pick(rng, ['S', 'commands', 'save'] as const) } : { kind: 'embedded', placement: rng() < 0.9 ? 'before-return' : 'after-return' };
  const user = genUserRules(rng, flow, mode.kind === 'what-if');
  const mangle = rng() < 0.15 ? genMangle(rng, flow) : undefined;
  if (mangle) user.features.add('mangle-mark');
  return { id, seed, layout, flow, user, mode, mangle };
}

function declsAndRules(u: UserRules): { decls: string[]; rules: string[] } {
  return {
    decls: u.chains.slice(1).map((c) => `:${c.name} - [0:0]`),
    rules: u.chains.flatMap((c) => c.rules.map((r) => `-A ${c.name} ${r}`)),
  };
}

/** The user's rules as a file people write: `iptables -S` lines, shell commands (some -I), or an iptables-save fragment. */
export function whatIfFile(u: UserRules, style: FileStyle): string {
  const { rules } = declsAndRules(u);
  const news = u.chains.slice(1).map((c) => c.name);
  if (style === 'S') return [...news.map((n) => `-N ${n}`), ...rules, ''].join('\n');
  if (style === 'save') return ['*filter', ':DOCKER-USER - [0:0]', ...news.map((n) => `:${n} - [0:0]`), ...rules, 'COMMIT', ''].join('\n');
  // Shell style: DOCKER-USER's rules inserted at the top in reverse order (each -I lands first), the rest appended.
  const du = u.chains[0].rules;
  const lines = ['#!/bin/sh', ...news.map((n) => `iptables -N ${n}`)];
  lines.push(...[...du].reverse().map((r) => `iptables -I DOCKER-USER ${r}`));
  for (const c of u.chains.slice(1)) lines.push(...c.rules.map((r) => `iptables -A ${c.name} ${r}`));
  return [...lines, ''].join('\n');
}

/** What-if in the kernel: Docker's dump, then DOCKER-USER flushed and the file's commands applied in the filter table. */
function kernelWhatIf(base: string, file: string): string {
  const cmds: string[] = ['-F DOCKER-USER'];
  for (const raw of file.split('\n')) {
    const l = raw.trim().replace(/^iptables\s+/, '');
    if (!l || l.startsWith('#') || l === '*filter' || l === 'COMMIT' || l === ':DOCKER-USER - [0:0]') continue;
    const decl = /^:(\S+) - \[0:0\]$/.exec(l);
    cmds.push(decl ? `-N ${decl[1]}` : l);
  }
  const at = base.lastIndexOf('COMMIT');
  return `${base.slice(0, at)}${cmds.join('\n')}\n${base.slice(at)}`;
}

export function renderCase(c: Case): Rendered {
  const mangle = c.mangle ? `${c.mangle.join('\n')}\n` : '';
  if (c.mode.kind === 'embedded') {
    const dump = mangle + dockerDump(c.layout, declsAndRules(c.user), c.mode.placement);
    return { kernel: dump, dump };
  }
  const dump = mangle + dockerDump(c.layout);
  const whatIf = whatIfFile(c.user, c.mode.style);
  return { kernel: kernelWhatIf(dump, whatIf), dump, whatIf };
}

export function describeCase(c: Case): string {
  const mode = c.mode.kind === 'what-if' ? `what-if (${c.mode.style})` : `embedded ${c.mode.placement}`;
  return `case ${c.id} (seed ${c.seed}) layout ${c.layout}, ${mode}${c.user.template ? `, template ${c.user.template}` : ''}`;
}
