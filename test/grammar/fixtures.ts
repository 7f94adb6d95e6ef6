/** The real outputs the grammar tests tokenize: the team's seed outputs and what we captured from the engine here. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, SEEDS } from '../helpers';
import type { Lang } from './tm';

export const LAB_CAPTURED = join(FIXTURES, 'lab-captured');

export interface FixtureFile {
  name: string;
  dir: 'seed' | 'lab-captured';
  path: string;
  lang: Lang;
  text: string;
}

/** Which grammar a fixture file is written in, from its name; undefined for files we do not know. */
export function langOf(file: string): Lang | undefined {
  if (/ipvsadm/.test(file)) return 'ipvsadm';
  if (/\.nvL\b/.test(file)) return 'iptables-list';
  if (/\.S\.txt$|iptables-save/.test(file)) return 'iptables';
  if (/\.fdb\.txt$/.test(file)) return 'bridge-fdb';
  if (/ip-d-link|ip-link|ip-addr|ip-o-addr|ip-o-link|ip-route|\.neigh\.txt$|ip-netns/.test(file)) return 'iproute';
  return undefined;
}

/** Every .txt fixture; a .txt whose language we cannot tell is an error (a new fixture must be classified). */
export function allFixtures(): FixtureFile[] {
  const out: FixtureFile[] = [];
  for (const [dir, base] of [['seed', SEEDS], ['lab-captured', LAB_CAPTURED]] as const) {
    for (const name of readdirSync(base).sort()) {
      if (!name.endsWith('.txt')) continue;
      const lang = langOf(name);
      if (!lang) throw new Error(`fixture ${dir}/${name}: no grammar for it (extend langOf in test/grammar/fixtures.ts)`);
      const path = join(base, name);
      out.push({ name, dir, path, lang, text: readFileSync(path, 'utf8') });
    }
  }
  return out;
}
