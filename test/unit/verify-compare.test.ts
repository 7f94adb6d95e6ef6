/**
 * The comparison behind `trace --verify`, on real captures: test/fixtures/trace-verify/*.json hold what the lab's
 * nodes printed (Docker 20.10, iptables 1.8.9 nf_tables, a kernel without IPVS) for the counter reads and the
 * probe of one verification, and the prediction made from the same live dumps. They are replayed through a
 * runner that answers with the recorded output; edits to them (a rule added, a counter that did not move) are
 * the faults, each with the hop and reason expected written down first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeModel } from '../../src/core/model';
import type { CommandRunner, RunResult } from '../../src/core/transport/types';
import { runVerification, type VerifyPlan, type VerifyReport } from '../../src/core/trace/verify';
import { compareObserved, walkedChains, type NsReads } from '../../src/core/trace/verifyCompare';
import { countersFromSave, linkCountersFromJson, normalizeSave, ruleDeltas } from '../../src/core/trace/verifyCounters';
import { chooseProbeSource, parseProbeOutput, tupleOf, type ProbeResult, type ProbeSource, type ProbeTarget } from '../../src/core/trace/verifyProbe';
import type { Hop, TraceRequest, TraceResult } from '../../src/core/trace/types';
import { FIXTURES } from '../helpers';

interface Capture {
  source: string;
  request: TraceRequest;
  predicted: TraceResult;
  touched: VerifyPlan['touched'];
  source_: ProbeSource;
  target: ProbeTarget;
  dumps: { node: string; namespace: string; text?: string }[];
  runs: { node: string; argv: string[]; stdout: string; stderr: string; code: number | null }[];
}

function load(name: string): Capture {
  return JSON.parse(readFileSync(join(FIXTURES, 'trace-verify', name), 'utf8')) as Capture;
}

/** A runner answering each command with the next recorded output of its node (the read's marker nonce rewritten). */
function replayRunner(node: string, c: Capture): CommandRunner {
  const queue = c.runs.filter((r) => r.node === node);
  return {
    description: `replay ${node}`,
    close: async () => undefined,
    run: async (argv): Promise<RunResult> => {
      const rec = queue.shift();
      assert.ok(rec, `${node}: no recorded output left for ${argv.slice(0, 3).join(' ')}`);
      let stdout = rec.stdout;
      if (argv[1] === '-c' && rec.argv[1] === '-c' && argv[0] === 'sh') stdout = stdout.split(`@@${rec.argv[4]} `).join(`@@${argv[4]} `);
      return { stdout, stderr: rec.stderr, code: rec.code, timedOut: false, truncated: false, durationMs: 1 };
    },
  };
}

function modelOf(name: string, addrs: Record<string, string[]> = {}, nodeAddr?: string): NodeModel {
  return {
    name,
    networks: [],
    services: [],
    diagnostics: [],
    discoveredAt: '',
    swarm: nodeAddr ? { nodeId: name, nodeAddr, localNodeState: 'active', controlAvailable: true, remoteManagers: [] } : undefined,
    namespaces: Object.entries(addrs).map(([ns, ips]) => ({
      name: ns,
      path: '',
      kind: ns === 'host' ? 'host' : 'task',
      containers: [],
      interfaces: [{ ifindex: 2, name: 'eth0', flags: [], addresses: ips.map((address) => ({ family: 'inet' as const, address, prefixLen: 24 })) }],
      fdb: [],
      neighbors: [],
      routes: [],
      peers: {},
    })),
  };
}

function planOf(c: Capture, nodeAddrs: Record<string, string[]> = {}): VerifyPlan {
  const names = [...new Set([...c.touched.map((t) => t.node), ...c.runs.map((r) => r.node)])];
  return {
    request: c.request,
    predicted: c.predicted,
    scenario: {
      nodes: names.map((n) => ({
        model: modelOf(n),
        dumps: Object.fromEntries(c.dumps.filter((d) => d.node === n && d.text !== undefined).map((d) => [d.namespace, { rules: [{ text: d.text ?? '', source: 'capture', complete: true }] }])),
      })),
    },
    nodes: names.map((n) => ({ model: modelOf(n, nodeAddrs[n] ? { host: nodeAddrs[n] } : {}), runner: replayRunner(n, c) })),
    source: c.source_,
    target: c.target,
    touched: c.touched,
    traceTag: 'swarmnet-verify-test',
    notes: [],
    diagnostics: [],
  };
}

