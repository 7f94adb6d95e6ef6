/**
 * Builds Rule / Ruleset objects of the shared model programmatically (structured input, not text): used by the
 * benchmark to make 10,000-rule tables and by evaluator unit tests that must not depend on dump text.
 */
import type { Chain, Rule, RuleMatch, RuleOption, Ruleset, Table, TableName } from '../iptables/model';
import { BUILTIN_CHAINS } from '../iptables/model';

const SPAN = { line: 0, start: 0, end: 0 };

export interface RuleSpec {
  p?: string;
  s?: string;
  d?: string;
  i?: string;
  o?: string;
  /** module → options ("!dport" for a negated option) → args */
  m?: [string, Record<string, string[]>][];
  j?: string;
  g?: string;
  to?: Record<string, string[]>;
  counters?: [number, number];
}

function base(v: string | undefined): { value: string; negated: boolean; span: typeof SPAN } | undefined {
  if (v === undefined) return undefined;
  return v.startsWith('!') ? { value: v.slice(1), negated: true, span: SPAN } : { value: v, negated: false, span: SPAN };
}

function opts(o: Record<string, string[]> | undefined): RuleOption[] {
  return Object.entries(o ?? {}).map(([k, args]) => ({ name: k.replace(/^!/, ''), negated: k.startsWith('!'), args, span: SPAN }));
}

export function buildRule(table: TableName, chain: string, spec: RuleSpec, line: number, text?: string): Rule {
  const matches: RuleMatch[] = (spec.m ?? []).map(([module, o]) => ({ module, implicit: false, options: opts(o), span: SPAN }));
  const t = spec.j ?? spec.g;
  return {
    table,
    chain,
    op: 'A',
    protocol: base(spec.p),
    source: base(spec.s),
    destination: base(spec.d),
    inInterface: base(spec.i),
    outInterface: base(spec.o),
    matches,
    target: t ? { name: t, goto: spec.g !== undefined, options: opts(spec.to), span: SPAN } : undefined,
    counters: spec.counters ? { packets: spec.counters[0], bytes: spec.counters[1] } : undefined,
    line,
    text: text ?? `-A ${chain} ${JSON.stringify(spec)}`,
    span: { line, start: 0, end: 0 },
  };
}

/** tables: table → chain → [policy?, rules]. Builtin chains get policy ACCEPT unless given. */
export function buildRuleset(tables: Partial<Record<TableName, Record<string, { policy?: string; rules: RuleSpec[] }>>>): Ruleset {
  const rs: Ruleset = { tables: new Map(), rules: [], diagnostics: [] };
  let line = 0;
  for (const [tname, chains] of Object.entries(tables) as [TableName, Record<string, { policy?: string; rules: RuleSpec[] }>][]) {
    const table: Table = { name: tname, chains: new Map() };
    for (const b of BUILTIN_CHAINS[tname]) table.chains.set(b, { name: b, builtin: true, policy: 'ACCEPT', rules: [] });
    for (const [cname, c] of Object.entries(chains)) {
      const builtin = BUILTIN_CHAINS[tname].includes(cname);
      const chain: Chain = { name: cname, builtin, policy: builtin ? c.policy ?? 'ACCEPT' : undefined, declLine: line++, rules: [] };
      c.rules.forEach((spec, i) => {
        const r = buildRule(tname, cname, spec, line++);
        r.index = i;
        chain.rules.push(r);
        rs.rules.push(r);
      });
      table.chains.set(cname, chain);
    }
    rs.tables.set(tname, table);
  }
  return rs;
}
