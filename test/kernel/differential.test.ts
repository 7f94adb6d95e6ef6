/**
 * Kernel-differential test of the packet tracer: the kernel (netfilter in network namespaces, see bed.ts) is the
 * oracle. Each case loads a Docker host's rules (three layouts) with generated DOCKER-USER rules — embedded in the
 * dump, or as a what-if file — into a router namespace, sends one real TCP SYN or UDP datagram through it, lets the
 * server answer, and compares with `trace` (the CLI's API) on the same dump: verdict, rule path, the answer's fate.
 *
 * SWARMNET_KERNEL_CASES (default 300) and SWARMNET_KERNEL_SEED (default below) choose the cases; the seed is printed.
 * SWARMNET_KERNEL_REPORT=<file> writes every disagreement (case, rules, both paths) to that file.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { canRun, KernelBed, type KernelResult } from './bed';
import { describeCase, genCase, renderCase, type Case, type Rendered } from './cases';
import { compare, kernelPath, kernelReplyBy, type Step, ruleNamed, type TracerView, traceCase, triage, type Verdicts } from './compare';
import { describeFlow } from './flows';
import { KNOWN } from './known';
import { dockerDump } from './layouts';

const CASES = Number(process.env.SWARMNET_KERNEL_CASES ?? 300);
const SEED = Number(process.env.SWARMNET_KERNEL_SEED ?? 20261206);
/** Only these case numbers (comma list), e.g. to re-run a disagreement; SWARMNET_KERNEL_DEBUG=1 prints the kernel's events. */
const ONLY = process.env.SWARMNET_KERNEL_ONLY?.split(',').map(Number);

interface Row {
  c: Case;
  r: Rendered;
  k: KernelResult;
  t: TracerView;
  kp: Step[];
  v: Verdicts;
}

const fmtPath = (p: Step[]): string => p.map((s) => `    ${s.table}/${s.chain} #${s.position}${s.position ? `  ${s.text}` : ''}${s.mayMatch.length ? `   [may-match: ${s.mayMatch.join('; ')}]` : ''}`).join('\n') || '    (none)';

/** Triage: the tracer's notes, both paths, and the rules that decided the answer on either side. */
function why(x: Row): string {
  const replyRules = `${ruleNamed(x.k.saved, x.t.replyBy)}\n${ruleNamed(x.k.saved, kernelReplyBy(x.k.reply, x.k.saved))}`;
  return triage(x.c, x.t, x.kp, x.v, x.r.whatIf ?? x.r.dump, replyRules);
}

function report(row: Row): string {
  const { c, r, k, t, kp, v } = row;
  const what = [!v.verdict && 'verdict', !v.path && 'path', !v.reply && 'reply', !v.replyBy && 'reply rule'].filter(Boolean).join(', ');
  return [
    `## ${describeCase(c)} — ${what}`,
    `triage: ${why(row)}`,
    `flow: ${describeFlow(c.flow)}`,
    `kernel: ${k.verdict}${k.dropBy?.rule ? ` by ${k.dropBy.rule}` : ''}; answer ${k.replyVerdict ?? '-'} (decided by ${kernelReplyBy(k.reply, k.saved) ?? '-'}); agent: ${k.agent}`,
    `tracer: ${t.verdict}; answer ${t.replyVerdict ?? '-'} (decided by ${t.replyBy ?? '-'}); ${t.summary}`,
    ...(t.whatIfDiagnostics.length ? [`what-if diagnostics: ${t.whatIfDiagnostics.join('; ')}`] : []),
    '```',
    r.whatIf !== undefined ? `# what-if file\n${r.whatIf}` : `# user rules in the dump\n${r.dump.split('\n').filter((l) => /^-A (DOCKER-USER|ALLOW-WEB|ufw-|FILTERS|LOG-AND-DROP)/.test(l) || /^:(ALLOW-WEB|ufw-|FILTERS|LOG-AND-DROP)/.test(l)).join('\n')}`,
    '```',
    'kernel path:',
    fmtPath(kp),
    'tracer path:',
    fmtPath(t.path),
    '',
  ].join('\n');
}

