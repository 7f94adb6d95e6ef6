/** The trace view names task sandboxes by their task (summary, titles, details, rule sources), lookups keep the ids. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceLabel, withTaskNames } from '../../src/core/present';
import type { NamespaceInfo, NodeModel } from '../../src/core/model';
import type { TraceResult } from '../../src/core/trace/types';

const sandbox: NamespaceInfo = { name: '1c3711c199f6', path: '/var/run/docker/netns/1c3711c199f6', kind: 'task', containers: [{ id: 'c1', name: 'web.2.hfa54krqp6z47z0ro5dcssvsu', taskId: 'hfa54krqp6z47z0ro5dcssvsu', serviceName: 'web' }], interfaces: [], fdb: [], neighbors: [], routes: [], peers: {} };
const model = { name: 'node1', networks: [], namespaces: [sandbox], services: [], diagnostics: [], discoveredAt: '' } as NodeModel;

const result = {
  request: { from: 'task:web@node1', to: '10.0.0.9' },
  path: {
    hops: [{ id: 1, node: 'node1', namespace: '1c3711c199f6', kind: 'namespace', title: 'sent by a process in 1c3711c199f6', detail: ['eth0 of 1c3711c199f6'], rules: [{ table: 'nat', chain: 'OUTPUT', text: '-A OUTPUT -j DOCKER_OUTPUT', source: 'node1/1c3711c199f6: iptables-save', effect: 'jump', unsupported: [], decided: false }], rewrites: [], packet: 'TCP', uncertain: [] }],
    branches: [],
  },
  summary: ['delivered from 1c3711c199f6 to 10.0.0.9'],
  notes: [],
  diagnostics: [],
} as unknown as TraceResult;

test('withTaskNames: every text names the task; namespace ids, the original and unknown hex stay as they were', () => {
  const label = namespaceLabel(sandbox);
  assert.notEqual(label, sandbox.name, 'a task sandbox has a task label');
  const shown = withTaskNames(result, [model]);
  const text = JSON.stringify({ s: shown.summary, h: shown.path.hops.map((h) => [h.title, h.detail, h.rules.map((r) => r.source)]) });
  assert.ok(!/\b1c3711c199f6\b/.test(text), text);
  assert.ok(text.includes(label));
  assert.equal(shown.path.hops[0].namespace, '1c3711c199f6', 'the id the callbacks look up by is kept');
  assert.equal(result.summary[0], 'delivered from 1c3711c199f6 to 10.0.0.9', 'the original is not changed');
  assert.deepEqual(withTaskNames({ ...result, summary: ['abcdefabcdef'] }, [model]).summary, ['abcdefabcdef']);
});
