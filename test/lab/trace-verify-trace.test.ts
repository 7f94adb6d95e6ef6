/**
 * `--verify=trace` against the kernel, in network namespaces this test creates (trace-verify-*): a client
 * namespace and a server namespace joined by a veth pair, both with a raw table, one more namespace without it.
 * The TRACE rules are really inserted, read with xtables-monitor --trace while the probe passes, and deleted;
 * iptables-save (without counters) of every namespace is checked identical afterwards, here, with iptables-save.
 * The lab's nodes are not touched (their namespaces have no raw table, so TRACE mode skips them: see
 * trace-verify.test.ts for the lab).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { LocalRunner } from '../../src/core/transport/local';
import type { CommandRunner } from '../../src/core/transport/types';
import type { NodeModel } from '../../src/core/model';
import { runVerification, type VerifyPlan } from '../../src/core/trace/verify';
import { parseProbeOutput, probeArgv } from '../../src/core/trace/verifyProbe';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hop, HopRule, TraceResult } from '../../src/core/trace/types';

const A = 'trace-verify-a';
const B = 'trace-verify-b';
const C = 'trace-verify-c';
const root = process.getuid?.() === 0;
let usable = root;

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', timeout: 10000, stdio: 'pipe' });
}
function inNs(ns: string, argv: string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', timeout: 10000, input });
}
/** iptables-save without comment lines and without the policy counters it prints even without -c. */
function save(ns: string): string {
  return inNs(ns, ['iptables-save']).split('\n').filter((l) => !l.startsWith('#')).map((l) => l.replace(/^(:\S+ \S+) \[\d+:\d+\]$/, '$1')).join('\n');
}

/** The local runner, with Docker's namespace directory mapped to the one `ip netns` uses for these namespaces. */
function mappedRunner(): CommandRunner {
  const local = new LocalRunner();
  return { description: 'local (ip netns)', close: () => local.close(), run: (argv, o) => local.run(argv.map((a) => a.split('/var/run/docker/netns').join('/var/run/netns')), o) };
}

before(() => {
  if (!root) return;
  try {
    execFileSync('sh', ['-c', 'command -v xtables-monitor && command -v python3'], { stdio: 'ignore' });
  } catch {
    usable = false;
    return;
  }
  for (const n of [A, B, C]) {
    try { ip(['netns', 'del', n]); } catch { /* not there */ }
    ip(['netns', 'add', n]);
    inNs(n, ['ip', 'link', 'set', 'lo', 'up']);
  }
  ip(['link', 'add', 'tv-veth-a', 'netns', A, 'type', 'veth', 'peer', 'name', 'tv-veth-b', 'netns', B]);
  inNs(A, ['ip', 'addr', 'add', '10.99.0.1/24', 'dev', 'tv-veth-a']);
  inNs(B, ['ip', 'addr', 'add', '10.99.0.2/24', 'dev', 'tv-veth-b']);
  inNs(A, ['ip', 'link', 'set', 'tv-veth-a', 'up']);
  inNs(B, ['ip', 'link', 'set', 'tv-veth-b', 'up']);
  const raw = '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
  inNs(A, ['iptables-restore'], `${raw}*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 10.99.0.2/32 -p tcp -m tcp --dport 9999 -j ACCEPT\nCOMMIT\n`);
  inNs(B, ['iptables-restore'], `${raw}*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 9999 -j ACCEPT\nCOMMIT\n`);
  inNs(C, ['iptables-restore'], '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n');
});

after(() => {
  if (!root) return;
  for (const n of [A, B, C]) {
    try { ip(['netns', 'del', n]); } catch { /* gone */ }
  }
});

const rule = (table: string, chain: string, position: number, text: string): HopRule => ({ table, chain, position, text, source: 'test', effect: 'ACCEPT', unsupported: [], decided: true });
function hop(id: number, namespace: string, p: Partial<Hop>): Hop {
  return { id, node: 'local', namespace, kind: 'netfilter', title: '', detail: [], rules: [], rewrites: [], packet: 'TCP 10.99.0.1:45123 → 10.99.0.2:9999', uncertain: [], ...p };
}

