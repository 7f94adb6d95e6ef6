/**
 * The literal values a script gives its shell variables, so that a rule written with `-s "$net"` or
 * `--dport "$port"` inside `for net in 10.0.0.0/8 172.16.0.0/12; do … done` or after `PORT=443` can be judged
 * like the rules the shell will run (one per value), instead of as an unknown.
 *
 * Only literal values count: `NAME=value`, `NAME=(a b c)`, `local|export|readonly|declare NAME=value`, and
 * `for NAME in a b c` (words without `$`, backquotes or glob characters), and the default of `NAME="${NAME:-value}"`
 * (what the script runs with when the environment does not override it). A name that also gets a non-literal
 * value (`NAME=$(…)`, `for x in "${LIST[@]}"`, `read NAME`) is unknown. A name given values in more than one place
 * is `reused`: its values are known, but not which of them holds at a given rule.
 */
import type { Rule } from '../iptables/model';

export interface VariableValues {
  values: string[];
  /** Given values in more than one place: any of them may hold at a given rule. */
  reused: boolean;
}

export type ScriptValues = Map<string, VariableValues | 'unknown'>;

const FOR_LOOP = /(?:^|[\s;&|(])for\s+([A-Za-z_]\w*)\s+in\s+([^;\n]*?)\s*(?:;|\n|$)/g;
const ASSIGNMENT = /(?:^|[\s;&|(])(?:(?:local|export|readonly|declare(?:\s+-\w+)*)\s+)?([A-Za-z_]\w*)=(\([^)]*\)|"[^"\n]*"|'[^'\n]*'|[^\s;&|)]*)/g;
const READ = /(?:^|[\s;&|(])(?:read|mapfile|readarray)\s+(?:-\w+\s+)*([A-Za-z_]\w*)/g;
const NOT_LITERAL = /[$`*?[\]{}]/;

function words(list: string): string[] {
  return list.trim() === '' ? [] : list.trim().split(/\s+/).map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));
}

/** `"${NAME:-default}"` (or `${NAME-default}`): the environment may override it; as written, the default. */
const DEFAULTED = /^\$\{[A-Za-z_]\w*:?-([^}$`"']*)\}$/;

function record(out: ScriptValues, name: string, given: string[] | 'unknown'): void {
  const values = given === 'unknown' ? given : given.map((v) => DEFAULTED.exec(v)?.[1] ?? v);
  const prev = out.get(name);
  if (prev === 'unknown') return;
  if (values === 'unknown' || values.some((v) => NOT_LITERAL.test(v))) out.set(name, 'unknown');
  else if (!prev) out.set(name, { values, reused: false });
  else if (prev.values.join(' ') !== values.join(' ')) out.set(name, { values: [...new Set([...prev.values, ...values])], reused: true });
}

/** The values of the script's variables (comments are skipped; `for x in "${LIST[@]}"` takes LIST's values). */
export function scriptValues(text: string): ScriptValues {
  const out: ScriptValues = new Map();
  if (!text.includes('$') || !text.includes('=') && !text.includes('for')) return out;
  const code = text.split('\n').filter((l) => !/^\s*#/.test(l)).map((l) => l.replace(/\s#\s.*$/, '')).join('\n');
  for (const m of code.matchAll(ASSIGNMENT)) {
    const v = m[2];
    record(out, m[1], v.startsWith('(') ? words(v.slice(1, -1)) : [v.replace(/^(["'])(.*)\1$/, '$2')]);
  }
  for (const m of code.matchAll(READ)) record(out, m[1], 'unknown');
  for (const m of code.matchAll(FOR_LOOP)) record(out, m[1], loopValues(words(m[2]), out));
  return out;
}

/** A loop's words, with `"${LIST[@]}"`, `${LIST[*]}` and `$LIST` replaced by the values LIST was given. */
function loopValues(list: string[], known: ScriptValues): string[] | 'unknown' {
  const out: string[] = [];
  for (const w of list) {
    const m = /^\$\{?([A-Za-z_]\w*)(?:\[[@*]\])?\}?$/.exec(w);
    if (!m) {
      out.push(w);
      continue;
    }
    const v = known.get(m[1]);
    if (!v || v === 'unknown' || v.reused) return 'unknown';
    out.push(...v.values);
  }
  return out;
}

const VARIABLE = /\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g;

/**
 * The variables of a word (`$net`, `${LOCALHOST}/8`, `$a-$b`), or undefined when it holds another expansion
 * (`$(…)`, `${x:-y}`, `$1`) whose value is not a variable's.
 */
function variableNames(text: string): string[] | undefined {
  const names = [...text.matchAll(VARIABLE)].map((m) => m[1] ?? m[2]);
  return text.replace(VARIABLE, '').includes('$') ? undefined : names;
}

/**
 * The rules the shell runs for a rule written with variables, one per combination of their values (at most 64), and
 * whether they are certain (every variable given its values in one place). Undefined when a variable of the rule
 * has no known literal value, or a word holds another expansion (`$(…)`, `${x:-y}`). A variable may be part of a
 * word (`${LOCALHOST}/8`).
 */
export function ruleInstances(rule: Rule, values: ScriptValues): { rules: Rule[]; certain: boolean } | undefined {
  const names = new Set<string>();
  const add = (word: string) => {
    for (const n of variableNames(word) ?? ['?']) names.add(n);
  };
  const fields = [rule.protocol, rule.source, rule.destination, rule.inInterface, rule.outInterface];
  for (const b of fields) if (b?.value.includes('$')) add(b.value);
  for (const m of rule.matches) for (const o of m.options) for (const a of o.args) if (a.includes('$')) add(a);
  let combos: Map<string, string>[] = [new Map()];
  let certain = true;
  for (const n of names) {
    const v = values.get(n);
    if (!v || v === 'unknown') return undefined;
    certain &&= !v.reused;
    combos = combos.flatMap((c) => v.values.map((x) => new Map([...c, [n, x]])));
    if (combos.length > 64) return undefined;
  }
  return { rules: combos.map((c) => substitute(rule, c)), certain };
}

function substitute(rule: Rule, env: Map<string, string>): Rule {
  const sub = (s: string): string => s.replace(VARIABLE, (m, braced?: string, bare?: string) => env.get(braced ?? bare ?? '') ?? m);
  const base = (b: Rule['source']): Rule['source'] => (b ? { ...b, value: sub(b.value) } : b);
  const protocol = base(rule.protocol);
  return {
    ...rule,
    protocol,
    source: base(rule.source),
    destination: base(rule.destination),
    inInterface: base(rule.inInterface),
    outInterface: base(rule.outInterface),
    // the implicit match of a variable protocol (`-p "$proto" --dport 53`) is that protocol's
    matches: rule.matches.map((m) => ({ ...m, module: m.implicit && protocol ? protocol.value : sub(m.module), options: m.options.map((o) => ({ ...o, args: o.args.map(sub) })) })),
  };
}

const ofRuleset = new WeakMap<object, ScriptValues>();
const instanceCache = new WeakMap<ScriptValues, WeakMap<Rule, ReturnType<typeof ruleInstances>>>();

/** Records the values of the script a ruleset was assembled from (the engine does, once per pass). */
export function setScriptValues(ruleset: object, values: ScriptValues): void {
  ofRuleset.set(ruleset, values);
}

/** ruleInstances for a rule of that ruleset, computed once per pass. */
export function instancesIn(ruleset: object, rule: Rule): ReturnType<typeof ruleInstances> {
  const values = ofRuleset.get(ruleset);
  if (!values) return undefined;
  let cache = instanceCache.get(values);
  if (!cache) instanceCache.set(values, (cache = new WeakMap()));
  if (!cache.has(rule)) cache.set(rule, ruleInstances(rule, values));
  return cache.get(rule);
}
