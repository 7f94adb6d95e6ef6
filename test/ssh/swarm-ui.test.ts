/** "Add Whole Swarm from a Manager…" (src/extension/nodeSources.ts) against the lab, with a stand-in vscode. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { NodeConfig } from '../../src/core/connect';
import { nullLogger } from '../../src/core/log';
import { FIXTURES, LAB_JSON, requireLab } from '../helpers';
import { installFakeVscode } from './fakeVscode';

const ui = installFakeVscode();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ns = require('../../src/extension/nodeSources') as typeof import('../../src/extension/nodeSources');

test('addWholeSwarm: pick a manager, list its swarm, offer the nodes (new ones pre-selected), return the chosen', async () => {
  requireLab();
  const lab = JSON.parse(readFileSync(LAB_JSON, 'utf8')) as { nodes: { hostname: string; advertiseAddr: string; dockerSocket: string }[] };
  const manager: NodeConfig = { name: 'lab-engine', transport: 'docker', dockerHost: `unix://${lab.nodes[0].dockerSocket}` };
  const existing = [manager];
  let step = 0;
  ui.pick = (items, many) => {
    step++;
    if (step === 1) {
      assert.equal(many, false);
      return items.find((i) => i.label.endsWith(' lab-engine'));
    }
    assert.equal(many, true);
    return items.filter((i) => i.picked);
  };
  const got = await ns.addWholeSwarm({ log: nullLogger, existing: () => existing, hooks: () => ({ verifyHostKey: () => false, timeoutMs: 10_000 }), home: join(FIXTURES, 'ssh', 'home'), dockerConfigDir: '/nonexistent' });
  assert.equal(step, 2);
  const offered = ui.quickPicks.at(-1)?.items ?? [];
  assert.equal(offered.length, lab.nodes.length);
  const mgrItem = offered.find((i) => i.label.includes(lab.nodes[0].hostname));
  assert.match(mgrItem?.description ?? '', /already added/);
  assert.equal(mgrItem?.picked, false);
  assert.match(mgrItem?.detail ?? '', /^manager \(leader\), ready, active/);
  assert.deepEqual(
    got.map((c) => [c.name, c.transport, c.host]).sort(),
    lab.nodes.slice(1).map((n) => [n.hostname, 'ssh', n.advertiseAddr]).sort(),
  );
  assert.deepEqual(ui.errors, []);
});
