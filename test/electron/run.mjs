// @ts-check
// Extension tests in a real desktop VS Code via @vscode/test-electron: `npm run test:electron`.
// For machines that can download VS Code (update.code.visualstudio.com). On machines without internet use the
// code-server UI suite instead: `bash scripts/install-code-server.sh && npm run test:e2e`.
//
// Env: VSCODE_VERSION (default "stable"), VSCODE_EXECUTABLE (use an installed VS Code, no download),
//      SWARMNET_ELECTRON_BUILD=0 (skip `npm run build`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const t0 = Date.now();
const log = (/** @type {string} */ m) => console.log(`[test:electron ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

/** @param {string} msg @param {unknown} [cause] @returns {never} */
function fail(msg, cause) {
  console.error(`[test:electron] FAILED: ${msg}`);
  if (cause !== undefined) console.error(cause instanceof Error ? cause.stack ?? cause.message : String(cause));
  process.exit(1);
}

if (process.env.SWARMNET_ELECTRON_BUILD !== '0') {
  log('npm run build');
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' });
  if (b.status !== 0) fail(`npm run build exited with ${b.status}`);
}
if (!existsSync(join(repo, 'dist', 'extension.js'))) fail('dist/extension.js missing: run `npm run build`');

/** @type {string} */
let executable;
if (process.env.VSCODE_EXECUTABLE) {
  executable = process.env.VSCODE_EXECUTABLE;
  if (!existsSync(executable)) fail(`VSCODE_EXECUTABLE=${executable} does not exist`);
} else {
  const version = process.env.VSCODE_VERSION ?? 'stable';
  log(`downloading VS Code ${version} (cached in .tools/vscode-test/)`);
  try {
    executable = await downloadAndUnzipVSCode({ version, cachePath: join(repo, '.tools', 'vscode-test'), timeout: 60_000 });
  } catch (e) {
    fail(
      `could not download VS Code ${version} from update.code.visualstudio.com (no internet access?).\n`
        + '  Set VSCODE_EXECUTABLE=/path/to/code to use an installed VS Code, or run the UI suite in code-server,\n'
        + '  which needs only the npm registry: `bash scripts/install-code-server.sh && npm run test:e2e`.',
      e,
    );
  }
}

if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  log('warning: no DISPLAY: Electron needs an X server; run under `xvfb-run -a npm run test:electron`');
}

const tmp = mkdtempSync(join(tmpdir(), 'swarmnet-electron-'));
const workspace = join(tmp, 'workspace');
mkdirSync(join(workspace, '.vscode'), { recursive: true });
writeFileSync(join(workspace, 'docker-user.rules'), '*filter\n-A FORWARD -p tcp --dport 80 -j DROP\nCOMMIT\n');
writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'swarmnet.logLevel': 'debug' }, null, 2));

let code = 1;
try {
  log(`running the suite in ${executable}`);
  code = await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(here, 'suite', 'index.js'),
    launchArgs: [
      workspace,
      '--disable-extensions', // only the extension under development
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', join(tmp, 'user-data'),
      ...(process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
    extensionTestsEnv: { SWARMNET_TEST_WORKSPACE: workspace },
  });
} catch (e) {
  fail('the VS Code test run failed (see the suite output above)', e);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
log(code === 0 ? 'all electron tests passed' : `VS Code exited with ${code}`);
process.exit(code);