/** Edits the recorded output of the `index`-th read (0 = before, 1 = after) of one node. */
function editRead(c: Capture, node: string, index: number, edit: (stdout: string) => string): Capture {
  const copy = structuredClone(c);
  const reads = copy.runs.filter((r) => r.node === node && r.argv[0] === 'sh');
  reads[index].stdout = edit(reads[index].stdout);
  return copy;
}

function byId(r: VerifyReport, id: number): VerifyReport['observed'][number] {
  const o = r.observed.find((x) => x.id === id);
  assert.ok(o, `hop ${id}`);
  return o;
}

test('verify replay, overlay task → task (real capture): observed = predicted, vxlan0 out on node1 and in on node3 seen, rules identical on the 6 namespaces read', async () => {
  const c = load('overlay-task-to-task.json');
  const r = await runVerification(planOf(c));
  assert.equal(r.agrees, true);
  assert.equal(r.firstDifference, undefined);
  assert.equal(r.probe?.outcome, 'connected');
  assert.equal(r.probe?.tool, 'python3');
  assert.deepEqual([byId(r, 7).kind, byId(r, 7).status], ['vxlan', 'seen']);
  assert.match(byId(r, 7).evidence.join(), /^vxlan0 tx \+[1-9]\d* packets$/);
  assert.deepEqual([byId(r, 13).kind, byId(r, 13).status], ['vxlan', 'seen']);
  assert.match(byId(r, 13).evidence.join(), /^vxlan0 rx \+[1-9]/);
  assert.equal(byId(r, 18).status, 'seen');
  // Host underlay hops have only policies (no counters in iptables-nft): said, not guessed.
  assert.equal(byId(r, 8).status, 'not-observable');
  assert.equal(r.rulesIntact.length, 6);
  assert.ok(r.rulesIntact.every((x) => x.identical));
  assert.deepEqual(r.changedSinceDumps, []);
});

test('verify replay: a DROP on UDP 4789 in node3/host INPUT that is not in the dumps and counted → first difference at hop 12 (node3 underlay INPUT), the later decapsulation not seen', async () => {
  const c0 = load('overlay-task-to-task.json');
  const add = (n: number) => (s: string): string => s.replace(/(\n\*filter\n(?::[^\n]*\n)*)/, `$1[${n}:${n * 150}] -A INPUT -s 198.18.0.1/32 -p udp -m udp --dport 4789 -j DROP\n`);
  let c = editRead(c0, 'node3', 0, add(0));
  c = editRead(c, 'node3', 1, add(4));
  // In the real run vxlan0 on node3 would then receive nothing: keep its rx counter still.
  const rxOf = (s: string): string | undefined => /"ifname":"vxlan0".*?"rx":\{[^}]*"packets":(\d+)/.exec(s.slice(s.indexOf('ns 1-qru7ngt575 link')))?.[1];
  const reads = c.runs.filter((x) => x.node === 'node3' && x.argv[0] === 'sh');
  const rx0 = rxOf(reads[0].stdout);
  assert.ok(rx0);
  c = editRead(c, 'node3', 1, (s) => {
    const i = s.indexOf('ns 1-qru7ngt575 link');
    return s.slice(0, i) + s.slice(i).replace(/("ifname":"vxlan0".*?"rx":\{[^}]*"packets":)\d+/, `$1${rx0}`);
  });
  const r = await runVerification(planOf(c));
  assert.equal(r.agrees, false);
  assert.equal(r.firstDifference?.id, 12);
  assert.deepEqual([r.firstDifference?.node, r.firstDifference?.namespace], ['node3', 'host']);
  assert.equal(r.firstDifference?.reason, 'a rule not in the dumps took the packet: filter/INPUT #1 -A INPUT -s 198.18.0.1/32 -p udp -m udp --dport 4789 -j DROP (added after the rules were read)');
  assert.equal(byId(r, 13).status, 'not-seen');
  assert.match(byId(r, 13).reason ?? '', /vxlan0 received nothing/);
  assert.deepEqual(r.changedSinceDumps, [{ node: 'node3', namespace: 'host', added: ['filter/INPUT #1 -A INPUT -s 198.18.0.1/32 -p udp -m udp --dport 4789 -j DROP'], removed: [] }]);
});

