/**
 * What the netfilter evaluator works on and reports: the rules of one namespace merged from its dumps (the chains
 * per table, with where each came from), the hits it records, its verdicts and rewrites.
 */
import type { Diagnostic } from '../diagnostics';
import type { Chain, Rule, Ruleset, TableName } from '../iptables/model';
import { BUILTIN_CHAINS } from '../iptables/model';
import type { MatchEnv } from '../iptables/matches';
import type { Packet } from './packet';
import type { CompiledChain } from './prefilter';

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** Tables registered at each hook, in priority order (raw -300, mangle -150, nat DNAT -100, filter 0, security 50, nat SNAT 100). */
export const HOOK_TABLES: Record<Hook, TableName[]> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'security', 'nat'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
};

export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT' | 'QUEUE';

export interface ChainRef {
  table: TableName;
  chain: Chain;
  /** Where the chain came from: a dump file name, "what-if", ... */
  source: string;
  /** The chain's rules compiled for matching, filled on first use. */
  compiled?: CompiledChain;
}

/** The rules of one namespace, merged from one or more dumps (iptables-save, or -S / -nvL per table or chain). */
export class NamespaceRules {
  private readonly tables = new Map<TableName, Map<string, ChainRef>>();
  readonly sources: string[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** A whole-namespace iptables-save was added: a table missing from it is not in use (empty), not "not captured". */
  allTables = false;

  add(ruleset: Ruleset, source: string, complete = false): this {
    this.sources.push(source);
    if (complete) this.allTables = true;
    for (const d of ruleset.diagnostics) this.diagnostics.push({ ...d, source: `${source}: ${d.source}`, line: d.span.line + 1 });
    for (const [tname, table] of ruleset.tables) {
      let chains = this.tables.get(tname);
      if (!chains) this.tables.set(tname, (chains = new Map()));
      for (const [cname, chain] of table.chains) {
        const prev = chains.get(cname);
        if (prev && prev.chain.rules.length > 0 && chain.rules.length > 0) {
          this.diagnostics.push({ severity: 'warning', source, message: `chain ${tname}/${cname} is in both ${prev.source} and ${source}: using ${prev.source}` });
          continue;
        }
        if (prev && chain.rules.length === 0) {
          if (prev.chain.policy === undefined && chain.policy !== undefined) prev.chain.policy = chain.policy;
          continue;
        }
        chains.set(cname, { table: tname, chain, source });
      }
    }
    return this;
  }

  hasTable(t: TableName): boolean {
    return this.tables.has(t);
  }

  tableNames(): TableName[] {
    return [...this.tables.keys()];
  }

  chain(t: TableName, name: string): ChainRef | undefined {
    return this.tables.get(t)?.get(name);
  }

  chains(t: TableName): ChainRef[] {
    return [...(this.tables.get(t)?.values() ?? [])];
  }

  /** A copy with one chain's rules replaced (the "what if" of a proposed DOCKER-USER). */
  withChainReplaced(t: TableName, name: string, rules: Rule[], source: string): NamespaceRules {
    return this.withChains([{ table: t, name, rules }], source);
  }

  /** A copy with chains replaced or added (a what-if file's chains, in any table); other chains are shared. */
  withChains(changes: { table: TableName; name: string; rules: Rule[] }[], source: string): NamespaceRules {
    const copy = new NamespaceRules();
    copy.allTables = this.allTables;
    copy.sources.push(...this.sources, source);
    copy.diagnostics.push(...this.diagnostics);
    for (const [tn, chains] of this.tables) copy.tables.set(tn, new Map(chains));
    for (const { table: t, name, rules } of changes) {
      let chains = copy.tables.get(t);
      if (!chains) copy.tables.set(t, (chains = new Map()));
      const old = chains.get(name)?.chain;
      const builtin = BUILTIN_CHAINS[t].includes(name);
      chains.set(name, {
        table: t,
        source,
        chain: { name, builtin, policy: old?.policy, rules: rules.map((r, i) => ({ ...r, table: t, chain: name, index: i })) },
      });
    }
    return copy;
  }
}

export interface AddressOnIface {
  address: string;
  prefixLen: number;
}

/** What the evaluator knows of the namespace: addresses per interface, ipsets (see MatchEnv). */
export type EvalEnv = MatchEnv;

export interface RuleHit {
  kind: 'rule';
  table: TableName;
  chain: string;
  /** 1-based position within the chain. */
  position: number;
  text: string;
  source: string;
  /** 1-based line in the source dump. */
  line: number;
  counters?: { packets: number; bytes: number };
  target: string;
  /** What taking the rule did: "jump DOCKER-USER", "RETURN", "mark 0x0 → 0x100", "DNAT ... → ...", "ACCEPT". */
  effect: string;
  /** Unsupported matches treated as may-match. */
  unsupported: string[];
  /** Set by the tracer: this rule gave the hop's verdict (a RuleHit doubles as the hop's rule record). */
  decided: boolean;
}

export interface PolicyHit {
  kind: 'policy';
  table: TableName;
  chain: string;
  policy: string;
  source: string;
  line?: number;
  counters?: { packets: number; bytes: number };
  effect: string;
  unsupported: string[];
}

export type Hit = RuleHit | PolicyHit;

export interface Rewrite {
  kind: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT' | 'MARK' | 'IPVS';
  from: string;
  to: string;
  table?: TableName;
  chain?: string;
  rule?: string;
}

export interface TableResult {
  table: TableName;
  chain: Hook;
  status: 'evaluated' | 'not-captured' | 'nat-skipped' | 'not-in-use';
  verdict: Verdict;
  hits: Hit[];
  decidedBy?: Hit;
  notes: string[];
}

export interface HookResult {
  hook: Hook;
  verdict: Verdict;
  packet: Packet;
  tables: TableResult[];
  rewrites: Rewrite[];
  /** The rule or policy that gave a non-ACCEPT verdict, or the last terminal ACCEPT. */
  decidedBy?: Hit;
  /** Some rule on the path had unsupported matches or a table was not captured. */
  uncertain: boolean;
  notes: string[];
}

