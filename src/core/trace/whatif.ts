/**
 * "What if": the trace over a proposed rule file applied to the host namespace (on one node or all). The file may
 * be iptables-save / iptables-restore text (it gives whole chains: each chain it names replaces that chain) or
 * commands (`iptables -N X`, `-A`, `-I`, `-t nat -A …`): DOCKER-USER is replaced by the file's DOCKER-USER (the
 * proposal), user chains it creates are added, and its -A/-I lines on other existing chains (FORWARD, nat
 * PREROUTING, …) are applied on top of the dumped chain, as running the commands would. Every table is honoured.
 */
import type { Diagnostic } from '../diagnostics';
import type { Rule, Ruleset, TableName } from '../iptables/model';
import type { NamespaceRules } from './netfilter';
import type { ParseRules, PreparedScenario } from './prepare';

interface ChainChange {
  table: TableName;
  name: string;
  rules: Rule[];
  how: 'replaced' | 'added' | 'appended to';
}

const SAVE_TABLE = /^\s*\*(filter|nat|mangle|raw|security)\s*$/m;

/**
 * `-s a,b` / `-d c,d` as iptables adds them: one rule per address (per pair, sources outer), in that order for
 * -A and reversed for -I, so positions count as `iptables -L --line-numbers` shows them. (`!` with a list is refused by iptables: kept as is,
 * the evaluator says so.)
 */
export function expandAddressLists(rules: Rule[]): Rule[] {
  return rules.flatMap((r) => {
    const list = (b: Rule['source']): (Rule['source'] | undefined)[] => (b && !b.negated && b.value.includes(',') ? b.value.split(',').map((value) => ({ ...b, value })) : [b]);
    const srcs = list(r.source);
    const dsts = list(r.destination);
    if (srcs.length === 1 && dsts.length === 1) return [r];
    const each = srcs.flatMap((source) => dsts.map((destination) => ({ ...r, source, destination })));
    // -I inserts each one at the same position: they end up in reverse order (kernel-differential case 69)
    return r.op === 'I' ? each.reverse() : each;
  });
}

/** -A/-I lines of one chain applied in file order onto `base`; undefined when the file also flushed or deleted. */
function applyOnto(base: Rule[], fileRules: Rule[], finalRules: Rule[]): Rule[] | undefined {
  const alone: Rule[] = [];
  const onto = [...base];
  for (const r of fileRules) {
    if (r.op === 'A') {
      alone.push(r);
      onto.push(r);
    } else if (r.op === 'I') {
      const at = Math.max(0, (r.position ?? 1) - 1);
      alone.splice(Math.min(at, alone.length), 0, r);
      onto.splice(Math.min(at, onto.length), 0, r);
    } else return undefined;
  }
  // the builder's result differs from the plain -A/-I sequence: the file flushed (-F) or deleted (-D) rules
  if (alone.length !== finalRules.length || alone.some((r, i) => r !== finalRules[i])) return undefined;
  return onto;
}

/** The chain changes a parsed what-if file makes to one namespace's rules. */
function chainChanges(rs: Ruleset, cur: NamespaceRules, saveFormat: boolean): ChainChange[] {
  const out: ChainChange[] = [];
  for (const [table, t] of rs.tables) {
    for (const [name, chain] of t.chains) {
      const existing = cur.chain(table, name);
      if (!existing) {
        out.push({ table, name, rules: chain.rules, how: 'added' });
        continue;
      }
      if (saveFormat || (table === 'filter' && name === 'DOCKER-USER')) {
        out.push({ table, name, rules: chain.rules, how: 'replaced' });
        continue;
      }
      const fileRules = rs.rules.filter((r) => r.table === table && r.chain === name);
      if (fileRules.length === 0) continue; // only declared (-N of an existing chain, a policy): unchanged
      const onto = applyOnto(existing.chain.rules, fileRules, chain.rules);
      out.push(onto ? { table, name, rules: onto, how: 'appended to' } : { table, name, rules: chain.rules, how: 'replaced' });
    }
  }
  return out;
}

/** Applies a what-if rule file to the host namespace of one node (or every node). */
/** `rules`: the number of DOCKER-USER rules the file proposes. */
export function withWhatIf(p: PreparedScenario, parse: ParseRules, text: string, source: string, node?: string): { prepared: PreparedScenario; rules: number; diagnostics: Diagnostic[] } {
  const rs = parse({ text, source, table: 'filter' });
  const saveFormat = SAVE_TABLE.test(text);
  const diagnostics: Diagnostic[] = rs.diagnostics.map((d) => ({ ...d, source: `${source}: ${d.source}`, line: d.span.line + 1 }));
  const dockerUser = rs.tables.get('filter')?.chains.get('DOCKER-USER');
  if (!dockerUser || dockerUser.rules.length === 0) {
    diagnostics.push({ severity: 'warning', source, message: `${source} has no DOCKER-USER rules: the chain becomes empty (packets fall through to the rest of FORWARD)` });
    const filter = rs.tables.get('filter') ?? { name: 'filter' as const, chains: new Map() };
    filter.chains.set('DOCKER-USER', { name: 'DOCKER-USER', builtin: false, rules: [] });
    rs.tables.set('filter', filter);
  }
  const notes: string[] = [];
  const nodes = p.nodes.map((n) => {
    if (node && n.model.name !== node) return n;
    const cur = n.ns.get('host');
    if (!cur?.rules) return n;
    const changes = chainChanges(rs, cur.rules, saveFormat);
    for (const c of changes) {
      const note = `what-if: ${c.table}/${c.name} in host${node ? ` on ${node}` : ' on every node'} ${c.how} by ${source}`;
      if (!notes.includes(note)) notes.push(note);
    }
    const copy = new Map(n.ns);
    const expanded = changes.map((c) => ({ ...c, rules: expandAddressLists(c.rules) }));
    copy.set('host', { ...cur, rules: cur.rules.withChains(expanded, source) });
    return { ...n, ns: copy };
  });
  const rules = rs.tables.get('filter')?.chains.get('DOCKER-USER')?.rules.length ?? 0;
  const prepared: PreparedScenario = { ...p, nodes, notes: [...p.notes, ...notes], diagnostics: [...p.diagnostics, ...diagnostics] };
  return { prepared, rules, diagnostics };
}

/** The former entry point (the extension and live tracing call it): the same as withWhatIf. */
export const withDockerUserWhatIf = withWhatIf;

/** A copy where one namespace's chain is replaced. */
export function withRulesReplaced(p: PreparedScenario, node: string | undefined, ns: string, table: TableName, chain: string, rules: Ruleset['rules'], source: string): PreparedScenario {
  return {
    ...p,
    notes: [...p.notes, `what-if: ${table}/${chain} in ${ns}${node ? ` on ${node}` : ' on every node'} replaced by ${source}`],
    nodes: p.nodes.map((n) => {
      if (node && n.model.name !== node) return n;
      const cur = n.ns.get(ns);
      if (!cur?.rules) return n;
      const copy = new Map(n.ns);
      copy.set(ns, { ...cur, rules: cur.rules.withChainReplaced(table, chain, rules.filter((r) => r.chain === chain), source) });
      return { ...n, ns: copy };
    }),
  };
}