test('verify replay: vxlan0 on node1 sent nothing → first difference at hop 6 (br0 → vxlan0) naming the FDB', async () => {
  const c0 = load('overlay-task-to-task.json');
  const reads = c0.runs.filter((x) => x.node === 'node1' && x.argv[0] === 'sh');
  const part = (s: string): string => s.slice(s.indexOf('ns 1-qru7ngt575 link'));
  const tx0 = /"ifname":"vxlan0".*?"tx":\{[^}]*"packets":(\d+)/.exec(part(reads[0].stdout))?.[1];
  assert.ok(tx0);
  const c = editRead(c0, 'node1', 1, (s) => {
    const i = s.indexOf('ns 1-qru7ngt575 link');
    return s.slice(0, i) + s.slice(i).replace(/("ifname":"vxlan0".*?"tx":\{[^}]*"packets":)\d+/, `$1${tx0}`);
  });
  const r = await runVerification(planOf(c));
  assert.equal(r.firstDifference?.id, 6);
  assert.equal(r.firstDifference?.kind, 'bridge');
  assert.match(r.firstDifference?.reason ?? '', /^br0 passed nothing to vxlan0: a missing or different FDB row/);
  assert.match(byId(r, 7).reason ?? '', /^vxlan0 sent nothing: no FDB row/);
});

