/**
 * Loads our TextMate grammars into vscode-textmate with the real Oniguruma wasm (as VS Code does) and tokenizes
 * text line by line. Shared by test/grammar/*.test.ts and bench/grammar.ts.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const SYNTAXES = join(REPO_ROOT, 'syntaxes');

export type Lang = 'iptables' | 'iptables-list' | 'ipvsadm' | 'bridge-fdb' | 'iproute';
export const LANGS: Lang[] = ['iptables', 'iptables-list', 'ipvsadm', 'bridge-fdb', 'iproute'];

export interface Tok {
  text: string;
  scopes: string[];
}

export interface LineResult {
  line: string;
  tokens: Tok[];
  /** Rule-stack depth after the line: 1 means back to the grammar's root state. */
  depthAfter: number;
  /** True when the stack after the line equals the stack after an empty first line (the initial state). */
  backToInitial: boolean;
}

let onigReady: Promise<void> | undefined;
function loadOnig(): Promise<void> {
  if (!onigReady) {
    const wasmPath = join(REPO_ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm');
    const bin = readFileSync(wasmPath);
    const data = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
    onigReady = oniguruma.loadWASM(data);
  }
  return onigReady;
}

/** A registry reading our grammars from syntaxes/ or `dir` (optionally with a colour theme). */
export async function newRegistry(theme?: vsctm.IRawTheme, dir = SYNTAXES): Promise<vsctm.Registry> {
  await loadOnig();
  return new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const name = scopeName.replace(/^source\./, '');
      const path = join(dir, `${name}.tmLanguage.json`);
      return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
    theme,
  });
}

let registry: vsctm.Registry | undefined;
const grammars = new Map<Lang, vsctm.IGrammar>();

export async function loadGrammar(lang: Lang): Promise<vsctm.IGrammar> {
  const have = grammars.get(lang);
  if (have) return have;
  registry ??= await newRegistry();
  const g = await registry.loadGrammar(`source.${lang}`);
  if (!g) throw new Error(`grammar source.${lang} did not load`);
  grammars.set(lang, g);
  return g;
}

/** Tokenizes text line by line carrying the rule stack, as the editor does. */
export function tokenizeLines(grammar: vsctm.IGrammar, text: string): LineResult[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const initial = grammar.tokenizeLine('', vsctm.INITIAL).ruleStack;
  let stack: vsctm.StateStack = vsctm.INITIAL;
  const out: LineResult[] = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    const tokens = r.tokens.map((t) => ({ text: line.slice(t.startIndex, Math.min(t.endIndex, line.length)), scopes: t.scopes }));
    const depth = (stack as unknown as { depth: number }).depth;
    out.push({ line, tokens, depthAfter: depth, backToInitial: stack.equals(initial) });
  }
  return out;
}

/** Tokens of a single line tokenized from the initial state. */
export function tokenizeOne(grammar: vsctm.IGrammar, line: string): Tok[] {
  return tokenizeLines(grammar, line)[0]?.tokens ?? [];
}

/** Scopes of the first token whose text is exactly `text` (after index `from` occurrences), or throws. */
export function scopesOf(tokens: Tok[], text: string, nth = 0): string[] {
  const hits = tokens.filter((t) => t.text === text);
  const t = hits[nth];
  if (!t) throw new Error(`no token ${JSON.stringify(text)} (#${nth}) in: ${tokens.map((x) => JSON.stringify(x.text)).join(' ')}`);
  return t.scopes;
}

/** True when some scope of the token starts with `prefix` (TextMate selector semantics: dotted prefix). */
export function hasScope(scopes: string[], prefix: string): boolean {
  return scopes.some((s) => s === prefix || s.startsWith(`${prefix}.`));
}

/** Human-readable dump for assertion messages. */
export function dump(tokens: Tok[]): string {
  return tokens.map((t) => `${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`).join('\n');
}
