/**
 * Builds the Ruleset from line results, in order: applies -A/-I/-D/-R/-N/-X/-F/-P/-E and chain declarations,
 * sets Rule.index, checks targets against the declared chains. Only lines without an error of their own change
 * the tables. Linear in the number of rules.
 */
import type { Chain, Rule, RuleDiagnostic, Ruleset, Span, Table, TableName } from './model';
import { BUILTIN_CHAINS } from './model';
import { isKnownTarget } from './spec';
import { DIAG, mkDiag, type DiagCode } from './codes';
import type { LineResult } from './lineResult';
import { ruleKey } from './ruleKey';

interface TableState {
  table: Table;
  /** The table came from a complete dump: iptables-save section, or -S with -P for every builtin chain. */
  complete: boolean;
  policies: Set<string>;
}

/** The Ruleset being built, its tables' states, and the rules whose target is checked at the end. */
interface Assembly {
  rs: Ruleset;
  ts: Map<TableName, TableState>;
  targetRefs: Rule[];
  /** Tables a `*table` line has opened so far. */
  opened: Set<TableName>;
}

function getTable(a: Assembly, name: TableName): TableState {
  let t = a.ts.get(name);
  if (!t) {
    t = { table: { name, chains: new Map() }, complete: false, policies: new Set() };
    a.ts.set(name, t);
    a.rs.tables.set(name, t.table);
  }
  return t;
}

/** The chain `name` of t, created (builtin or not) when it does not exist yet. */
function getChain(t: TableState, name: string): Chain {
  let c = t.table.chains.get(name);
  if (!c) {
    c = { name, builtin: BUILTIN_CHAINS[t.table.name].includes(name), rules: [] };
    t.table.chains.set(name, c);
  }
  return c;
}

function diag(a: Assembly, severity: RuleDiagnostic['severity'], code: DiagCode, msg: string, span: Span, ex?: string): void {
  a.rs.diagnostics.push(mkDiag(severity, code, msg, span, ex));
}

/** Builds the Ruleset from line results, in order (see ./parse.ts). Linear. */
export function assembleRuleset(results: LineResult[]): Ruleset {
  const a: Assembly = { rs: { tables: new Map(), rules: [], diagnostics: [] }, ts: new Map(), targetRefs: [], opened: new Set() };
  for (const r of results) {
    let hasError = false;
    for (const d of r.diagnostics) {
      a.rs.diagnostics.push(d);
      if (d.severity === 'error') hasError = true;
    }
    if (r.rule) {
      // line results may be cached and re-assembled: never keep state from an earlier assembly (indexes are set
      // at the end, after every rule was visited)
      r.rule.index = undefined;
      a.rs.rules.push(r.rule);
    }
    if (r.kind === 'table') openTable(a, r.table);
    else if (!hasError) applyLine(a, r);
  }
  checkTargets(a);
  for (const st of a.ts.values()) for (const c of st.table.chains.values()) c.rules.forEach((x, idx) => (x.index = idx));
  return a.rs;
}

/**
 * A `*table` line. A second section of a table (after its COMMIT: a file that holds the IPv4 and the IPv6 rules, or a
 * restore run twice) replaces the table as iptables-restore loads it (kernel-checked: both sections load): its chains
 * are declared anew, the earlier section's rules are gone.
 */
function openTable(a: Assembly, name: TableName): void {
  const t = getTable(a, name);
  if (a.opened.has(name)) {
    t.table.chains.clear();
    t.policies.clear();
  }
  a.opened.add(name);
  t.complete = true;
}

function applyLine(a: Assembly, r: LineResult): void {
  if (r.kind === 'rule') return addRule(a, r);
  if (r.kind === 'delete-chain') return deleteChains(a, r);
  if (r.kind === 'flush') return flush(a, r);
  const chain = r.chain;
  if (chain === undefined) return;
  if (r.kind === 'chain') declareChain(a, r, chain);
  else if (r.kind === 'policy') setPolicy(a, r, chain);
  else if (r.kind === 'new-chain') newChain(a, r, chain);
  else if (r.kind === 'rename') rename(a, r, chain);
}

/** `:CHAIN POLICY [p:b]`. */
function declareChain(a: Assembly, r: LineResult, name: string): void {
  const t = getTable(a, r.table);
  const existing = t.table.chains.get(name);
  if (existing?.declLine !== undefined && r.chainSpan) diag(a, 'error', DIAG.chainExists, `chain ${name} declared twice (first on line ${existing.declLine + 1})`, r.chainSpan, name);
  const c = existing ?? getChain(t, name);
  c.declLine ??= r.line;
  if (r.policy) {
    c.policy = r.policy;
    t.policies.add(name);
  }
  if (r.policyCounters) c.policyCounters = r.policyCounters;
}