test('verify replay, published port without IPVS (real capture): the stand-in probe is refused by node1 itself → the predicted stop is observed; refused by another node it is not', async () => {
  const c = load('published-port-no-ipvs.json');
  const r = await runVerification(planOf(c, { node1: ['198.18.0.1'], node2: ['198.18.0.2'] }));
  assert.equal(r.probe?.outcome, 'refused');
  assert.equal(r.agrees, true);
  assert.match(byId(r, 2).evidence.join(), /^nat\/PREROUTING #1 -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER: \+[1-9]/);
  assert.deepEqual([byId(r, 5).kind, byId(r, 5).status], ['drop', 'seen']);
  // The same answer, when the destination address is not node1's: the packet went past node1.
  const other = await runVerification(planOf(c, { node1: ['198.18.0.9'], node2: ['198.18.0.1'] }));
  assert.equal(other.firstDifference?.id, 5);
  assert.match(other.firstDifference?.reason ?? '', /went past the predicted stop/);
});

test('verify replay: the predicted nat PREROUTING rule counted nothing → not seen at hop 2, the kernel did not take it', async () => {
  const c0 = load('published-port-no-ipvs.json');
  const before = c0.runs.filter((x) => x.node === 'node1' && x.argv[0] === 'sh')[0].stdout;
  const cnt = /\[(\d+:\d+)\] -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER/.exec(before)?.[1];
  assert.ok(cnt);
  const c = editRead(c0, 'node1', 1, (s) => s.replace(/\[\d+:\d+\] (-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER)/, `[${cnt}] $1`));
  const r = await runVerification(planOf(c, { node1: ['198.18.0.1'] }));
  assert.equal(r.firstDifference?.id, 2);
  assert.match(r.firstDifference?.reason ?? '', /^nat\/PREROUTING #1 -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER counted nothing: the kernel did not take the predicted rule/);
});

// Small hand-made hops for the reasons no capture shows.
function hop(id: number, p: Partial<Hop>): Hop {
  return { id, node: 'n1', namespace: 'host', kind: 'netfilter', title: 'FORWARD (filter)', detail: [], rules: [], rewrites: [], packet: 'TCP 10.0.0.2:40000 → 10.0.0.3:80', uncertain: [], ...p };
}

const save = (lines: string[]): string => `*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n${lines.filter((l) => l.includes('nat-')).map((l) => l.replace('nat-', '')).join('\n')}\nCOMMIT\n*filter\n:FORWARD ACCEPT [0:0]\n${lines.filter((l) => !l.includes('nat-')).join('\n')}\nCOMMIT\n`;

function readsOf(beforeLines: string[], afterLines: string[], dumpLines = beforeLines): NsReads[] {
  const ns = (l: string[]) => ({ rules: countersFromSave(save(l)), ruleText: normalizeSave(save(l)), links: {}, problems: [] });
  return [{ node: 'n1', namespace: 'host', dumpRules: countersFromSave(save(dumpLines)), before: ns(beforeLines), after: ns(afterLines) }];
}

const probe = (outcome: ProbeResult['outcome']): ProbeResult => ({ source: { node: 'n1', namespace: 'host', why: '' }, target: { proto: 'tcp', dst: '10.0.0.3', dport: 80 }, outcome, detail: '', argv: [], tool: 'python3' });

function result(hops: Hop[]): TraceResult {
  return { request: { from: 'a', to: 'b' }, path: { hops, branches: [] }, summary: [], notes: [], diagnostics: [] };
}

test('verify compare: a nat rule that did not count while the filter rules of the same hop did → the conntrack entry is named', () => {
  const h = hop(2, {
    title: 'PREROUTING (nat, filter)',
    rules: [
      { table: 'nat', chain: 'PREROUTING', position: 1, text: '-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.9', source: 's', effect: 'DNAT', unsupported: [], decided: false },
      { table: 'filter', chain: 'FORWARD', position: 1, text: '-A FORWARD -p tcp -j ACCEPT', source: 's', effect: 'ACCEPT', unsupported: [], decided: true },
    ],
  });
  const c = compareObserved(result([hop(1, { kind: 'enter', title: 'sent' }), h]), readsOf(['[5:300] nat-PREROUTING -p tcp -j DNAT --to-destination 10.0.0.9', '[7:420] -A FORWARD -p tcp -j ACCEPT'].map((l) => l.replace('nat-PREROUTING', 'nat--A PREROUTING')), ['[5:300] nat--A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.9', '[9:540] -A FORWARD -p tcp -j ACCEPT']), probe('connected'));
  assert.equal(c.firstDifference?.id, 2);
  assert.match(c.firstDifference?.reason ?? '', /nat rules see only a connection's first packet — a conntrack entry for this 5-tuple already existed/);
});

test('verify compare: a predicted rule deleted since the dumps → "no longer on the node"; no probe sent → never agrees', () => {
  const h = hop(2, { rules: [{ table: 'filter', chain: 'FORWARD', position: 1, text: '-A FORWARD -p tcp -j ACCEPT', source: 's', effect: 'ACCEPT', unsupported: [], decided: true }] });
  const c = compareObserved(result([hop(1, { kind: 'enter', title: 'sent' }), h]), readsOf([], [], ['[1:60] -A FORWARD -p tcp -j ACCEPT']), probe('connected'));
  assert.match(c.firstDifference?.reason ?? '', /^filter\/FORWARD #1 -A FORWARD -p tcp -j ACCEPT is no longer on the node/);
  assert.deepEqual(c.changedSinceDumps[0].removed, ['filter/FORWARD #1 -A FORWARD -p tcp -j ACCEPT']);
  const none = compareObserved(result([hop(1, { kind: 'enter', title: 'sent' })]), [], { ...probe('not-sent'), tool: undefined });
  assert.equal(none.agrees, false);
  assert.equal(none.observed[0].status, 'not-seen');
});

test('verify counters: rule identity survives an insert (positions shift, deltas stay per rule); policies are read; normalised saves ignore counters and dates', () => {
  const a = '# Generated by iptables-save v1.8.9 (nf_tables) on Sun Dec  6 00:12:12 2026\n*filter\n:FORWARD DROP [3:180]\n:DOCKER-USER - [0:0]\n[10:600] -A FORWARD -j DOCKER-USER\n[10:600] -A DOCKER-USER -j RETURN\nCOMMIT\n';
  const b = '# Generated by iptables-save v1.8.9 (nf_tables) on Sun Dec  6 00:13:00 2026\n*filter\n:FORWARD DROP [4:240]\n:DOCKER-USER - [0:0]\n[12:720] -A FORWARD -j DOCKER-USER\n[2:120] -A DOCKER-USER -d 198.18.0.2/32 -j DROP\n[10:600] -A DOCKER-USER -j RETURN\nCOMMIT\n';
  const d = [...ruleDeltas(countersFromSave(a), countersFromSave(b)).values()].map((x) => `${x.rule.chain}#${x.rule.position} +${x.packets}${x.appeared ? ' new' : ''}`);
  assert.deepEqual(d, ['FORWARD#0 +1', 'FORWARD#1 +2', 'DOCKER-USER#1 +2 new', 'DOCKER-USER#2 +0']);
  assert.equal(normalizeSave(a), normalizeSave(a.replace('[10:600] -A FORWARD', '[99:9] -A FORWARD').replace('00:12:12', '01:00:00')));
  assert.notEqual(normalizeSave(a), normalizeSave(b));
});

test('verify counters: ip -s -j link (real output, trailing @peer names) and bad input', () => {
  const j = '[{"ifindex":7,"ifname":"eth0@if8","stats64":{"rx":{"bytes":1,"packets":4},"tx":{"bytes":2,"packets":9}}},{"ifname":"lo","stats":{"rx":{"packets":1},"tx":{"packets":1}}}]';
  assert.deepEqual(linkCountersFromJson(j), { eth0: { rx: 4, tx: 9 }, lo: { rx: 1, tx: 1 } });
  const problems: string[] = [];
  assert.deepEqual(linkCountersFromJson('Option "-j" is unknown', problems), {});
  assert.match(problems[0], /not JSON/);
});

test('verify probe: output parsing, "has nothing" said, 5-tuple from a hop, and where an external client probe leaves from', () => {
  assert.deepEqual(parseProbeOutput('tool python3\nlocal 10.231.0.8 45000\nresult connected\n'), { tool: 'python3', outcome: 'connected', detail: 'sent from 10.231.0.8:45000' });
  assert.equal(parseProbeOutput('tool none\n').outcome, 'not-sent');
  assert.match(parseProbeOutput('tool none\n').detail, /neither python3, nc nor bash/);
  assert.equal(parseProbeOutput('').outcome, 'error');
  assert.deepEqual(tupleOf('UDP 1.2.3.4:5 → 6.7.8.9:53 mark 0x1'), { proto: 'udp', src: '1.2.3.4', sport: 5, dst: '6.7.8.9', dport: 53 });
  assert.equal(tupleOf('ICMP 1.2.3.4 → 6.7.8.9'), undefined);
  const c = load('published-port-no-ipvs.json');
  const first = c.predicted.path.hops[0];
  const models = [modelOf('node1', { host: ['198.18.0.1'] }, '198.18.0.1'), modelOf('node2', { host: ['198.18.0.2'] }, '198.18.0.2')];
  const ext = chooseProbeSource(first, '203.0.113.7', models, new Set(['node1', 'node2']));
  assert.deepEqual('error' in ext ? ext : ext.standIn, { from: '198.18.0.2', replaces: '203.0.113.7' });
  assert.deepEqual(chooseProbeSource(first, '198.18.0.2', models, new Set(['node1', 'node2'])), { node: 'node2', namespace: 'host', why: 'from node2/host, which owns 198.18.0.2' });
  assert.ok('error' in chooseProbeSource(first, '203.0.113.7', models, new Set(['node1'])));
  const task = load('overlay-task-to-task.json').predicted.path.hops[0];
  assert.deepEqual(chooseProbeSource(task, '10.231.0.8', [], new Set(['node1'])), { node: 'node1', namespace: task.namespace, why: `from node1/${task.namespace}, where the traced packet starts` });
});

test('verify compare: the chains a netfilter hop walks include its hook per table and every jump target', () => {
  const h = hop(1, { title: 'FORWARD (filter)', rules: [{ table: 'filter', chain: 'FORWARD', position: 1, text: '-A FORWARD -j DOCKER-USER', source: 's', effect: 'jump DOCKER-USER', unsupported: [], decided: false }] });
  assert.deepEqual([...walkedChains(h)].sort(), ['filter/DOCKER-USER', 'filter/FORWARD']);
  assert.deepEqual([...walkedChains(hop(2, { title: 'underlay OUTPUT (nat, filter)' }))].sort(), ['filter/OUTPUT', 'nat/OUTPUT']);
});
