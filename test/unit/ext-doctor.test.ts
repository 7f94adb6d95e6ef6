/**
 * The extension's Swarm doctor: the findings view groups by network then node (cluster-wide findings last), and a
 * guarded fix shows its exact commands in a modal first and runs only when the user confirms — never on cancel
 * or on a dismissed dialog; after it ran, the user is told whether the checks still report the finding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installFakeVscode } from '../ssh/fakeVscode';
import type { Finding } from '../../src/core/doctor/types';
import type { FixOutcome } from '../../src/core/doctor/session';
import { shellJoin as shellLine } from '../../src/core/transport/quote';

const fake = installFakeVscode();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { groupFindings, evidenceText } = require('../../src/extension/doctor/group') as typeof import('../../src/extension/doctor/group');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { confirmAndApply } = require('../../src/extension/doctor/confirm') as typeof import('../../src/extension/doctor/confirm');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DoctorViewProvider } = require('../../src/extension/doctor/view') as typeof import('../../src/extension/doctor/view');

const FDB = ['nsenter', '--net=/var/run/docker/netns/1-qru7ngt575', '--', 'bridge', 'fdb', 'replace', '02:42:0a:e7:00:06', 'dev', 'vxlan0', 'dst', '198.18.0.1', 'self', 'permanent'];
function finding(node: string, code: string, network?: string, fix = false): Finding {
  return {
    code, severity: 'error', node, network, message: `${code} on ${node}`, symptom: 'timeouts',
    evidence: [{ label: `FDB on vxlan0 (${node})`, source: 'bridge fdb show', rows: ['02:42:0a:e7:00:08 dev vxlan0 dst 198.18.0.1 self permanent'] }],
    target: { node, networkId: network ? `id-${network}` : undefined },
    fix: fix ? { title: 'repair the kernel entry', node, commands: [FDB] } : undefined,
  };
}
const outcome = (gone: boolean, code = 0): FixOutcome => ({ log: [{ argv: FDB, code, stderr: code ? 'RTNETLINK answers: Operation not permitted' : '' }], gone, after: { findings: [], skipped: [], checks: [], nodes: [], durationMs: 0 } });

test('groupFindings: by network (numeric name order, cluster-wide last), then node, findings in report order', () => {
  const fs = [finding('node2', 'kernel/fdb-missing', 'web'), finding('node10', 'underlay/blocked'), finding('node1', 'gossip/stale-row', 'web'), finding('node2', 'kernel/neigh-missing', 'web'), finding('node1', 'capacity/full', 'app')];
  const g = groupFindings(fs).map((n) => [n.network, n.nodes.map((x) => [x.node, x.findings.map((f) => f.code)])]);
  assert.deepEqual(g, [
    ['app', [['node1', ['capacity/full']]]],
    ['web', [['node1', ['gossip/stale-row']], ['node2', ['kernel/fdb-missing', 'kernel/neigh-missing']]]],
    ['(cluster)', [['node10', ['underlay/blocked']]]],
  ]);
  assert.deepEqual(groupFindings([]), []);
});

test('the view: network → node → finding items; fixable findings get their own context value; skipped listed', () => {
  const v = new DoctorViewProvider();
  assert.deepEqual(v.getChildren(), []);
  v.show({ findings: [finding('node1', 'kernel/fdb-missing', 'web', true), finding('node2', 'gossip/stale-row', 'web')], skipped: [{ check: 'lb', node: 'node1', reason: 'IPVS is absent' }], checks: ['kernel'], nodes: ['node1', 'node2'], durationMs: 1 });
  const top = v.getChildren();
  assert.deepEqual(top.map((e) => v.getTreeItem(e).label), ['web', 'Skipped (1)']);
  const nodes = v.getChildren(top[0]);
  assert.deepEqual(nodes.map((e) => [v.getTreeItem(e).label, v.getTreeItem(e).description]), [['node1', '1 finding'], ['node2', '1 finding']]);
  const items = nodes.flatMap((n) => v.getChildren(n)).map((e) => v.getTreeItem(e));
  assert.deepEqual(items.map((i) => [i.label, i.contextValue]), [['kernel/fdb-missing', 'doctorFinding.fixable'], ['gossip/stale-row', 'doctorFinding']]);
  assert.equal(items[0].command?.command, 'swarmnet.doctor.reveal');
  assert.deepEqual(v.getChildren(top[1]).map((e) => v.getTreeItem(e).label), ['lb on node1: IPVS is absent']);
  v.show({ findings: [], skipped: [], checks: ['kernel', 'gossip'], nodes: ['node1'], durationMs: 1 });
  assert.deepEqual(v.getChildren().map((e) => v.getTreeItem(e).label), ['No finding on node1 (2 checks)']);
  // the nodes named in the Nodes view's order, not the report's
  v.show({ findings: [], skipped: [], checks: ['kernel'], nodes: ['node2', 'node3', 'this machine'], durationMs: 1 }, ['this machine', 'node2', 'node3']);
  assert.deepEqual(v.getChildren().map((e) => v.getTreeItem(e).label), ['No finding on this machine, node2, node3 (1 check)']);
});

test('evidence text: every side\'s raw rows with their source, the symptom, and the fix as shell lines', () => {
  const t = evidenceText(finding('node1', 'kernel/fdb-missing', 'web', true));
  for (const s of ['ERROR kernel/fdb-missing on node1 (network web)', 'Symptom: timeouts', '# from: bridge fdb show', '02:42:0a:e7:00:08 dev vxlan0 dst 198.18.0.1 self permanent', `runs on node1 only after you confirm`, shellLine(FDB)]) assert.ok(t.includes(s), s);
});

test('fix: the modal shows the exact commands for that node; cancel or dismiss runs nothing', async () => {
  let applied = 0;
  const f = finding('node1', 'kernel/fdb-missing', 'web', true) as Finding & { fix: NonNullable<Finding['fix']> };
  for (const answer of [undefined, 'Cancel']) {
    fake.warnings.length = 0;
    fake.warningAnswer = answer;
    assert.equal(await confirmAndApply(f, async () => (applied++, outcome(true))), 'cancelled');
    assert.equal(applied, 0, `applied after answer ${answer}`);
    const w = fake.warnings[0];
    assert.deepEqual((w.options as { modal: boolean }).modal, true);
    assert.ok((w.options as { detail: string }).detail.includes(shellLine(FDB)));
    assert.ok((w.options as { detail: string }).detail.includes('run on node1 only'));
    assert.deepEqual(w.items, ['Run on node1']);
  }
});

test('fix: confirmed → runs once on that finding, then says whether the finding is gone, still reported, or failed', async () => {
  const f = finding('node1', 'kernel/fdb-missing', 'web', true) as Finding & { fix: NonNullable<Finding['fix']> };
  fake.warningAnswer = 'Run on node1';
  const seen: Finding[] = [];
  fake.infos.length = 0;
  assert.equal(await confirmAndApply(f, async (x) => (seen.push(x), outcome(true))), 'gone');
  assert.deepEqual(seen, [f]);
  assert.match(fake.infos[0], /no longer reported/);
  fake.warnings.length = 0;
  assert.equal(await confirmAndApply(f, async () => outcome(false)), 'still-reported');
  assert.match(fake.warnings[1].message, /still report kernel\/fdb-missing/);
  fake.errors.length = 0;
  assert.equal(await confirmAndApply(f, async () => outcome(false, 2)), 'failed');
  assert.match(fake.errors[0], /exited 2: RTNETLINK answers: Operation not permitted/);
});