/** `-P CHAIN POLICY`: -S text with a policy for every builtin chain is a complete dump. */
function setPolicy(a: Assembly, r: LineResult, name: string): void {
  const t = getTable(a, r.table);
  const c = getChain(t, name);
  c.policy = r.policy;
  c.declLine ??= r.line;
  t.policies.add(name);
  if (r.format === 'S' && BUILTIN_CHAINS[r.table].every((b) => t.policies.has(b))) t.complete = true;
}

/** `-N CHAIN`: an error when it exists (a warning in scripts, which may re-run it). */
function newChain(a: Assembly, r: LineResult, name: string): void {
  const t = getTable(a, r.table);
  const c = t.table.chains.get(name);
  // a builtin chain exists whether this text declares it or not (iptables: "Chain already exists")
  const builtin = BUILTIN_CHAINS[r.table].includes(name);
  if ((c?.declLine !== undefined || builtin) && r.chainSpan) {
    const where = c?.declLine !== undefined ? ` (line ${c.declLine + 1})` : ' (a builtin chain)';
    diag(a, r.format === 'command' ? 'warning' : 'error', DIAG.chainExists, `chain ${name} already exists${where}`, r.chainSpan, name);
    return;
  }
  getChain(t, name).declLine ??= r.line;
}

/** `-X [CHAIN]`: deletes the chain (every user chain without a name) when it exists, is a user chain and is empty. */
function deleteChains(a: Assembly, r: LineResult): void {
  const t = getTable(a, r.table);
  const names = r.chain !== undefined ? [r.chain] : [...t.table.chains.values()].filter((c) => !c.builtin).map((c) => c.name);
  const span = r.chainSpan ?? { line: r.line, start: 0, end: 0 };
  for (const name of names) {
    const c = t.table.chains.get(name);
    // a builtin chain exists in the kernel whether this text declares it or not
    if (BUILTIN_CHAINS[r.table].includes(name)) diag(a, 'error', DIAG.badChainName, `builtin chain ${name} cannot be deleted`, span, name);
    else if (!c) diag(a, 'info', DIAG.unknownChain, `chain ${name} is not defined in this text`, span, name);
    else if (c.rules.length) diag(a, 'warning', DIAG.chainNotEmpty, `chain ${name} still has ${c.rules.length} rule(s): iptables refuses to delete it`, span, name);
    else t.table.chains.delete(name);
  }
}

/** `-F [CHAIN]`. */
function flush(a: Assembly, r: LineResult): void {
  const t = getTable(a, r.table);
  if (r.chain === undefined) {
    for (const c of t.table.chains.values()) c.rules = [];
    return;
  }
  const c = t.table.chains.get(r.chain);
  if (c) c.rules = [];
  // a builtin chain exists in the kernel whether this text declares it or not
  else if (r.chainSpan && !BUILTIN_CHAINS[r.table].includes(r.chain)) diag(a, 'info', DIAG.unknownChain, `chain ${r.chain} is not defined in this text`, r.chainSpan, r.chain);
}

/** `-E OLD NEW`: the chain keeps its place in the table's order. */
function rename(a: Assembly, r: LineResult, name: string): void {
  const newName = r.newName;
  if (newName === undefined) return;
  const t = getTable(a, r.table);
  if (!t.table.chains.has(name)) {
    if (r.chainSpan) diag(a, 'info', DIAG.unknownChain, `chain ${name} is not defined in this text`, r.chainSpan, name);
    return;
  }
  const renamed = new Map<string, Chain>();
  for (const [k, v] of t.table.chains) {
    // copies: the rule objects of (cached) line results keep the chain they were written for
    if (k === name) renamed.set(newName, { ...v, name: newName, rules: v.rules.map((x) => ({ ...x, chain: newName })) });
    else renamed.set(k, v);
  }
  t.table.chains = renamed;
}

/** -A/-I/-D/-R: into its chain (iptables-restore knows its builtin chains without a `:CHAIN` line; a user chain must be declared). */
function addRule(a: Assembly, r: LineResult): void {
  const rule = r.rule;
  if (!rule) return;
  const t = getTable(a, rule.table);
  const declared = t.table.chains.get(rule.chain);
  if (!declared && r.format === 'save' && !BUILTIN_CHAINS[rule.table].includes(rule.chain)) diag(a, 'error', DIAG.unknownChain, `chain ${rule.chain} is not declared in this *${rule.table} section`, rule.span, rule.chain);
  if (rule.target) a.targetRefs.push(rule);
  applyRule(declared ?? getChain(t, rule.chain), rule, a.rs);
}

