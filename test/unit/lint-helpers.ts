/** Helpers for the linter tests: apply LSP-style text edits, load corpus files with their `# expect:` / `# context:` headers. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LintContext } from '../../src/core/lint/types';
import { FIXTURES, SEEDS } from '../helpers';

export const LINT_FIXTURES = join(FIXTURES, 'lint');

export { applyEdits } from '../../src/core/lint/edits';

export interface CorpusFile {
  name: string;
  text: string;
  expect?: string;
  context?: LintContext;
}

export function loadCorpusFile(dir: string, name: string): CorpusFile {
  const text = readFileSync(join(dir, name), 'utf8');
  const expect = /^#\s*expect:\s*(\S+)/m.exec(text)?.[1];
  const ctxName = /^#\s*context:\s*(\S+)/m.exec(text)?.[1];
  const context = ctxName ? (JSON.parse(readFileSync(join(LINT_FIXTURES, 'contexts', ctxName), 'utf8')) as LintContext) : undefined;
  return { name, text, expect, context };
}

// ------------------------------------------------------------------------------------------------ fuzzing

export function rng(seed: number): (k: number) => number {
  let s = seed >>> 0;
  return (k: number): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % k;
  };
}

const TOKENS = ['-A', '-I', '-D', '-R', '-N', '-P', '-F', '-X', '-E', '-t', 'nat', 'DOCKER-USER', 'FORWARD', 'INPUT', '!', '-p', 'tcp', 'udp', 'esp', '50', '-m', 'conntrack', 'multiport', 'policy', 'set', 'comment',
  '--ctstate', 'RELATED,ESTABLISHED', '--ctorigdstport', '--dport', '--dports', '80,443', '1:65535', '-s', '-d', '10.0.0.0/8', '300.1.1.1', '-i', '-o', 'eth0', 'docker0', 'br-0123456789ab', '-j', '-g', 'DROP', 'RETURN',
  'ACCEPT', 'REJECT', '--reject-with', 'DNAT', '--to-destination', '172.18.0.2:8080', '"', "'", '\\', '#', '*filter', '*nat', 'COMMIT', ':DOCKER-USER - [0:0]', ':INPUT DROP [0:0]', '[1:2]', '--pol', 'none', '--dir', 'in',
  '4789', '2377', '7946', 'iptables', 'sudo', '|| true', ';', '$IPT', '-m tcp', '--match-set', 'x', 'src', '\t', '', '-', '--', '---', '😀', '\u0000', '\r'];

export function mutate(text: string, r: (k: number) => number): string {
  const lines = text.split('\n');
  const n = 1 + r(6);
  for (let k = 0; k < n; k++) {
    const i = r(Math.max(lines.length, 1));
    const line = lines[i] ?? '';
    switch (r(9)) {
      case 0: // delete a line
        lines.splice(i, 1);
        break;
      case 1: // duplicate a line
        lines.splice(i, 0, line);
        break;
      case 2: {
        // truncate a line
        lines[i] = line.slice(0, r(line.length + 1));
        break;
      }
      case 3: {
        // insert a token
        const at = r(line.length + 1);
        lines[i] = `${line.slice(0, at)} ${TOKENS[r(TOKENS.length)]} ${line.slice(at)}`;
        break;
      }
      case 4: {
        // delete a word
        const words = line.split(' ');
        words.splice(r(words.length), 1);
        lines[i] = words.join(' ');
        break;
      }
      case 5: {
        // swap two lines
        const j = r(Math.max(lines.length, 1));
        [lines[i], lines[j]] = [lines[j] ?? '', line];
        break;
      }
      case 6: {
        // random characters
        const at = r(line.length + 1);
        let junk = '';
        for (let c = 0; c < 1 + r(6); c++) junk += String.fromCharCode(r(3) === 0 ? r(128) : 32 + r(95));
        lines[i] = line.slice(0, at) + junk + line.slice(at);
        break;
      }
      case 7: // a line of random tokens
        lines.splice(i, 0, Array.from({ length: 1 + r(12) }, () => TOKENS[r(TOKENS.length)]).join(' '));
        break;
      default: {
        // replace one word with a token
        const words = line.split(' ');
        words[r(words.length)] = TOKENS[r(TOKENS.length)];
        lines[i] = words.join(' ');
      }
    }
  }
  return lines.join(r(10) === 0 ? '\r\n' : '\n');
}

export function corpusTexts(): string[] {
  const out: string[] = [];
  for (const sub of ['broken', 'good', 'dumps']) {
    const dir = join(LINT_FIXTURES, sub);
    for (const f of readdirSync(dir)) out.push(readFileSync(join(dir, f), 'utf8'));
  }
  for (const f of readdirSync(SEEDS).filter((x) => x.endsWith('.S.txt'))) out.push(readFileSync(join(SEEDS, f), 'utf8'));
  return out;
}

