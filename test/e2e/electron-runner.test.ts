// The @vscode/test-electron runner (test/electron) cannot run here (VS Code is downloaded from the internet);
// this checks what can be checked offline: its files type-check (checkJs, strict, with the vscode API types)
// and it fails with a clear message, not a stack dump, when no VS Code is available.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './harness';

const FILES = ['test/electron/run.mjs', 'test/electron/suite/index.js', 'test/electron/suite/extension.test.js'];

test('test/electron type-checks (checkJs, strict, vscode + node types)', () => {
  const tsc = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
  const r = spawnSync(tsc, ['--ignoreConfig', '--allowJs', '--checkJs', '--noEmit', '--strict', '--skipLibCheck',
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node,vscode', ...FILES],
  { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `tsc reported:\n${r.stdout}${r.stderr}`);
});

test('test/electron/run.mjs fails clearly without a VS Code to run', () => {
  const r = spawnSync(process.execPath, ['test/electron/run.mjs'], {
    cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, SWARMNET_ELECTRON_BUILD: '0', VSCODE_EXECUTABLE: '/nonexistent/code' },
  });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /FAILED: VSCODE_EXECUTABLE=\/nonexistent\/code does not exist/);
});
