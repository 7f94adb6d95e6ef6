// Installing the extension into a fresh code-server (the VSIX users get, or a copy of the shipped files), the
// default user settings of a test workbench, and code-server's process group (health check, stop).
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_SERVER_ENTRY, REPO_ROOT, sleep, T } from './env';

export function ensureBuilt(build: boolean, root: string): void {
  if (build && root === REPO_ROOT) {
    const r = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(`npm run build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
  }
  if (!existsSync(join(root, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js missing: run `npm run build` first');
  }
}

/** Copies what .vscodeignore ships (package.json, dist, media, syntaxes, language-configuration*.json). */
export function copyExtension(extensionsDir: string, root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    publisher: string; name: string; version: string;
  };
  const target = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(root)) {
    const shipped = ['package.json', 'dist', 'media', 'syntaxes', 'README.md', 'LICENSE'].includes(name)
      || /^language-configuration.*\.json$/.test(name);
    if (shipped) cpSync(join(root, name), join(target, name), { recursive: true });
  }
  return target;
}

export function installVsix(extensionsDir: string, userDataDir: string, vsixPath: string | undefined): void {
  let vsix = vsixPath;
  if (vsix === undefined) {
    // always afresh: a swarmnet.vsix left from an earlier build would test stale code
    vsix = join(REPO_ROOT, 'swarmnet.vsix');
    rmSync(vsix, { force: true });
    const r = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (r.status !== 0 || !existsSync(vsix)) {
      throw new Error(`npm run package failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
  } else if (!existsSync(vsix)) {
    throw new Error(`VSIX ${vsix} does not exist`);
  }
  const r = spawnSync(process.execPath, [CODE_SERVER_ENTRY, '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir, '--install-extension', vsix], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || !/was successfully installed/i.test(r.stdout + r.stderr)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

export function defaultUserSettings(): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.colorTheme': 'Default Dark Modern',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'security.workspace.trust.enabled': false,
    'editor.minimap.enabled': false,
    'editor.lightbulb.enabled': 'on',
    // token colours in assertions must come from the grammar only
    'editor.bracketPairColorization.enabled': false,
    'git.enabled': false,
    'window.restoreWindows': 'none',
    'files.hotExit': 'off',
    'swarmnet.logLevel': 'debug',
  };
}

export async function waitForHealth(port: number, server: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + T.serverStart;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`code-server exited with ${server.exitCode}:\n${readFileSync(logPath, 'utf8').slice(-3000)}`);
    }
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await sleep(200);
  }
  throw new Error(`code-server did not answer /healthz within ${T.serverStart} ms:\n${readFileSync(logPath, 'utf8').slice(-3000)}`);
}

export function killGroup(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
  try { process.kill(-p.pid, signal); } catch { /* already gone */ }
}

export async function stopGroup(p: ChildProcess): Promise<void> {
  if (p.pid === undefined) return;
  const exited = new Promise<void>((r) => {
    if (p.exitCode !== null || p.signalCode !== null) r();
    else p.once('exit', () => r());
  });
  killGroup(p, 'SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  // the extension host and pty host are in the same process group: make sure none survives
  try { process.kill(-p.pid, 'SIGKILL'); } catch { /* group already empty */ }
  if (!done) await Promise.race([exited, sleep(2000)]);
}
