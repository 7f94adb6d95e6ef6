/**
 * `swarmnet trace --verify`: predict a path from the live dumps, then send one real probe along it and read what
 * every namespace on the path counted (`iptables-save -c`, `ip -s -j link`, read-only, before and after), and put
 * the observed path beside the predicted one (./verifyCompare.ts). Nothing on a node is changed: the only
 * commands run are the two reads and the probe, all argv through the node's CommandRunner.
 *
 * Two steps so that callers (and the lab tests) can act between reading the dumps and probing:
 *   const plan = await planVerification(nodes, { from, to });   // gather + predict
 *   const report = await runVerification(plan);                   // read, probe, read, compare
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Diagnostic } from '../diagnostics';
import { splitRulesOutput } from '../gather/rules';
import { NETNS_DIR } from '../model';
import type { CommandRunner } from '../transport/types';
import { liveScenarioFromModels, traceScenario, type LiveNode, type TraceLiveOptions } from './live';
import { allHops, compareObserved, type Comparison, type NsReads } from './verifyCompare';
import { countersFromSave, linkCountersFromJson, normalizeSave, type NsCounters, type RuleCount } from './verifyCounters';
import { chooseProbeSource, ownerOf, sendProbe, tupleOf, type ProbeResult, type ProbeSource, type ProbeTarget } from './verifyProbe';
import { canTraceIn, monitorArgv, parseMonitorTrace, traceCommandLines, traceInsertArgv, traceRuleSpecs, withTraceRules, type TraceEvent, type TraceRuleSpec } from './verifyTrace';
import type { TraceRequest, TraceResult, TraceScenario } from './types';

export interface VerifyOptions extends TraceLiveOptions {
  /** Seconds the probe waits for an answer (default 3). */
  probeTimeoutSec?: number;
  /**
   * "counters" (default): read-only. "trace": the user allowed TRACE rules (./verifyTrace.ts) for the probe's
   * 5-tuple in namespaces that already have a raw table; added, read with xtables-monitor, removed.
   */
  mode?: 'counters' | 'trace';
}

export interface VerifyPlan {
  request: TraceRequest;
  predicted: TraceResult;
  scenario: TraceScenario;
  nodes: LiveNode[];
  source?: ProbeSource;
  target?: ProbeTarget;
  /** Why no probe can be sent (then runVerification reports without probing). */
  problem?: string;
  /** Namespaces read on each node: every namespace the predicted path crosses, and the probe's. */
  touched: { node: string; namespaces: string[] }[];
  /** The comment that names this verification's TRACE rules (used only with mode "trace"). */
  traceTag: string;
  notes: string[];
  diagnostics: Diagnostic[];
}

export interface VerifyReport extends Comparison {
  request: TraceRequest;
  predicted: TraceResult;
  probe?: ProbeResult;
  /** Per namespace read: was `iptables-save` (without counters) identical before and after the verification? */
  rulesIntact: { node: string; namespace: string; identical: boolean }[];
  /** The commands run on nodes, in order (for the record; all read-only but the probe). */
  commands: { node: string; argv: string[] }[];
}

/** Constant script; $1 = marker nonce, $2.. = namespace names ("host" = the node's own namespace). */
export const COUNTERS_SCRIPT = `M="@@$1"; shift
sec() { printf '\\n%s %s\\n' "$M" "$*"; }
for n in "$@"; do
  if [ "$n" = host ]; then
    sec host iptables; iptables-save -c 2>&1; sec rc $?
    sec host link; ip -s -j link 2>/dev/null; sec rc $?
    continue
  fi
  case "$n" in *[!A-Za-z0-9_.-]*|*..*|.*|'') sec badname; continue;; esac
  f=${NETNS_DIR}/$n
  [ -e "$f" ] || { sec ns "$n" missing; continue; }
  sec ns "$n" iptables; nsenter --net="$f" -- iptables-save -c 2>&1; sec rc $?
  sec ns "$n" link; nsenter --net="$f" -- ip -s -j link 2>/dev/null; sec rc $?
done
sec end
`;