/**
 * Targets: a known extension, a declared chain, or (if the table's dump is not complete) an uppercase chain name.
 * Rules whose target is an error are taken out of their chain again (iptables would refuse them).
 */
function checkTargets(a: Assembly): void {
  const rejected = new Set<Rule>();
  for (const rule of a.targetRefs) {
    const t = rule.target;
    const st = a.ts.get(rule.table);
    if (!t || !st || (isKnownTarget(t.name) && !t.goto) || (st.table.chains.has(t.name) && !BUILTIN_CHAINS[rule.table].includes(t.name))) continue;
    const msg = targetProblem(t.name, rule.table, st.complete);
    if (!msg) continue;
    diag(a, msg.severity, DIAG.unknownTarget, msg.message, t.span, t.name);
    if (msg.severity === 'error') rejected.add(rule);
  }
  if (rejected.size) for (const st of a.ts.values()) for (const c of st.table.chains.values()) c.rules = c.rules.filter((x) => !rejected.has(x));
}

/** What is wrong with a jump to `name` that is not a known target nor a user chain of the table (undefined: nothing to say). */
function targetProblem(name: string, table: TableName, complete: boolean): { severity: RuleDiagnostic['severity']; message: string } | undefined {
  const upper = name.toUpperCase();
  // `-j "$pass"`, `-j ${TARGET}`, `-j {{ rule.action|upper }}`, `-j "${chain}-IN"`: a shell variable or template value
  // (whole or part of the name), unknown here
  if (/\$\{?[A-Za-z_]|\{\{/.test(name)) return undefined;
  if (BUILTIN_CHAINS[table].includes(name)) return { severity: 'error', message: `cannot jump to builtin chain ${name}` };
  if (isKnownTarget(name)) return { severity: 'error', message: `-g needs a chain, ${name} is a target` };
  if (isKnownTarget(upper)) return { severity: 'error', message: `unknown target "${name}" (did you mean ${upper}?)` };
  if (complete) return { severity: 'error', message: `unknown target "${name}": not a target extension and no such chain in table ${table}` };
  if (!/^[A-Z0-9][A-Z0-9_.:-]*$/.test(name)) return { severity: 'warning', message: `"${name}" is not a known target and no chain of that name is declared here: assumed to be a user chain` };
  return undefined;
}

function ruleDiag(rs: Ruleset, rule: Rule, severity: RuleDiagnostic['severity'], code: DiagCode, msg: string): void {
  rs.diagnostics.push(mkDiag(severity, code, msg, rule.span, rule.text));
}

/** Where a position beyond the chain is only info: a chain this text does not declare may hold rules from elsewhere. */
function positionSeverity(c: Chain): RuleDiagnostic['severity'] {
  return c.declLine !== undefined ? 'warning' : 'info';
}

function applyRule(c: Chain, rule: Rule, rs: Ruleset): void {
  switch (rule.op) {
    case 'A':
      c.rules.push(rule);
      return;
    case 'I': {
      const pos = rule.position ?? 1;
      if (pos === Infinity) c.rules.push(rule);
      else if (pos > c.rules.length + 1) {
        ruleDiag(rs, rule, positionSeverity(c), DIAG.badPosition, `insert position ${pos} is beyond the end of ${c.name} (${c.rules.length} rule(s) here): appended`);
        c.rules.push(rule);
      } else c.rules.splice(pos - 1, 0, rule);
      return;
    }
    case 'R': {
      const pos = rule.position ?? 0;
      // `-R CHAIN "$n"`: which rule it replaces is unknown (the rule is there, somewhere)
      if (pos === Infinity) c.rules.push(rule);
      else if (pos < 1 || pos > c.rules.length) ruleDiag(rs, rule, positionSeverity(c), DIAG.badPosition, `no rule ${pos} in ${c.name} to replace (${c.rules.length} rule(s) here)`);
      else c.rules[pos - 1] = rule;
      return;
    }
    case 'D': {
      if (rule.position !== undefined) {
        // `-D CHAIN "$n"`: which rule goes is unknown
        if (rule.position === Infinity) return;
        if (rule.position > c.rules.length) ruleDiag(rs, rule, positionSeverity(c), DIAG.ruleNotFound, `no rule ${rule.position} in ${c.name} to delete`);
        else c.rules.splice(rule.position - 1, 1);
        return;
      }
      const key = ruleKey(rule);
      const at = c.rules.findIndex((x) => ruleKey(x) === key);
      if (at < 0) ruleDiag(rs, rule, c.declLine !== undefined || c.rules.length ? 'warning' : 'info', DIAG.ruleNotFound, `no such rule in ${c.name} to delete`);
      else c.rules.splice(at, 1);
      return;
    }
  }
}
