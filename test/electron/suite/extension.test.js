// @ts-check
// Runs inside VS Code's extension host (test/electron/run.mjs): the extension activates, its commands are all
// registered, and `swarmnet.refresh` completes (it discovers "this machine"; without Docker the node shows an
// error, which must not make the command throw).
'use strict';
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const vscode = require('vscode');

const ID = 'swarmnet.swarmnet';
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
/** @type {string[]} */
const contributed = manifest.contributes.commands.map((/** @type {{ command: string }} */ c) => c.command);

/** @returns {vscode.Extension<unknown>} */
function extension() {
  const ext = vscode.extensions.getExtension(ID);
  assert.ok(ext, `extension ${ID} is not installed in the test instance`);
  return ext;
}

/** @type {{ name: string, fn: () => Promise<void>, timeoutMs?: number }[]} */
const tests = [
  {
    name: 'the extension is present and activates',
    fn: async () => {
      const ext = extension();
      const t0 = Date.now();
      await ext.activate();
      assert.equal(ext.isActive, true);
      console.log(`  activated in ${Date.now() - t0} ms`);
    },
  },
  {
    name: 'every command of package.json is registered',
    fn: async () => {
      await extension().activate();
      const all = new Set(await vscode.commands.getCommands(true));
      const missing = contributed.filter((c) => !all.has(c));
      assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
      assert.ok(contributed.includes('swarmnet.refresh'));
    },
  },
  {
    name: 'swarmnet.refresh completes',
    timeoutMs: 90_000,
    fn: async () => {
      await extension().activate();
      await vscode.commands.executeCommand('swarmnet.explorer.focus');
      await vscode.commands.executeCommand('swarmnet.refresh');
    },
  },
  {
    name: 'docker-user.rules opens in the iptables language',
    fn: async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'no workspace folder open');
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'docker-user.rules'));
      assert.equal(doc.languageId, 'iptables');
    },
  },
];

module.exports = { tests };
