/** "Add Nodes from SSH Config / Docker Contexts…" (src/extension/nodeSources.ts) with a stand-in vscode. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { NodeConfig } from '../../src/core/connect';
import { nullLogger } from '../../src/core/log';
import { contextDirName } from '../../src/core/sources/dockerContexts';
import type { CommandRunner } from '../../src/core/transport/types';
import { installFakeVscode, type FakeQuickPickItem } from '../ssh/fakeVscode';
import { FIXTURES } from '../helpers';

const ui = installFakeVscode();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ns = require('../../src/extension/nodeSources') as typeof import('../../src/extension/nodeSources');

const dockerDir = mkdtempSync(join(tmpdir(), 'swarmnet-ui-'));
after(() => rmSync(dockerDir, { recursive: true, force: true }));
const h = contextDirName('prod-tls');
mkdirSync(join(dockerDir, 'contexts', 'meta', h), { recursive: true });
writeFileSync(join(dockerDir, 'contexts', 'meta', h, 'meta.json'), JSON.stringify({ Name: 'prod-tls', Metadata: {}, Endpoints: { docker: { Host: 'tcp://192.0.2.10:2376' } } }));
mkdirSync(join(dockerDir, 'contexts', 'tls', h, 'docker'), { recursive: true });
for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dockerDir, 'contexts', 'tls', h, 'docker', f), 'x');

/**
 * `docker context ls` as the CLI would print it for this store (+ default), without needing the CLI. The argv is
 * recorded and checked by the test: an assertion in here would be swallowed (listContextsWithCli turns a throw
 * into a diagnostic and falls back to the context store).
 */
const cliCalls: string[][] = [];
const fakeCli: CommandRunner = {
  description: 'fake',
  run: async (argv) => {
    cliCalls.push([...argv]);
    const lines = [
      { Current: true, Description: 'Current DOCKER_HOST based configuration', DockerEndpoint: 'unix:///var/run/docker.sock', Error: '', Name: 'default' },
      { Current: false, Description: '', DockerEndpoint: 'tcp://192.0.2.10:2376', Error: '', Name: 'prod-tls' },
    ];
    return { stdout: lines.map((l) => JSON.stringify(l)).join('\n'), stderr: '', code: 0, timedOut: false, truncated: false, durationMs: 1 };
  },
  close: async () => undefined,
};

const existing: NodeConfig[] = [{ name: 'mgr1', transport: 'ssh', host: '203.0.113.10', port: 2200, user: 'jump' }];
const ctx = { log: nullLogger, existing: () => existing, hooks: () => ({ verifyHostKey: () => false }), localRunner: fakeCli, home: join(FIXTURES, 'ssh', 'home'), dockerConfigDir: dockerDir };

test('addNodesFrom: one multi-select list of ssh-config hosts and docker contexts; picked ones returned with unique names', async () => {
  ui.pick = (items, many) => {
    assert.equal(many, true);
    return items.filter((i) => /(mgr1|prod-tls|bastion)$/.test(i.label) && i.kind !== -1);
  };
  cliCalls.length = 0;
  const got = await ns.addNodesFrom(ctx);
  assert.deepEqual(cliCalls.map((a) => a.slice(-5)), [['docker', 'context', 'ls', '--format', '{{json .}}']], 'the CLI was asked once, with {{json .}}');
  const qp = ui.quickPicks.at(-1);
  assert.ok(qp);
  const labels = qp.items.map((i: FakeQuickPickItem) => i.label);
  assert.deepEqual(labels.filter((l) => !l.startsWith('$(')), ['SSH config (~/.ssh/config)', 'Docker contexts']);
  assert.ok(labels.includes('$(remote) mgr1'));
  assert.ok(labels.includes('$(server-environment) prod-tls'));
  assert.ok(!labels.some((l) => /default/.test(l)), 'the default (local) context is not offered: "this machine" covers it');
  assert.match(qp.items.find((i) => i.label === '$(remote) bastion')?.description ?? '', /already added/);
  assert.match(qp.items.find((i) => i.label === '$(remote) worker2')?.detail ?? '', /\$\(warning\).*chain of 2 hops/);
  assert.deepEqual(
    got.map((c) => [c.name, c.transport, c.host ?? c.dockerHost]),
    // bastion is the same target as the configured "mgr1": not added twice; mgr1 gets a free name.
    [
      ['mgr1-2', 'ssh', 'mgr1.example.org'],
      ['prod-tls', 'docker', 'tcp://192.0.2.10:2376'],
    ],
  );
  assert.ok(got[1].tlsCertPath?.endsWith('cert.pem'));
  for (const c of got) assert.ok(!/passphrase|password/i.test(JSON.stringify(c)), 'no secrets in a node config');
});

test('addNodesFrom: cancelled → nothing', async () => {
  ui.pick = () => undefined;
  assert.deepEqual(await ns.addNodesFrom(ctx), []);
});

test('uniqueNames: against existing nodes and within the batch', () => {
  const mk = (name: string): NodeConfig => ({ name, transport: 'ssh', host: name });
  assert.deepEqual(ns.uniqueNames([mk('a'), mk('a'), mk('b')], [mk('a'), mk('a-2')]).map((c) => c.name), ['a-3', 'a-4', 'b']);
});
