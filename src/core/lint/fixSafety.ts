/**
 * Fix safety: every quick fix is checked with the project's netfilter evaluator (../trace/netfilter.ts) before it
 * is offered. The text before and after the fix is put inside Docker's own chains (both layouts, ./dockerLayouts.ts)
 * and the standard flows of a Docker/Swarm host (./flows.ts: container egress and its replies, DNS, the Swarm
 * control and data plane, the published ports the policy accepts explicitly) are evaluated on both. A fix that
 * drops a flow the original let through is not offered.
 */
import type { LineResult } from '../iptables/parse';
import { assembleRuleset, logicalLines, newLineState, parseLogicalLine, withMore } from '../iptables/parse';
import type { Chain, Rule, Ruleset, TableName } from '../iptables/model';
import { NamespaceRules, evaluateHook } from '../trace/netfilter';
import type { Layout } from './dockerLayouts';
import { dockerFilter } from './dockerLayouts';
import { applyEdits } from './edits';
import type { Flow } from './flows';
import { ENV, egressFlows, externalInterfaces, publishedFlow, remember, swarmFlows } from './flows';
import { parseCidr } from './net';
import type { LintFix } from './types';

export const LAYOUTS: Layout[] = ['docker-27', 'docker-28'];

export interface FixVerdict {
  safe: boolean;
  /** `layout: flow` for every flow the fix newly drops. */
  broken: string[];
}

function parse(text: string, defaultTable: TableName): LineResult[] {
  const st = newLineState(defaultTable);
  return logicalLines(text).flatMap((ll) => withMore(parseLogicalLine(ll, st)));
}

const layoutCache = new Map<string, LineResult[]>();

function layoutLines(layout: Layout, ports: number[]): LineResult[] {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, the cache's size bound: clearing it more or less often gives the same lines
  if (layoutCache.size > 50) layoutCache.clear();
  return remember(layoutCache, `${layout} ${ports.join(',')}`, () => parse(dockerFilter(layout, ports), 'filter'));
}

/** The host's filter table: Docker's chains with the document applied (command lines on top, a rule file's chains in place). */
export function hostRuleset(text: string | LineResult[], layout: Layout, ports: number[], defaultTable: TableName = 'filter'): Ruleset {
  const base = layoutLines(layout, ports);
  const doc = typeof text === 'string' ? parse(text, defaultTable) : text;
  if (doc.some((r) => r.format === 'command' && r.kind !== 'other' && r.kind !== 'blank')) return assembleRuleset([...base, ...doc]);
  const host = assembleRuleset(base);
  const file = assembleRuleset(doc).tables.get('filter');
  const filter = host.tables.get('filter');
  if (!file || !filter) return host;
  for (const c of file.chains.values()) {
    const docker = filter.chains.get(c.name);
    if (c.name === 'FORWARD' && docker) {
      // a rule file's FORWARD rules come after Docker's own (Docker inserts its jumps at the top)
      const merged: Chain = { ...docker, policy: c.policy ?? docker.policy, rules: [...docker.rules, ...c.rules.filter((r) => !/^DOCKER/.test(r.target?.name ?? ''))] };
      filter.chains.set('FORWARD', merged);
    } else if (!/^DOCKER(?!-USER)/.test(c.name)) filter.chains.set(c.name, c);
  }
  return host;
}

/** Published ports and clients the document accepts explicitly in DOCKER-USER (ACCEPT/RETURN on a port). */
function acceptedPorts(rules: Rule[]): { port: number; client: string }[] {
  const out: { port: number; client: string }[] = [];
  for (const r of rules) {
    if (r.chain !== 'DOCKER-USER' || (r.target?.name !== 'ACCEPT' && r.target?.name !== 'RETURN')) continue;
    const c = r.source && !r.source.negated ? parseCidr(r.source.value) : undefined;
    const client = c ? [c.lo >>> 24, (c.lo >>> 16) & 255, (c.lo >>> 8) & 255, (c.lo & 255) + (c.prefix < 32 ? 1 : 0)].join('.') : '203.0.113.50';
    for (const m of r.matches) {
      for (const o of m.options) {
        if (o.negated || !['dport', 'dports', 'ctorigdstport'].includes(o.name)) continue;
        for (const part of (o.args[0] ?? '').split(',')) if (/^\d+$/.test(part)) out.push({ port: Number(part), client });
      }
    }
  }
  return out.slice(0, 8);
}

