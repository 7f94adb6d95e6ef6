/**
 * Colour themes shipped with VS Code (copied in ./themes, MIT licence, see ./themes/README.md), loaded as
 * vscode-textmate themes so tests can check that the tokens that matter get a colour of their own.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { INITIAL, type IGrammar, type IRawTheme, type Registry } from 'vscode-textmate';

export const THEMES_DIR = join(__dirname, 'themes');
export const THEME_FILES = ['dark_plus.json', 'light_plus.json', 'dark_vs.json', 'light_vs.json', 'hc_black.json', 'monokai-color-theme.json', 'solarized-light-color-theme.json'];

interface ThemeFile {
  name?: string;
  type?: string;
  include?: string;
  colors?: Record<string, string>;
  tokenColors?: { scope?: string | string[]; settings: { foreground?: string; background?: string; fontStyle?: string } }[];
}

function readTheme(path: string): { name: string; colors: Record<string, string>; tokenColors: NonNullable<ThemeFile['tokenColors']> } {
  const t = JSON.parse(readFileSync(path, 'utf8')) as ThemeFile;
  const base = t.include ? readTheme(join(dirname(path), t.include)) : { name: '', colors: {}, tokenColors: [] };
  return { name: t.name ?? base.name, colors: { ...base.colors, ...(t.colors ?? {}) }, tokenColors: [...base.tokenColors, ...(t.tokenColors ?? [])] };
}

export interface LoadedTheme {
  name: string;
  raw: IRawTheme;
  defaultForeground: string;
}

export function loadTheme(file: string): LoadedTheme {
  const t = readTheme(join(THEMES_DIR, file));
  const dark = !/light/i.test(file);
  const fg = (t.colors['editor.foreground'] ?? (dark ? '#D4D4D4' : '#000000')).toUpperCase().slice(0, 7);
  const bg = (t.colors['editor.background'] ?? (dark ? '#1E1E1E' : '#FFFFFF')).toUpperCase().slice(0, 7);
  return {
    name: t.name || file,
    defaultForeground: fg,
    raw: { name: t.name, settings: [{ settings: { foreground: fg, background: bg } }, ...t.tokenColors.filter((c) => c.settings)] },
  };
}

/** Foreground colour (#RRGGBB, upper case) of each character range of a line under the registry's current theme. */
export function colours(registry: Registry, grammar: IGrammar, line: string): { text: string; colour: string }[] {
  const map = registry.getColorMap();
  const r = grammar.tokenizeLine2(line, INITIAL);
  const out: { text: string; colour: string }[] = [];
  for (let i = 0; i < r.tokens.length; i += 2) {
    const start = r.tokens[i];
    const end = i + 2 < r.tokens.length ? r.tokens[i + 2] : line.length;
    const meta = r.tokens[i + 1];
    // EncodedTokenAttributes: foreground colour id in bits 15..23
    const fgId = (meta >>> 15) & 0x1ff;
    out.push({ text: line.slice(start, end), colour: (map[fgId] ?? '').toUpperCase().slice(0, 7) });
  }
  return out;
}

/** Colour of the substring `word` (the n-th occurrence) of the line: it must lie within one binary token. */
export function colourOf(spans: { text: string; colour: string }[], line: string, word: string, nth = 0): string {
  let from = -1;
  for (let k = 0; k <= nth; k++) {
    from = line.indexOf(word, from + 1);
    if (from < 0) throw new Error(`${JSON.stringify(word)} #${nth} not in ${JSON.stringify(line)}`);
  }
  let pos = 0;
  for (const s of spans) {
    const end = pos + s.text.length;
    if (from >= pos && from < end) return s.colour;
    pos = end;
  }
  throw new Error(`no token at ${from} in ${JSON.stringify(line)}`);
}
