/**
 * The extension's settings module and activation, with the stand-in vscode: writes go to the scope that
 * defines the value and nowhere else, a failed write is a clear message, the defaults agree with
 * package.json, and every contributed command has a handler after activate().
 */
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fakeExtensionContext, installFakeVscode } from '../ssh/fakeVscode';

const fake = installFakeVscode();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cfg = require('../../src/extension/config') as typeof import('../../src/extension/config');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ext = require('../../src/extension/extension') as typeof import('../../src/extension/extension');

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: { commands: { command: string }[]; configuration: { properties: Record<string, { default?: unknown }> } };
};

const A = { name: 'a', transport: 'ssh' as const, host: 'a.example' };
const B = { name: 'b', transport: 'ssh' as const, host: 'b.example' };
const U = { name: 'u', transport: 'ssh' as const, host: 'u.example' };

beforeEach(() => {
  fake.settings = {};
  fake.scopes = { user: {}, workspace: {}, folder: {} };
  fake.writes = [];
  fake.failWrites = undefined;
  fake.hasFolder = false;
  fake.errors = [];
});

test('config: nodes defined in workspace settings are edited there; the user list is neither read nor written', async () => {
  fake.scopes.workspace['swarmnet.nodes'] = [A];
  fake.scopes.user['swarmnet.nodes'] = [U];
  const scope = await cfg.editNodes((l) => [...l, B]);
  assert.equal(scope.kind, 'workspace');
  assert.deepEqual(fake.writes, [{ key: 'swarmnet.nodes', value: [A, B], scope: 'workspace' }]);
  assert.deepEqual(fake.scopes.user['swarmnet.nodes'], [U]);
  await cfg.editNodes((l) => l.filter((n) => n.name !== 'b'));
  assert.deepEqual(fake.scopes.workspace['swarmnet.nodes'], [A]);
  assert.deepEqual(fake.scopes.user['swarmnet.nodes'], [U]);
  assert.equal(cfg.scopeLabel(scope), 'workspace settings');
});

test('config: a folder-only value is never a write target (window-scoped settings); nothing defined → user settings', async () => {
  // code-server: "Unable to write to Folder Settings because swarmnet.nodes does not support the folder resource scope"
  fake.hasFolder = true;
  fake.scopes.folder['swarmnet.nodes'] = [A];
  fake.scopes.workspace['swarmnet.nodes'] = [U];
  assert.equal((await cfg.editNodes((l) => [...l, B])).kind, 'workspace');
  assert.deepEqual(fake.writes, [{ key: 'swarmnet.nodes', value: [U, B], scope: 'workspace' }]);
  fake.scopes = { user: {}, workspace: {}, folder: {} };
  fake.writes = [];
  assert.equal((await cfg.editNodes((l) => [...l, B])).kind, 'user');
  assert.deepEqual(fake.writes, [{ key: 'swarmnet.nodes', value: [B], scope: 'user' }]);
  assert.ok(!fake.writes.some((w) => w.scope === 'folder'));
});

test('config: entries we cannot read are kept by an edit', async () => {
  fake.scopes.user['swarmnet.nodes'] = [A, { host: 'no-name' }, 'junk'];
  await cfg.editNodes((l) => l.filter((n) => n.name !== 'a'));
  assert.deepEqual(fake.scopes.user['swarmnet.nodes'], [{ host: 'no-name' }, 'junk']);
});

test('config: a failed write is a ConfigWriteError naming the setting and the scope', async () => {
  fake.scopes.workspace['swarmnet.nodes'] = [A];
  fake.failWrites = 'Unable to write into workspace settings because the file has unsaved changes / is not valid JSON';
  await assert.rejects(cfg.editNodes((l) => [...l, B]), (e: unknown) => e instanceof cfg.ConfigWriteError && /swarmnet\.nodes to workspace settings: Unable to write/.test(e.message));
});

test('config: defaults are one place and agree with package.json; bad values fall back to them', () => {
  const props = pkg.contributes.configuration.properties;
  for (const [k, v] of Object.entries(cfg.DEFAULTS)) assert.deepEqual(props[`swarmnet.${k}`]?.default, v, k);
  fake.settings = { 'swarmnet.commandTimeoutMs': -5, 'swarmnet.logLevel': 'loud' };
  assert.equal(cfg.config.commandTimeoutMs(), cfg.DEFAULTS.commandTimeoutMs);
  assert.equal(cfg.config.logLevel(), 'info');
  fake.settings = { 'swarmnet.includeLocalNode': false, 'swarmnet.nodes': [A, { nope: 1 }] };
  assert.deepEqual(cfg.config.allNodes().map((n) => n.name), ['a']);
});

