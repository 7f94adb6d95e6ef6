// A real VS Code (code-server 4.100.3 = VS Code 1.100, installed by scripts/install-code-server.sh into .tools/)
// served on 127.0.0.1 and driven by Debian's chromium via playwright-core: start (install the extension, start
// code-server, open the workspace), reload, close; runStep (one UI step: screenshot, log on failure).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '../../helpers';
import { EditorWorkbench } from './editor';
import { CHROMIUM, CHROMIUM_ARGS, CODE_SERVER_ENTRY, REPO_ROOT, SCREENSHOT_DIR, T, type StartOptions } from './env';
import { copyExtension, defaultUserSettings, ensureBuilt, installVsix, killGroup, stopGroup, waitForHealth } from './install';

export class Workbench extends EditorWorkbench {
  static async start(opts: StartOptions = {}): Promise<Workbench> {
    if (!existsSync(CODE_SERVER_ENTRY)) {
      throw new Error(`code-server is not installed (${CODE_SERVER_ENTRY} missing): run \`bash scripts/install-code-server.sh\``);
    }
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} missing: run \`bash scripts/install-code-server.sh\` (installs Debian chromium)`);
    }
    const extensionRoot = opts.extensionRoot ?? REPO_ROOT;
    // SWARMNET_E2E_BUILD=0: use the existing dist/ (e.g. while someone else's file breaks the build)
    ensureBuilt(opts.build ?? process.env.SWARMNET_E2E_BUILD !== '0', extensionRoot);

    const tmp = mkdtempSync(join(tmpdir(), 'swarmnet-e2e-'));
    const workspace = join(tmp, 'workspace');
    const userDataDir = join(tmp, 'user-data');
    const extensionsDir = join(tmp, 'extensions');
    for (const d of [workspace, join(userDataDir, 'User'), extensionsDir]) mkdirSync(d, { recursive: true });
    writeFileSync(join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({ ...defaultUserSettings(), ...opts.userSettings }, null, 2));
    for (const [rel, content] of Object.entries(opts.workspaceFiles ?? {})) {
      const p = join(workspace, rel);
      if (relative(workspace, p).startsWith('..')) throw new Error(`workspace file outside the folder: ${rel}`);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
    if (opts.workspaceSettings) {
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(opts.workspaceSettings, null, 2));
    }
    const mode = opts.install ?? (process.env.SWARMNET_E2E_INSTALL === 'copy' ? 'copy' : 'vsix');
    const tInstall = Date.now();
    if (mode === 'vsix' && extensionRoot === REPO_ROOT) {
      installVsix(extensionsDir, userDataDir, opts.vsixPath);
    } else {
      copyExtension(extensionsDir, extensionRoot);
    }
    const installMs = Date.now() - tInstall;

    const port = await freePort();
    const serverLogPath = join(tmp, 'code-server.log');
    const serverLog = createWriteStream(serverLogPath);
    const server = spawn(process.execPath, [
      CODE_SERVER_ENTRY,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--extensions-dir', extensionsDir,
      '--user-data-dir', userDataDir,
      '--log', 'info',
      '--config', join(tmp, 'code-server.yaml'),
      workspace,
    ], { cwd: tmp, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PASSWORD: undefined, ...opts.env } });
    // if the test process dies without running close(), take code-server's process group with it
    const onExit = (): void => killGroup(server, 'SIGKILL');
    process.once('exit', onExit);
    server.once('exit', () => process.removeListener('exit', onExit));
    server.stdout?.pipe(serverLog, { end: false });
    server.stderr?.pipe(serverLog, { end: false });

    let browser: Browser | undefined;
    try {
      await waitForHealth(port, server, serverLogPath);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1600, height: 1000 } });
      const page = await context.newPage();
      const wb = new Workbench(page, browser, server, port, tmp, workspace, userDataDir, extensionsDir,
        serverLog, serverLogPath);
      page.on('console', (m) => {
        if (m.type() === 'error') wb.consoleLines.push(`[${m.type()}] ${m.text()}`);
      });
      page.on('pageerror', (e) => wb.consoleLines.push(`[pageerror] ${e.message}`));
      const t0 = Date.now();
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: T.workbench });
      // the activity bar and the explorer are the last parts restored
      await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: T.workbench });
      wb.timings.workbenchLoadMs = Date.now() - t0;
      wb.timings[mode === 'vsix' ? 'packageAndInstallMs' : 'copyInstallMs'] = installMs;
      // the extension host starts after the workbench; measurements of our view start once it is idle
      await wb.waitForLog('remoteexthost.log', /Eager extensions activated/, T.workbench);
      wb.timings.extensionHostReadyMs = Date.now() - t0;
      return wb;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      killGroup(server);
      serverLog.end();
      throw e;
    }
  }

  /** Always call (in `after`). Idempotent. */
  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await stopGroup(this.server);
    this.serverLog.end();
    if (process.env.SWARMNET_E2E_KEEP === '1') {
      console.log(`[e2e] kept ${this.tmp}`);
    } else {
      rmSync(this.tmp, { recursive: true, force: true });
    }
  }

  /** Developer: Reload Window; resolves once the reloaded workbench shows its activity bar. */
  async reload(): Promise<void> {
    await this.runCommand('Developer: Reload Window');
    await this.page.waitForEvent('load', { timeout: T.workbench });
    await this.page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: T.workbench });
  }
}

/**
 * Runs one UI step of a suite sharing a workbench: a screenshot `<name>.png` on success, `<name>-FAIL.png` and the
 * extension's log attached to the error on failure; the step's duration goes into `timings[name]`.
 */
export async function runStep(wb: Workbench | undefined, name: string, fn: (w: Workbench) => Promise<void>, timings: Record<string, number>): Promise<void> {
  if (!wb) throw new Error('workbench did not start (see the before hook error)');
  const t0 = Date.now();
  try {
    await fn(wb);
    await wb.screenshot(name);
    rmSync(join(SCREENSHOT_DIR, `${name}-FAIL.png`), { force: true });
  } catch (e) {
    await wb.screenshot(`${name}-FAIL`).catch(() => undefined);
    rmSync(join(SCREENSHOT_DIR, `${name}.png`), { force: true });
    // leave no menu / quick pick / widget open for the next step
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('Escape').catch(() => undefined);
    const err = e instanceof Error ? e : new Error(String(e));
    err.message += `\n--- extension log ---\n${wb.diagnosticsText().slice(-4000)}`;
    throw err;
  } finally {
    timings[name] = Date.now() - t0;
  }
}