/** The path the tracer would predict for A → B:9999 (written out: these namespaces have no Docker model). */
function plan(extraNs?: string): VerifyPlan {
  const hops = [
    hop(1, A, { kind: 'enter', title: `sent by a process in ${A}`, nsKind: 'task' }),
    hop(2, A, { title: 'OUTPUT (filter)', rules: [rule('filter', 'OUTPUT', 1, '-A OUTPUT -d 10.99.0.2/32 -p tcp -m tcp --dport 9999 -j ACCEPT')] }),
    hop(3, A, { kind: 'veth', title: `veth tv-veth-a → ${B}/tv-veth-b`, iface: { out: 'tv-veth-a' } }),
    hop(4, B, { title: 'INPUT (filter)', iface: { in: 'tv-veth-b' }, rules: [rule('filter', 'INPUT', 1, '-A INPUT -p tcp -m tcp --dport 9999 -j ACCEPT')] }),
    hop(5, B, { kind: 'deliver', title: 'delivered to a local socket 10.99.0.2:9999' }),
  ];
  if (extraNs) hops.push(hop(6, extraNs, { kind: 'unknown', title: 'a namespace without a raw table' }));
  const predicted: TraceResult = { request: { from: '10.99.0.1', to: '10.99.0.2:9999' }, path: { hops, branches: [] }, summary: [], notes: [], diagnostics: [] };
  const model: NodeModel = { name: 'local', networks: [], namespaces: [], services: [], diagnostics: [], discoveredAt: '' };
  const namespaces = [A, B, ...(extraNs ? [extraNs] : [])];
  return {
    request: { ...predicted.request, proto: 'tcp', sport: 45123 },
    predicted,
    scenario: { nodes: [{ model, dumps: Object.fromEntries(namespaces.map((n) => [n, { rules: [{ text: inNs(n, ['iptables-save', '-c']), source: 'iptables-save -c', complete: true }] }])) }] },
    nodes: [{ model, runner: mappedRunner() }],
    source: { node: 'local', namespace: A, why: `from ${A}` },
    target: { proto: 'tcp', src: '10.99.0.1', sport: 45123, dst: '10.99.0.2', dport: 9999 },
    touched: [{ node: 'local', namespaces }],
    traceTag: 'swarmnet-verify-test1',
    notes: [],
    diagnostics: [],
  };
}

test('kernel --verify=trace: TRACE rules for the probe in both namespaces, xtables-monitor shows the predicted rules taken, rules identical after; a namespace without raw table is left alone', { skip: !root && 'needs root for network namespaces' }, async (t) => {
  if (!usable) return t.skip('xtables-monitor or python3 missing');
  const before = { a: save(A), b: save(B), c: save(C) };
  const r = await runVerification(plan(C), { mode: 'trace' });
  assert.deepEqual({ a: save(A), b: save(B), c: save(C) }, before, 'iptables-save identical in every namespace after the verification');
  assert.ok(r.rulesIntact.every((x) => x.identical) && r.rulesIntact.length === 3, JSON.stringify(r.rulesIntact));
  assert.ok(!save(C).includes('*raw'), 'no raw table created where there was none');
  assert.ok(r.notes.some((n) => n === `TRACE: local/${C} not traced: it has no raw table, and iptables cannot delete a table it creates (an empty *raw would stay behind); counters only`), r.notes.join('\n'));
  assert.equal(r.probe?.outcome, 'refused');
  const h2 = r.observed.find((o) => o.id === 2);
  const h4 = r.observed.find((o) => o.id === 4);
  assert.deepEqual([h2?.status, h4?.status], ['seen', 'seen'], JSON.stringify(r.observed, null, 1));
  assert.deepEqual(h2?.evidence, ['TRACE filter/OUTPUT #1 -A OUTPUT -d 10.99.0.2/32 -p tcp -m tcp --dport 9999 -j ACCEPT: taken']);
  assert.deepEqual(h4?.evidence, ['TRACE filter/INPUT #1 -A INPUT -p tcp -m tcp --dport 9999 -j ACCEPT: taken']);
  assert.equal(r.agrees, true);
  const inserted = r.commands.filter((c) => c.argv.includes('-I') && c.argv.includes('TRACE'));
  assert.equal(inserted.length, 4, 'PREROUTING and OUTPUT in the two namespaces with a raw table');
  assert.ok(inserted.every((c) => c.argv.join(' ').includes('-m comment --comment swarmnet-verify-test1 -j TRACE')));
});