function tally(xs: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

const cannot = canRun();
const bed = new KernelBed();
before(async () => {
  if (!cannot) await bed.up();
}, { timeout: 60_000 });
after(() => {
  if (!cannot) bed.down();
});

test('the bed reads the kernel right: documented Docker behaviours give the documented outcome', { timeout: 120_000 }, async (t) => {
  if (cannot) return t.skip(`kernel-differential test skipped: ${cannot}`);
  for (const k of KNOWN) {
    const dump = dockerDump(k.layout, { decls: [], rules: k.rules }, k.placement);
    const r = await bed.runCase(dump, k.flow);
    assert.equal(r.restoreError, undefined, k.name);
    assert.equal(r.verdict, k.verdict, `${k.name}: kernel verdict (${describeFlow(k.flow)})`);
    if (k.by !== undefined) {
      const filter = (r.forward?.events ?? []).filter((e) => e.table === 'filter' && e.type !== 'return');
      const last = filter[filter.length - 1];
      assert.equal(last?.type === 'policy' ? 'policy' : last?.rule, k.by, `${k.name}: deciding rule`);
    }
    if (k.answer) assert.equal(r.replyVerdict, k.answer, `${k.name}: the answer`);
    // and the tracer says the same
    const c: Case = { id: -1, seed: 0, layout: k.layout, flow: k.flow, user: { chains: [], features: new Set() }, mode: { kind: 'embedded', placement: k.placement } };
    const tv = traceCase(c, { kernel: dump, dump }, bed.ipsetSave);
    const kp = kernelPath(r.forward, r.saved, dump);
    const v = compare(r, tv, kp);
    assert.ok(v.verdict && v.path && v.reply, `${k.name}: tracer disagrees: ${report({ c, r: { kernel: dump, dump }, k: r, t: tv, kp, v })}`);
  }
});

test(`trace agrees with the kernel on ${CASES} generated Docker-host cases (seed ${SEED})`, { timeout: 30 * 60_000 }, async (t) => {
  if (cannot) return t.skip(`kernel-differential test skipped: ${cannot}`);
  const rows: Row[] = [];
  const t0 = Date.now();
  {
    for (const i of ONLY ?? Array.from({ length: CASES }, (_, j) => j)) {
      const c = genCase(SEED, i);
      const r = renderCase(c);
      const k = await bed.runCase(r.kernel, c.flow);
      assert.equal(k.restoreError, undefined, `${describeCase(c)}: iptables-restore refused the generated rules: ${k.restoreError}\n${r.kernel}`);
      const seen = (): string => bed.lastPackets().map((p) => `${p.header.IN}:${p.header.SRC}:${p.header.SPORT}>${p.header.DST}:${p.header.DPORT} (${p.events.length} events)`).join(', ');
      assert.notEqual(k.verdict, 'LOST', `${describeCase(c)}: the bed lost the packet (${describeFlow(c.flow)}; agent: ${k.agent}; traced: ${seen()}): a harness problem`);
      if (process.env.SWARMNET_KERNEL_DEBUG) console.log(describeFlow(c.flow), JSON.stringify(bed.lastPackets(), null, 1));
      const tv = traceCase(c, r, bed.ipsetSave);
      const kp = kernelPath(k.forward, k.saved, r.dump);
      rows.push({ c, r, k, t: tv, kp, v: compare(k, tv, kp) });
    }
  }
  const n = rows.length;
  const count = (f: (v: Verdicts) => boolean): number => rows.filter((x) => f(x.v)).length;
  const bad = rows.filter((x) => !(x.v.verdict && x.v.path && x.v.reply && x.v.replyBy));
  const unexplained = bad.filter((x) => !x.v.explained || !x.v.reply || !x.v.replyBy);
  const whatIf = rows.filter((x) => x.c.mode.kind === 'what-if');
  const feats = new Map<string, number>();
  for (const x of rows) for (const f of x.c.user.features) feats.set(f, (feats.get(f) ?? 0) + 1);
  const kernelVerdicts = new Map<string, number>();
  for (const x of rows) kernelVerdicts.set(x.k.verdict, (kernelVerdicts.get(x.k.verdict) ?? 0) + 1);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(
    [
      `kernel-differential: seed ${SEED}, ${n} cases (${whatIf.length} what-if) in ${secs}s`,
      `  verdict ${count((v) => v.verdict)}/${n}, path ${count((v) => v.path)}/${n}, answer ${count((v) => v.reply)}/${n}, answer rule ${count((v) => v.replyBy)}/${n}, ${bad.length - unexplained.length} may-match explained, ${unexplained.length} unexplained`,
      `  what-if: verdict ${whatIf.filter((x) => x.v.verdict).length}/${whatIf.length}, path ${whatIf.filter((x) => x.v.path).length}/${whatIf.length}`,
      `  kernel verdicts: ${[...kernelVerdicts].map(([k, v]) => `${k} ${v}`).join(', ')}`,
      `  features: ${[...feats].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`,
      ...[...tally(unexplained.map(why))].map(([k, v]) => `  unexplained: ${v} × ${k}`),
    ].join('\n'),
  );
  const out = process.env.SWARMNET_KERNEL_REPORT;
  if (out) writeFileSync(out, `# kernel-differential disagreements (seed ${SEED}, ${n} cases)\n\n${bad.map(report).join('\n')}`);
  assert.equal(unexplained.length, 0, `${unexplained.length} disagreements with the kernel (first: ${unexplained[0] ? report(unexplained[0]) : ''})`);
});
