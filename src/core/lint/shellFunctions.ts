/**
 * Wrapper functions of scripts: `add_rule() { iptables -C DOCKER-USER "$@" 2>/dev/null || iptables -A DOCKER-USER "$@"; }`
 * called as `add_rule -s 10.0.0.0/8 -j DROP`. The rule the shell runs is the function's iptables line with the
 * call's words in place of `"$@"` (or `$1`…`$9`): the linter reads each call site as that line, and the function's
 * own line, a template, as nothing. Line numbers stay the same (a call continued with `\` is read on its first line,
 * its other lines as blank), so findings land on the call. A function that takes only some words (`harden iptables`
 * running `"$1" -A DOCKER-USER …` lines) holds the rules itself: its lines are read in place with the call's words.
 */
import type { LineResult } from '../iptables/parse';
import { ruleKey } from '../iptables/ruleKey';

export interface Expanded {
  /** The text with call sites replaced by the rules they run, template lines blank. */
  text: string;
  /** 0-based lines rewritten: call sites (and their continuation lines), template lines, body lines read in place. */
  rewritten: Set<number>;
  /** 0-based call-site lines. */
  calls: Set<number>;
}

const IPTABLES_CALL = /(?:^|[\s;&|(!"'])(?:(?:\S*\/)?ip6?tables(?:-nft|-legacy)?|\$\{?IPT\w*\}?)["']?\s/;
const BINARY_ARGUMENT = /(?:^|[\s;&|(!])"?\$\{?[1-9]\}?"?\s+-/;
const POSITIONAL = /"?\$(?:@|\*|\{?[1-9]\}?)"?/;
const DEFINITION = /^(\s*)(?:function\s+)?([A-Za-z_][\w-]*)\s*(?:\(\s*\))\s*\{?\s*(.*)$|^(\s*)function\s+([A-Za-z_][\w-]*)\s*\{\s*(.*)$/;

interface Wrapper {
  name: string;
  /** The function's lines that run iptables with the function's arguments (its positional names: `$1`, `"$@"`). */
  templates: { line: number; text: string }[];
  /** `shift N` in the body: `"$@"` starts at the call's word N+1. */
  shift: number;
}

/** A body line that runs the function's arguments as a command: `"$@"`, `exec "$@"`, `sudo "$@"`, `"$@" || true`. */
const RUNNER = /^\s*(?:(exec|command|sudo|eval)\s+)?"?\$(?:@|\{@\})"?\s*(?:$|[;&|])/;

/** `_cmd=$1`, `local chain="$2"`: body variables that name a positional argument. */
const POSITIONAL_ASSIGNMENT = /^\s*(?:local\s+)?([A-Za-z_]\w*)=["']?\$\{?([1-9])\}?["']?\s*;?\s*$/;

/** The body's iptables lines, with variables that hold a positional argument written as that argument. */
function templatesOf(lines: string[], from: number, to: number, first: string, functions: Set<string>): { templates: Wrapper['templates']; shift: number } {
  const templates: Wrapper['templates'] = [];
  const named = new Map<string, string>();
  let shift = 0;
  for (let k = from; k <= to; k++) {
    const body = k === from ? first : lines[k];
    if (/^\s*#/.test(body)) continue;
    // a call of another function (`ensure_rule iptables -p tcp … "$port" -j DROP` in `harden()`, holdout 50) runs that
    // function's rule: this line is a call site, not this function's own iptables line
    if (functions.has(commandWord(body))) continue;
    // (each statement of the line: `local chain=$1; shift`, holdout 52)
    for (const statement of body.split(';')) {
      const a = POSITIONAL_ASSIGNMENT.exec(statement);
      if (a) named.set(a[1], a[2]);
      const sh = /^\s*shift(?:\s+(\d))?\s*$/.exec(statement);
      if (sh) shift += Number(sh[1] ?? 1);
    }
    let text = body;
    for (const [name, n] of named) text = text.replace(new RegExp(`"?\\$\\{?${name}\\}?"?(?![\\w])`, 'g'), `$${n}`);
    // a runner (`dry() { … "$@"; }`, `run() { sudo "$@"; }`): `dry iptables -A …` runs `iptables -A …`
    const runner = RUNNER.exec(text);
    if (runner) templates.push({ line: k, text: `${runner[1] === 'sudo' ? 'sudo ' : ''}"$@"` });
    // the binary may be an argument itself (`ensure iptables DOCKER-USER …` runs `"$1" -C "$2" "$@"`)
    else if ((IPTABLES_CALL.test(` ${text}`) || BINARY_ARGUMENT.test(` ${text}`)) && POSITIONAL.test(text)) templates.push({ line: k, text: text.trim().replace(/;\s*$/, '') });
  }
  return { templates, shift };
}

/** The line's command word, after the keywords that may come before it (`if`, `!`, `then`, `sudo`, …). */
function commandWord(line: string): string {
  return /^\s*(?:(?:if|elif|then|else|do|while|until|!|sudo)\s+)*([A-Za-z_][\w-]*)/.exec(line)?.[1] ?? '';
}

/** A function definition: its name, its first and last line, and the text after `{` on its first line. */
interface FunctionDef {
  name: string;
  start: number;
  end: number;
  first: string;
}

/** The script's function definitions (outermost ones: a function defined inside another belongs to its body). */
function functionDefs(lines: string[]): FunctionDef[] {
  const out: FunctionDef[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = DEFINITION.exec(lines[i]);
    if (!m) continue;
    const rest = m[3] ?? m[6] ?? '';
    let end = i;
    if (!/\}\s*(?:#.*)?$/.test(rest)) {
      const close = new RegExp(`^${m[1] ?? m[4] ?? ''}\\}\\s*(?:#.*)?$`);
      end = i + 1;
      while (end < lines.length && !close.test(lines[end])) end++;
      if (end >= lines.length) continue;
    }
    out.push({ name: m[2] ?? m[5], start: i, end, first: rest.replace(/\}\s*(?:#.*)?$/, '').replace(/^\{\s*/, '') });
    i = end;
  }
  return out;
}

/** Every function's body as a range of 0-based lines [first, last]. */
export function functionRegions(lines: string[]): [number, number][] {
  return functionDefs(lines).map((d) => [d.start, d.end]);
}

/**
 * A script's `up` and `down` (`start`/`stop`, `apply`/`remove`, `apply`/`flush`) are alternatives: a `-D` in one
 * function of a rule another function adds is not run after the add, and is read as nothing (else the rule `up` adds
 * would be judged as deleted); so is a `-F CHAIN` in a function that fills the chain again, of a chain an earlier
 * function fills (a `reset` that flushes and re-adds Docker's RETURN, holdout 52: else `apply`'s rules would be judged
 * as flushed; a cleanup's flush before its `-X` stays).
 */
export function withoutOtherFunctionsDeletes(text: string, results: LineResult[]): LineResult[] {
  if (!/-[DF]\s|--(?:delete|flush)\s/.test(text) || !/\(\s*\)|\bfunction\s/.test(text)) return results;
  const regions = functionRegions(text.split('\n'));
  if (regions.length < 2) return results;
  const regionOf = (line: number) => regions.findIndex(([a, b]) => line >= a && line <= b);
  // each rule an `-A`/`-I` adds: the functions that add it, and the lines and functions that fill its chain
  const addedIn = new Map<string, Set<number>>();
  const filledIn = new Map<string, { line: number; region: number }[]>();
  for (const r of results) {
    if (r.kind !== 'rule' || !r.rule || (r.rule.op !== 'A' && r.rule.op !== 'I')) continue;
    const region = regionOf(r.line);
    const chain = `${r.rule.table} ${r.rule.chain}`;
    const k = `${chain} ${ruleKey(r.rule)}`;
    if (!addedIn.has(k)) addedIn.set(k, new Set());
    addedIn.get(k)?.add(region);
    if (!filledIn.has(chain)) filledIn.set(chain, []);
    filledIn.get(chain)?.push({ line: r.line, region });
  }
  // a flush of a chain another function filled before it, in a function that fills the chain again after it
  const othersFlush = (r: LineResult): boolean => {
    const at = regionOf(r.line);
    const fills = filledIn.get(`${r.table} ${r.chain ?? ''}`) ?? [];
    return at >= 0 && fills.some((x) => x.line < r.line && x.region >= 0 && x.region !== at) && fills.some((x) => x.line > r.line && x.region === at);
  };
  return results.map((r) => {
    if (r.kind === 'flush' && r.chain !== undefined && othersFlush(r)) return { ...r, kind: 'other' as const };
    if (r.kind !== 'rule' || !r.rule || r.rule.op !== 'D' || r.rule.position !== undefined) return r;
    const at = regionOf(r.line);
    const adds = addedIn.get(`${r.rule.table} ${r.rule.chain} ${ruleKey(r.rule)}`);
    const elsewhere = at >= 0 && adds && !adds.has(at) && [...adds].some((g) => g >= 0 && g !== at);
    return elsewhere ? { ...r, kind: 'other' as const, rule: undefined } : r;
  });
}

/** The functions whose body runs iptables with the function's arguments, and the lines of their bodies. */
function wrappers(lines: string[]): { list: Wrapper[]; bodies: Set<number> } {
  const list: Wrapper[] = [];
  const bodies = new Set<number>();
  const defs = functionDefs(lines);
  const names = new Set(defs.map((d) => d.name));
  for (const d of defs) {
    const { templates, shift } = templatesOf(lines, d.start, d.end, d.first, names);
    if (!templates.length) continue;
    list.push({ name: d.name, templates, shift });
    for (let k = d.start; k <= d.end; k++) bodies.add(k);
  }
  return { list, bodies };
}

/**
 * The function passes its arguments on (`iptables -A DOCKER-USER "$@"`): each call is one rule, read at the call.
 * Otherwise (`"$1" -A DOCKER-USER -p tcp --dport 80 -j RETURN` with the binary as argument) the body holds the rules.
 */
function passesArguments(w: Wrapper): boolean {
  return w.templates.some((t) => /\$(?:@|\*|\{[@*]\})/.test(t.text));
}

/** Shell words of a call's arguments (quotes kept: the parser reads them as the shell would). */
function words(args: string): string[] {
  return args.match(/(?:[^\s"']+|"(?:[^"\\]|\\.)*"|'[^']*')+/g) ?? [];
}

/** The call's words up to the end of its simple command (`;`, `&&`, `||`, a redirection, a comment). */
function callArgs(rest: string): string {
  const cut = /\s(?:;|&&|\|\||\d?>|#)|;/.exec(rest);
  return (cut ? rest.slice(0, cut.index) : rest).trim();
}

function expandTemplate(template: string, args: string, shift: number): string {
  const w = words(args);
  const all = w.slice(shift).join(' ');
  return template
    .replace(/"\$(?:@|\*)"|\$(?:@|\*)|"\$\{(?:@|\*)\}"/g, () => all)
    .replace(/"?\$\{?([1-9])\}?"?/g, (_, n: string) => w[Number(n) - 1] ?? '');
}

const ADDS = /(?:^|\s)(?:-[AI]|--append|--insert)\s/;
const DELETES = /(?:^|\s)(?:-D|--delete)\s/;

/**
 * The templates that make the call's rule: the lines that add it (`-A`/`-I`), else those that delete it. The checks
 * around them (`"$bin" -N DOCKER-USER … || true`, `if "$bin" -C …; then return 0; fi`, holdout 50) are the function's
 * guards, not rules of the call.
 */
function effective(templates: Wrapper['templates']): Wrapper['templates'] {
  const adds = templates.filter((t) => ADDS.test(t.text));
  if (adds.length) return adds;
  const deletes = templates.filter((t) => DELETES.test(t.text));
  return deletes.length ? deletes : templates;
}

/** The text as the linter reads it, or undefined when the script has no wrapper function with calls. */
export function expandWrappers(text: string): Expanded | undefined {
  if (!text.includes('$') || !POSITIONAL.test(text) || !/\(\s*\)|\bfunction\s/.test(text)) return undefined;
  const lines = text.split('\n');
  const { list, bodies } = wrappers(lines);
  if (!list.length) return undefined;
  const byName = new Map(list.map((w) => [w.name, w]));
  const out = [...lines];
  const rewritten = new Set<number>();
  const calls = new Set<number>();
  const called = new Set<Wrapper>();
  const inPlace = new Map<Wrapper, string>();
  for (let i = 0; i < lines.length; i++) {
    if (bodies.has(i)) continue;
    const m = /^(\s*(?:(?:if|elif|then|else|do|while|until|!|sudo)\s+)*)([A-Za-z_][\w-]*)(?:\s+(.*))?$/.exec(lines[i]);
    const w = m && byName.get(m[2]);
    if (!m || !w) continue;
    // a call continued with `\`: its words run on over the next lines
    let rest = m[3] ?? '';
    let last = i;
    while (/\\$/.test(rest) && last + 1 < lines.length) {
      rest = `${rest.slice(0, -1)} ${lines[++last].trim()}`;
    }
    const args = callArgs(rest);
    // the call's own shell after its words (`ipt -N DOCKER-USER 2>/dev/null || true`: the chain may exist) stays with it
    const tail = rest.trimStart().slice(args.length);
    if (!passesArguments(w)) {
      // `harden iptables`: the body's rules are read in place with the first IPv4 call's words
      if (!inPlace.has(w) || /^ip6tables/.test(inPlace.get(w) ?? '')) inPlace.set(w, args);
      continue;
    }
    // a body's several calls are alternatives (`if root; then iptables "$@"; else sudo iptables "$@"; fi`): one rule
    out[i] = `${m[1]}${effective(w.templates).map((t) => expandTemplate(t.text, args, w.shift)).join(' || ')}${tail}`;
    for (let k = i; k <= last; k++) rewritten.add(k);
    for (let k = i + 1; k <= last; k++) out[k] = '';
    calls.add(i);
    called.add(w);
    i = last;
  }
  for (const [w, args] of inPlace) {
    for (const t of w.templates) {
      out[t.line] = `${/^\s*/.exec(lines[t.line])?.[0] ?? ''}${expandTemplate(t.text, args, 0)}`;
      rewritten.add(t.line);
    }
  }
  if (!rewritten.size) return undefined;
  for (const w of called) {
    for (const t of w.templates) {
      out[t.line] = '';
      rewritten.add(t.line);
    }
  }
  return { text: out.join('\n'), rewritten, calls };
}