/** The flows to keep working for a document. */
export function standardFlows(text: string): { flows: Flow[]; ports: number[] } {
  const rs = assembleRuleset(parse(text, 'filter'));
  const rules = rs.rules;
  const ext = externalInterfaces(rules);
  const accepted = acceptedPorts(rules);
  const flows = [
    ...egressFlows(ext, true),
    ...swarmFlows(ext, { control: 2377, gossip: 7946, data: 4789 }),
    ...ext.flatMap((e) => accepted.map((a) => publishedFlow(e, a.client, a.port, true))),
  ];
  return { flows, ports: [...new Set(accepted.map((a) => a.port))] };
}

function verdicts(rs: Ruleset, flows: Flow[]): string[] {
  const ns = new NamespaceRules().add(rs, 'lint', true);
  return flows.map((f) => {
    const h = evaluateHook(ns, f.hook, f.pkt, ENV);
    return h.uncertain ? 'UNKNOWN' : h.verdict;
  });
}

/** Checks the fixes of one document: the flows and the verdicts before any fix are computed once. */
export class FixChecker {
  private readonly flows: Flow[];
  private readonly ports: number[];
  private readonly before = new Map<Layout, string[]>();

  constructor(private readonly text: string, private readonly defaultTable: TableName = 'filter') {
    ({ flows: this.flows, ports: this.ports } = standardFlows(text));
  }

  private verdictsBefore(layout: Layout): string[] {
    return remember(this.before, layout, () => verdicts(hostRuleset(this.text, layout, this.ports, this.defaultTable), this.flows));
  }

  private readonly seen = new Map<string, FixVerdict>();

  /** Which standard flows the fix newly drops (or leaves with a verdict it cannot prove), in either Docker layout. */
  check(fix: LintFix): FixVerdict {
    return remember(this.seen, JSON.stringify(fix.edits), () => this.evaluate(fix));
  }

  private evaluate(fix: LintFix): FixVerdict {
    const after = parse(applyEdits(this.text, fix.edits), this.defaultTable);
    const broken: string[] = [];
    for (const layout of LAYOUTS) {
      const before = this.verdictsBefore(layout);
      const then = verdicts(hostRuleset(after, layout, this.ports, this.defaultTable), this.flows);
      this.flows.forEach((f, i) => {
        if (f.critical && before[i] === 'ACCEPT' && then[i] !== 'ACCEPT') broken.push(`${layout}: ${f.name}`);
      });
    }
    return { safe: broken.length === 0, broken };
  }
}

export function checkFix(text: string, fix: LintFix, defaultTable: TableName = 'filter'): FixVerdict {
  return new FixChecker(text, defaultTable).check(fix);
}

/** Beyond this many rules fixes are not checked and therefore not offered (the check re-evaluates the document per fix). */
export const MAX_CHECKED_RULES = 400;

/** Keeps only the fixes the check proves safe (mutates the diagnostics' fix lists). */
export function keepSafeFixes(text: string, diags: { fixes: LintFix[] }[], ruleCount: number, defaultTable: TableName = 'filter'): void {
  if (!diags.some((d) => d.fixes.length)) return;
  if (ruleCount > MAX_CHECKED_RULES) {
    for (const d of diags) d.fixes = [];
    return;
  }
  const checker = new FixChecker(text, defaultTable);
  for (const d of diags) d.fixes = d.fixes.filter((f) => checker.check(f).safe);
}