test('kernel --verify=trace: a DROP added in the server namespace after the prediction → TRACE shows the kernel took it at hop 4, rules identical after the verification', { skip: !root && 'needs root for network namespaces' }, async (t) => {
  if (!usable) return t.skip('xtables-monitor or python3 missing');
  const p = plan();
  const drop = ['-I', 'INPUT', '1', '-p', 'tcp', '--dport', '9999', '-j', 'DROP'];
  inNs(B, ['iptables', ...drop]);
  try {
    const before = { a: save(A), b: save(B) };
    const r = await runVerification(p, { mode: 'trace', probeTimeoutSec: 2 });
    assert.deepEqual({ a: save(A), b: save(B) }, before);
    assert.equal(r.probe?.outcome, 'timeout');
    assert.equal(r.firstDifference?.id, 4, JSON.stringify(r.observed, null, 1));
    assert.equal(
      r.firstDifference?.reason,
      'TRACE shows the kernel did not take filter/INPUT #1 -A INPUT -p tcp -m tcp --dport 9999 -j ACCEPT; it took: filter/INPUT -A INPUT -p tcp -m tcp --dport 9999 -j DROP → DROP',
    );
  } finally {
    inNs(B, ['iptables', '-D', 'INPUT', '-p', 'tcp', '--dport', '9999', '-j', 'DROP']);
  }
});

test('kernel probe: uses what the node has — python3, else busybox nc, else bash /dev/tcp — and says so when it has none; a refusal is read as such by each', { skip: !root && 'needs root for network namespaces' }, (t) => {
  if (!usable) return t.skip('xtables-monitor or python3 missing');
  // the real binaries (a python3 found on PATH may be a version-manager shim that needs more than python3)
  const which = (c: string): string =>
    c === 'python3' ? execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim() : execFileSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' }).trim();
  const bin = mkdtempSync(join(tmpdir(), 'trace-verify-bin-'));
  try {
    const run = (tools: string[]): ReturnType<typeof parseProbeOutput> => {
      rmSync(bin, { recursive: true, force: true });
      execFileSync('mkdir', ['-p', bin]);
      for (const x of ['sh', 'grep', 'timeout', ...tools]) symlinkSync(which(x), join(bin, x));
      const argv = probeArgv(A, { proto: 'tcp', src: '10.99.0.1', sport: 45200 + tools.length, dst: '10.99.0.2', dport: 9999 }, 2);
      // nsenter as the product runs it, with ip netns' directory and a PATH holding only the given tools
      const mapped = argv.map((a) => a.split('/var/run/docker/netns').join('/var/run/netns'));
      const out = execFileSync(which(mapped[0]), mapped.slice(1), { encoding: 'utf8', env: { PATH: bin }, timeout: 15000 });
      return parseProbeOutput(out);
    };
    const py = run(['python3']);
    assert.deepEqual([py.tool, py.outcome], ['python3', 'refused']);
    const nc = run(['busybox']);
    assert.deepEqual([nc.tool, nc.outcome], ['busybox nc', 'refused'], nc.detail);
    const bash = run(['bash']);
    assert.deepEqual([bash.tool, bash.outcome], ['bash', 'refused'], bash.detail);
    const none = run([]);
    assert.deepEqual([none.tool, none.outcome], [undefined, 'not-sent']);
    assert.match(none.detail, /neither python3, nc nor bash/);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
