/**
 * The doctor reads the engine's network-diagnostic-port from /etc/docker/daemon.json on the node. A missing file means
 * the diagnostic server is off; a read that timed out or failed says so instead (a busy node is not one without the
 * server: seen in a CI dry run under load, where every node was reported "diagnostic server off").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatherDoctorNode } from '../../src/core/doctor/gather';
import type { CommandRunner, RunResult } from '../../src/core/transport/types';
import type { NodeModel } from '../../src/core/model';

function runnerFor(daemonJson: Partial<RunResult>): CommandRunner {
  const ok: RunResult = { stdout: '', stderr: '', code: 0, timedOut: false, truncated: false, durationMs: 1 };
  return {
    description: 'fake',
    run: async (argv) => (argv[0] === 'cat' && argv[1] === '/etc/docker/daemon.json' ? { ...ok, ...daemonJson } : ok),
    close: async () => undefined,
  };
}

const model: NodeModel = { name: 'node1', networks: [], namespaces: [], services: [], diagnostics: [], discoveredAt: '2026-12-07T00:00:00Z' };

test('daemon.json missing: the diagnostic server is off', async () => {
  const n = await gatherDoctorNode(runnerFor({ code: 1, stderr: 'cat: /etc/docker/daemon.json: No such file or directory' }), model);
  assert.match(n.gossipSkipped ?? '', /^no \/etc\/docker\/daemon\.json on the node: the diagnostic server is off/);
});

test('daemon.json read timed out or failed: said as such, not "the diagnostic server is off"', async () => {
  const slow = await gatherDoctorNode(runnerFor({ code: null, timedOut: true, durationMs: 10000 }), model);
  assert.equal(slow.gossipSkipped, 'could not read /etc/docker/daemon.json on the node (timed out after 10000 ms): gossip checks skipped');
  const denied = await gatherDoctorNode(runnerFor({ code: 1, stderr: 'cat: /etc/docker/daemon.json: Permission denied\n' }), model);
  assert.equal(denied.gossipSkipped, 'could not read /etc/docker/daemon.json on the node (cat: /etc/docker/daemon.json: Permission denied): gossip checks skipped');
});

test('daemon.json without the port: the server is off, said with the key to set', async () => {
  const n = await gatherDoctorNode(runnerFor({ stdout: '{"log-level":"info"}' }), model);
  assert.match(n.gossipSkipped ?? '', /"network-diagnostic-port" is not set/);
});