test('activate: every contributed command has a handler, the log says how long activation took, nothing heavy loaded', () => {
  ext.activate(fakeExtensionContext(fake) as never);
  const heavy = Object.keys(require.cache).filter((k) => /node_modules\/(ssh2|dockerode|vscode-languageclient|docker-modem)\/|src\/(core\/trace|extension\/heavy)/.test(k));
  assert.deepEqual(heavy, [], 'loaded at activation');
  for (const c of pkg.contributes.commands) assert.ok(fake.commands.has(c.command), `no handler for ${c.command}`);
  assert.ok(fake.output.some((l) => /activated in \d+ ms/.test(l)), fake.output.join('\n'));
});

test('commands: remove / show "this machine" write includeLocalNode where it is defined and say so', async () => {
  fake.infos = [];
  const run = (id: string, ...a: unknown[]): unknown => fake.commands.get(id)?.(...a);
  fake.scopes.workspace['swarmnet.includeLocalNode'] = true;
  await run('swarmnet.removeNode', { kind: 'node', node: 'this machine' });
  assert.deepEqual(fake.writes, [{ key: 'swarmnet.includeLocalNode', value: false, scope: 'workspace' }]);
  assert.match(fake.infos.at(-1) ?? '', /"this machine" hidden.*Show This Machine.*saved in workspace settings/);
  await run('swarmnet.showLocalNode');
  assert.deepEqual(fake.writes.at(-1), { key: 'swarmnet.includeLocalNode', value: true, scope: 'workspace' });
  assert.equal(fake.scopes.user['swarmnet.includeLocalNode'], undefined);
});

test('commands: removing a node edits the defining scope and forgets its passphrase; a failed write is one clear error', async () => {
  fake.infos = [];
  const run = (id: string, ...a: unknown[]): unknown => fake.commands.get(id)?.(...a);
  fake.scopes.workspace['swarmnet.nodes'] = [A, B];
  fake.scopes.user['swarmnet.nodes'] = [U];
  fake.secrets.set('swarmnet.passphrase.b', 'pw');
  await run('swarmnet.removeNode', { kind: 'node', node: 'b' });
  assert.deepEqual(fake.scopes.workspace['swarmnet.nodes'], [A]);
  assert.deepEqual(fake.scopes.user['swarmnet.nodes'], [U]);
  assert.equal(fake.secrets.has('swarmnet.passphrase.b'), false);
  assert.match(fake.infos.at(-1) ?? '', /removed node b \(saved in workspace settings\)/);
  fake.failWrites = 'settings.json: Unexpected token';
  fake.secrets.set('swarmnet.passphrase.a', 'pw');
  await run('swarmnet.removeNode', { kind: 'node', node: 'a' });
  assert.equal(fake.errors.length, 1);
  assert.match(fake.errors[0], /^Could not save swarmnet\.nodes to workspace settings: settings\.json: Unexpected token\. Fix the settings file/);
  assert.doesNotMatch(fake.errors[0], /\.\./);
  assert.equal(fake.secrets.get('swarmnet.passphrase.a'), 'pw', 'nothing forgotten when the write failed');
});

test('commands: Add Node with swarmnet.nodes in workspace settings adds it there, says so, and leaves user settings alone', async () => {
  fake.infos = [];
  fake.scopes.workspace['swarmnet.nodes'] = [A];
  fake.scopes.user['swarmnet.nodes'] = [U];
  fake.inputs = ['deploy@10.9.8.7:2222'];
  fake.pick = (items) => items.find((i) => i.label.includes('ssh-agent only'));
  await fake.commands.get('swarmnet.addNode')?.();
  assert.deepEqual(fake.writes, [{ key: 'swarmnet.nodes', value: [A, { name: '10.9.8.7', transport: 'ssh', host: '10.9.8.7', user: 'deploy', port: 2222 }], scope: 'workspace' }]);
  assert.deepEqual(fake.scopes.user['swarmnet.nodes'], [U]);
  assert.match(fake.infos.at(-1) ?? '', /^Swarm: added 1 node\(s\): 10\.9\.8\.7 \(saved in workspace settings\)$/);
});

test('commands: Edit Node Settings opens the settings file of the scope that defines the nodes', async () => {
  fake.executed = [];
  fake.scopes.workspace['swarmnet.nodes'] = [A];
  await fake.commands.get('swarmnet.editNode')?.({ kind: 'nodeError', node: 'a', message: 'authentication failed: …' });
  fake.scopes.workspace = {};
  fake.scopes.user['swarmnet.nodes'] = [U];
  await fake.commands.get('swarmnet.editNode')?.({ kind: 'node', node: 'u' });
  await fake.commands.get('swarmnet.editNode')?.({ kind: 'node', node: 'this machine' });
  assert.deepEqual(fake.executed, ['workbench.action.openWorkspaceSettingsFile', 'workbench.action.openSettingsJson', 'workbench.action.openSettings']);
});