export function countersArgv(nonce: string, namespaces: readonly string[]): string[] {
  return ['sh', '-c', COUNTERS_SCRIPT, 'sh', nonce, ...namespaces];
}

/** Reads rule and interface counters of the given namespaces of one node in one round trip. */
export async function readCounters(runner: CommandRunner, namespaces: readonly string[], opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Map<string, NsCounters>> {
  const nonce = randomBytes(8).toString('hex');
  const r = await runner.run(countersArgv(nonce, namespaces), { timeoutMs: opts.timeoutMs ?? 30000, signal: opts.signal });
  const diagnostics: Diagnostic[] = [];
  const split = splitRulesOutput(r.stdout, nonce, diagnostics);
  const out = new Map<string, NsCounters>();
  const of = (ns: string): NsCounters => {
    let c = out.get(ns);
    if (!c) out.set(ns, (c = { rules: [], ruleText: '', links: {}, problems: [] }));
    return c;
  };
  for (const s of split.sections) {
    const body = s.body.join('\n').replace(/^\n/, '');
    const c = of(s.ns);
    if (s.rc !== 0) c.problems.push(`${s.what === 'iptables' ? 'iptables-save -c' : 'ip -s -j link'} failed (exit ${s.rc ?? '?'}): ${body.trim().slice(0, 200)}`);
    else if (s.what === 'iptables') {
      c.rules = countersFromSave(body);
      c.ruleText = normalizeSave(body);
    } else if (s.what === 'link') c.links = linkCountersFromJson(body, c.problems);
  }
  for (const m of split.missing) of(m).problems.push(`namespace ${m} no longer exists on the node`);
  if (!split.complete || r.timedOut) for (const ns of namespaces) of(ns).problems.push(`counters read incomplete${r.timedOut ? ' (timed out)' : ''}`);
  return out;
}

function predict(scenario: TraceScenario, req: TraceRequest, whatIf: VerifyOptions['whatIf']): TraceResult {
  return traceScenario(scenario, req, whatIf).result;
}

function touchedOf(predicted: TraceResult, source: ProbeSource | undefined): { node: string; namespaces: string[] }[] {
  const by = new Map<string, Set<string>>();
  const add = (node: string, ns: string): void => void (by.get(node) ?? by.set(node, new Set()).get(node))?.add(ns);
  for (const h of allHops(predicted.path)) add(h.node, h.namespace);
  if (source) add(source.node, source.namespace);
  return [...by].map(([node, s]) => ({ node, namespaces: [...s] }));
}

/** Gathers the dumps, predicts, and decides where the probe leaves from and what it carries. Sends nothing. */
export async function planVerification(nodes: LiveNode[], req: TraceRequest, opts: VerifyOptions = {}): Promise<VerifyPlan> {
  const { scenario, diagnostics } = await liveScenarioFromModels(nodes, opts);
  // A fresh source port: no conntrack entry of an earlier probe can stand in the way of the nat rules.
  let request: TraceRequest = { ...req, proto: req.proto ?? 'tcp', sport: req.sport ?? randomInt(41000, 61000) };
  let predicted = predict(scenario, request, opts.whatIf);
  const notes: string[] = [];
  const traceTag = `swarmnet-verify-${randomBytes(4).toString('hex')}`;
  const reachable = new Set(nodes.filter((n) => n.runner).map((n) => n.model.name));
  const models = nodes.map((n) => n.model);
  const plan = (problem?: string, source?: ProbeSource, target?: ProbeTarget): VerifyPlan => ({
    request, predicted, scenario, nodes, source, target, problem, touched: touchedOf(predicted, source), traceTag, notes, diagnostics,
  });
  const first = predicted.path.hops[0];
  const tuple = first ? tupleOf(first.packet) : undefined;
  if (!tuple) return plan(`the traced packet (${first?.packet ?? 'none'}) is not TCP or UDP with addresses and ports: no probe for it`);
  let source = chooseProbeSource(first, tuple.src ?? '', models, reachable);
  if ('error' in source) return plan(source.error);
  if (source.standIn) {
    request = { ...request, from: source.standIn.from };
    predicted = predict(scenario, request, opts.whatIf);
    notes.push(`${source.standIn.replaces} is not on a node we reach: the probe leaves ${source.why}; the prediction is redone for that source`);
    const again = chooseProbeSource(predicted.path.hops[0], source.standIn.from, models, reachable);
    if ('error' in again) return plan(again.error);
    source = { ...again, why: source.why };
  }
  const t = tupleOf(predicted.path.hops[0]?.packet ?? '') ?? tuple;
  return plan(undefined, source, { ...t, src: t.src, sport: request.sport });
}

function runnerOf(plan: VerifyPlan, node: string): CommandRunner | undefined {
  return plan.nodes.find((n) => n.model.name === node)?.runner;
}

async function readAll(plan: VerifyPlan, commands: VerifyReport['commands'], opts: VerifyOptions): Promise<Map<string, Map<string, NsCounters>>> {
  const out = new Map<string, Map<string, NsCounters>>();
  await Promise.all(
    plan.touched.map(async (t) => {
      const runner = runnerOf(plan, t.node);
      if (!runner) return;
      commands.push({ node: t.node, argv: countersArgv('<nonce>', t.namespaces) });
      try {
        out.set(t.node, await readCounters(runner, t.namespaces, opts));
      } catch (e) {
        const problem = `reading counters failed: ${e instanceof Error ? e.message : String(e)}`;
        out.set(t.node, new Map(t.namespaces.map((ns) => [ns, { rules: [], ruleText: '', links: {}, problems: [problem] }])));
      }
    }),
  );
  return out;
}

function dumpRulesOf(scenario: TraceScenario, node: string, ns: string): RuleCount[] | undefined {
  const d = scenario.nodes.find((n) => n.model.name === node)?.dumps[ns];
  const save = d?.rules.find((r) => r.complete);
  return save ? countersFromSave(save.text) : undefined;
}

/** The TRACE commands `--verify=trace` may run for this plan (shown for confirmation before anything runs). */
export function traceCommandsFor(plan: VerifyPlan): string[] {
  return traceCommandLines(traceRuleSpecs(plan.predicted, plan.traceTag).specs);
}

async function probeOnce(plan: VerifyPlan, commands: VerifyReport['commands'], opts: VerifyOptions): Promise<ProbeResult | undefined> {
  const runner = plan.source ? runnerOf(plan, plan.source.node) : undefined;
  if (!plan.source || !plan.target || !runner) return undefined;
  let probe: ProbeResult;
  try {
    probe = await sendProbe(runner, plan.source, plan.target, { timeoutSec: opts.probeTimeoutSec, signal: opts.signal });
  } catch (e) {
    probe = { source: plan.source, target: plan.target, outcome: 'error', detail: e instanceof Error ? e.message : String(e), argv: [] };
  }
  commands.push({ node: plan.source.node, argv: probe.argv });
  return probe;
}

/**
 * TRACE rules on every namespace where they can be removed without a trace (raw table already there), monitors
 * started, the probe sent, monitors read, rules removed — the removal happens whatever fails in between.
 */
async function probeWithTrace(plan: VerifyPlan, before: Map<string, Map<string, NsCounters>>, commands: VerifyReport['commands'], notes: string[], opts: VerifyOptions): Promise<{ probe?: ProbeResult; events: Map<string, TraceEvent[]> }> {
  const { specs, skipped } = traceRuleSpecs(plan.predicted, plan.traceTag);
  for (const s of skipped) notes.push(`TRACE: ${s.node}/${s.namespace} not traced: ${s.why}`);
  const usable = specs.filter((s) => {
    const ok = canTraceIn(before.get(s.node)?.get(s.namespace)) && runnerOf(plan, s.node) !== undefined;
    if (!ok) notes.push(`TRACE: ${s.node}/${s.namespace} not traced: it has no raw table, and iptables cannot delete a table it creates (an empty *raw would stay behind); counters only`);
    return ok;
  });
  const events = new Map<string, TraceEvent[]>();
  const seconds = (opts.probeTimeoutSec ?? 3) + 3;
  const during = async (): Promise<ProbeResult | undefined> => {
    const monitors = usable.map(async (s) => {
      const argv = monitorArgv(s.namespace, seconds);
      commands.push({ node: s.node, argv });
      const r = await (runnerOf(plan, s.node) as CommandRunner).run(argv, { timeoutMs: (seconds + 10) * 1000, signal: opts.signal });
      if (r.code !== 0 && r.code !== 124) notes.push(`TRACE: xtables-monitor failed on ${s.node}/${s.namespace} (exit ${r.code}): ${r.stderr.trim().slice(0, 160)}`);
      if (plan.target) events.set(`${s.node}\u0000${s.namespace}`, parseMonitorTrace(r.stdout, plan.target.sport ?? 0, plan.target.dport));
    });
    await new Promise((r) => setTimeout(r, 1000)); // the monitors subscribe before the packet passes
    const probe = await probeOnce(plan, commands, opts);
    await Promise.all(monitors);
    return probe;
  };
  const byNode = new Map<string, TraceRuleSpec[]>();
  for (const s of usable) byNode.set(s.node, [...(byNode.get(s.node) ?? []), s]);
  const nodes = [...byNode];
  const nest = async (i: number): Promise<ProbeResult | undefined> => {
    if (i === nodes.length) return during();
    const [node, list] = nodes[i];
    for (const s of list) commands.push(...['PREROUTING', 'OUTPUT'].map((ch) => ({ node, argv: traceInsertArgv(s, ch) })));
    const r = await withTraceRules(runnerOf(plan, node) as CommandRunner, list, () => nest(i + 1));
    notes.push(...r.problems.map((p) => `TRACE: ${p}`));
    return r.value;
  };
  return { probe: await nest(0), events };
}

/** Reads counters, sends the probe, reads again, compares. Changes nothing on any node unless mode is "trace". */
export async function runVerification(plan: VerifyPlan, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const commands: VerifyReport['commands'] = [];
  const notes = [...plan.notes];
  const before = await readAll(plan, commands, opts);
  let probe: ProbeResult | undefined;
  let events = new Map<string, TraceEvent[]>();
  if (opts.mode === 'trace') ({ probe, events } = await probeWithTrace(plan, before, commands, notes, opts));
  else probe = await probeOnce(plan, commands, opts);
  const after = await readAll(plan, commands, opts);
  const reads: NsReads[] = plan.touched.flatMap((t) =>
    t.namespaces.map((ns) => ({
      node: t.node,
      namespace: ns,
      dumpRules: dumpRulesOf(plan.scenario, t.node, ns),
      before: before.get(t.node)?.get(ns),
      after: after.get(t.node)?.get(ns),
      trace: events.get(`${t.node}\u0000${ns}`),
    })),
  );
  const dstNode = plan.target ? ownerOf(plan.nodes.map((n) => n.model), plan.target.dst)?.node : undefined;
  const comparison = compareObserved(plan.predicted, reads, probe, { dstNode });
  const rulesIntact = reads.filter((r) => r.before && r.after && !r.before.problems.length && !r.after.problems.length).map((r) => ({ node: r.node, namespace: r.namespace, identical: r.before?.ruleText === r.after?.ruleText }));
  notes.push(...comparison.notes);
  if (plan.problem) notes.unshift(`not verified: ${plan.problem}`);
  if (probe && probe.tool === 'bash') notes.push('bash /dev/tcp cannot choose the source port: the probe used one the kernel picked');
  return { ...comparison, notes, request: plan.request, predicted: plan.predicted, probe, rulesIntact, commands };
}

/** Plan and run in one call (CLI and extension). */
export async function verifyLive(nodes: LiveNode[], req: TraceRequest, opts: VerifyOptions = {}): Promise<VerifyReport> {
  return runVerification(await planVerification(nodes, req, opts), opts);
}
