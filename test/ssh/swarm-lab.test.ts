/**
 * "Add whole swarm" against the real lab: the manager's Docker API lists the swarm nodes, they are mapped to
 * hosts of an ssh config (by address, by hostname, and the manager itself), and every mapped node is reached
 * over SSH with the lab's known_hosts through the real host-key policy (an unknown key would be refused).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readLab, type LabNode } from '../../src/cli/nodes';
import { connectNode } from '../../src/core/connect';
import { createDocker } from '../../src/core/transport/docker';
import { sshConfigFromText } from '../../src/core/sources/sshConfig';
import { swarmCandidates } from '../../src/core/sources/swarm';
import { makeKnownHostsVerifier } from '../../src/core/transport/knownHosts';
import { LAB_JSON, requireLab } from '../helpers';

/** The swarm node id lab.json gives for a lab node (lab.sh always writes it). */
function swarmId(n: LabNode): string {
  assert.ok(n.swarmNodeId, `${n.name}: lab.json gives its swarm node id`);
  return n.swarmNodeId;
}

test('whole swarm from the lab manager: nodes listed, mapped to ssh-config hosts, each reached over SSH', async () => {
  requireLab();
  const lab = await readLab(LAB_JSON);
  const mgr = lab.nodes[0];
  // An ssh config as a user would write it: the manager by its loopback port (its swarm address differs: it is
  // matched as the manager), one worker under an unrelated alias, the others under their hostname.
  // (Matching by hostname/alias alone is covered by test/unit/sources-swarm.test.ts.)
  const workers = lab.nodes.slice(1);
  const cfgText = [
    `Host lab-manager\n  HostName ${mgr.sshHost}\n  Port ${mgr.sshPort}\n  User ${mgr.sshUser}\n  IdentityFile ${mgr.keyPath}`,
    ...workers.map((n, i) => (i === 0 ? `Host w-by-address\n  HostName ${n.advertiseAddr}` : `Host ${n.hostname}\n  HostName ${n.sshHost}`) + `\n  Port ${n.sshPort}\n  User ${n.sshUser}\n  IdentityFile ${n.keyPath}\n  IdentityAgent none`),
  ].join('\n');
  const ssh = await sshConfigFromText(cfgText, { localUser: 'root' });
  assert.deepEqual(ssh.diagnostics, []);
  const manager = ssh.candidates.find((c) => c.alias === 'lab-manager')?.config;
  assert.ok(manager);

  const docker = createDocker({ kind: 'socket', socketPath: mgr.dockerSocket });
  const { candidates, diagnostics } = await swarmCandidates(docker, ssh.candidates, { manager });
  assert.deepEqual(diagnostics, []);
  assert.equal(candidates.length, lab.nodes.length);
  const byId = new Map(candidates.map((c) => [c.node.id, c]));
  assert.equal(byId.get(swarmId(mgr))?.matchedBy, 'manager');
  assert.equal(byId.get(swarmId(mgr))?.node.role, 'manager');
  assert.equal(byId.get(swarmId(workers[0]))?.matchedBy, 'address');
  assert.equal(byId.get(swarmId(workers[0]))?.config?.name, 'w-by-address');
  for (const w of workers.slice(1)) assert.equal(byId.get(swarmId(w))?.config?.name, w.hostname);

  const verifyHostKey = makeKnownHostsVerifier({
    knownHostsPath: lab.knownHosts,
    onUnknown: async (i) => assert.fail(`unknown host key for ${i.host}:${i.port}`),
    onMismatch: (i) => assert.fail(`host key mismatch for ${i.host}:${i.port}`),
  });
  for (const c of candidates) {
    assert.ok(c.config, c.problem);
    const conn = await connectNode(c.config, { verifyHostKey, timeoutMs: 10_000 });
    try {
      const r = await conn.runner?.run(['hostname']);
      assert.equal(r?.stdout.trim(), c.node.hostname, `${c.config.name} is the swarm node it was mapped to`);
    } finally {
      await conn.close();
    }
  }
});
