/// <reference lib="dom" />
// End-to-end UI harness: a real VS Code (code-server 4.100.3 = VS Code 1.100, installed by
// scripts/install-code-server.sh into .tools/) served on 127.0.0.1, driven by Debian's chromium via playwright-core.
//
// Lifecycle: startWorkbench() → helpers (openSwarmView, treeRow, expand, contextMenu, runCommand, quickPick,
// problems, editor text/tokens, webview frames, screenshots) → close() (always; kills code-server's process group
// and the browser, removes the temp dirs unless SWARMNET_E2E_KEEP=1).
//
// Nothing here is skipped silently: a missing code-server, chromium or extension build throws with the fix.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync,
  writeFileSync, type WriteStream,
} from 'node:fs';
import { freePort } from '../helpers';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const TOOLS_DIR = process.env.SWARMNET_TOOLS_DIR ?? join(REPO_ROOT, '.tools');
export const CODE_SERVER_ENTRY = join(TOOLS_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.SWARMNET_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test', 'e2e', 'screenshots');
export const LAB_JSON = join(REPO_ROOT, '.lab', 'lab.json');

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Time limits (ms). Generous: 2 cores, and code-server compiles nothing but loads ~30 MB of JS. */
export const T = {
  serverStart: 60_000,
  workbench: 120_000,
  ui: 20_000,
  tree: 60_000,
} as const;

export interface StartOptions {
  /** Files (relative path → content) written into the workspace folder before VS Code opens it. */
  workspaceFiles?: Record<string, string>;
  /** Extra user settings merged over the harness defaults. */
  userSettings?: Record<string, unknown>;
  /** Extra workspace settings (.vscode/settings.json). */
  workspaceSettings?: Record<string, unknown>;
  /** Run `npm run build` before installing the extension (default true). */
  build?: boolean;
  /**
   * How to install the extension: 'vsix' (default; env SWARMNET_E2E_INSTALL): `npm run package` → swarmnet.vsix →
   * `code-server --install-extension`, i.e. exactly the artifact users get; 'copy': copy the shipped files (faster).
   */
  install?: 'copy' | 'vsix';
  /** An existing VSIX to install with 'vsix' (default: package the repo afresh into <repo>/swarmnet.vsix). */
  vsixPath?: string;
  /** Folder holding the extension to install with 'copy' (default: the repo; used to test the harness itself). */
  extensionRoot?: string;
  /** Extra environment of code-server and so of the extension host (e.g. HOME with its own ~/.ssh). */
  env?: Record<string, string>;
  /** Browser viewport (default 1600×1000). */
  viewport?: { width: number; height: number };
}

export interface Problem {
  ariaLabel: string;
  text: string;
}

export interface LabNode {
  name: string;
  [key: string]: unknown;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The lab's extra nodes (node2, node3) as SSH nodes for `swarmnet.nodes` (key and known_hosts from .lab/). */
export function labNodeSettings(): Record<string, unknown>[] {
  if (!existsSync(LAB_JSON)) return [];
  const lab = JSON.parse(readFileSync(LAB_JSON, 'utf8')) as { nodes?: LabNode[]; knownHosts?: string };
  return (lab.nodes ?? [])
    .filter((n) => n.name !== 'node1')
    .map((n) => ({
      name: n.name,
      transport: 'ssh',
      host: n.sshHost,
      port: n.sshPort,
      user: n.sshUser,
      keyPath: n.keyPath,
      useAgent: false,
      knownHostsFile: lab.knownHosts ?? `${REPO_ROOT}/.lab/known_hosts`,
    }));
}

/** Reads `.lab/lab.json` (written by `npm run lab`) if present and returns node configs for `swarmnet.nodes`. */
export function readLabNodes(path = LAB_JSON): LabNode[] {
  if (!existsSync(path)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const list: unknown =
    Array.isArray(parsed) ? parsed
      : typeof parsed === 'object' && parsed !== null
        ? ((parsed as Record<string, unknown>)['swarmnet.nodes'] ?? (parsed as Record<string, unknown>).nodes)
        : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter((n): n is LabNode =>
    typeof n === 'object' && n !== null && typeof (n as Record<string, unknown>).name === 'string');
}

function ensureBuilt(build: boolean, root: string): void {
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
function copyExtension(extensionsDir: string, root: string): string {
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

function installVsix(extensionsDir: string, userDataDir: string, vsixPath: string | undefined): void {
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

function defaultUserSettings(): Record<string, unknown> {
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

export class Workbench {
  private constructor(
    readonly page: Page,
    readonly browser: Browser,
    readonly server: ChildProcess,
    readonly port: number,
    readonly tmp: string,
    readonly workspace: string,
    readonly userDataDir: string,
    readonly extensionsDir: string,
    private readonly serverLog: WriteStream,
    readonly serverLogPath: string,
  ) {}

  readonly timings: Record<string, number> = {};
  /** Browser console errors/warnings (the workbench reports grammar and webview failures there). */
  readonly consoleLines: string[] = [];

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

  // ---------- generic helpers ----------

  /** test/e2e/screenshots/<step>.png of the page, or of the `clip` rectangle of it. */
  async screenshot(step: string, clip?: { x: number; y: number; width: number; height: number }): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${step.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path, clip });
    return path;
  }

  get sidebar(): Locator {
    return this.page.locator('.part.sidebar');
  }

  /** Clicks the activity-bar item whose title starts with `title` (e.g. "Swarm Network"). */
  async clickActivity(title: string): Promise<void> {
    const item = this.page.locator(`.part.activitybar .action-item a[aria-label^="${cssString(title)}"],`
      + ` .part.activitybar .action-item[aria-label^="${cssString(title)}"]`).first();
    await item.waitFor({ state: 'visible', timeout: T.ui });
    await item.click();
  }

  /** Makes the "Swarm Network" container visible without toggling it closed when it already is. */
  async showSwarmView(): Promise<void> {
    const title = this.page.locator('.part.sidebar .composite.title');
    const shown = await this.sidebar.isVisible()
      && /swarm network/i.test(await title.innerText().catch(() => ''));
    if (!shown) await this.clickActivity('Swarm Network');
    await this.sidebar.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: T.ui });
  }

  /** Drags the side bar's edge to make it `width` px wide (names fit, as a user would do it). */
  async resizeSidebar(width: number): Promise<void> {
    const box = await this.sidebar.boundingBox();
    if (!box) throw new Error('no side bar to resize');
    const x = box.x + box.width;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x - 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x - 1 + width - box.width, y, { steps: 8 });
    await this.page.mouse.up();
  }

  /** The rectangle of a part of the page (for clipped screenshots). */
  async box(selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
    const b = await this.page.locator(selector).first().boundingBox();
    if (!b) throw new Error(`${selector} is not on screen`);
    return b;
  }

  /** Tree rows of the side bar whose label matches. */
  treeRows(label: string | RegExp): Locator {
    return this.sidebar.locator('.monaco-list-row').filter({
      has: this.page.locator('.label-name, .monaco-highlighted-label').filter({ hasText: label }),
    });
  }

  treeRow(label: string | RegExp): Locator {
    return this.treeRows(label).first();
  }

  /** Opens the "Swarm Network" view; returns ms from click until the first node row (`firstNode`) is visible. */
  async openSwarmView(firstNode: string | RegExp = 'this machine'): Promise<number> {
    const t0 = Date.now();
    await this.clickActivity('Swarm Network');
    await this.treeRow(firstNode).waitFor({ state: 'visible', timeout: T.tree });
    const ms = Date.now() - t0;
    this.timings.firstTreeRenderMs = ms;
    return ms;
  }

  /** The description of a node row ("vm · manager · …", "authentication failed · waits for Retry"), '' if none. */
  async nodeDescription(name: string): Promise<string> {
    return (await this.treeRow(name).locator('.label-description').innerText({ timeout: 1000 }).catch(() => '')).trim();
  }

  /**
   * Waits until every named node row shows a discovered node (its description names a swarm role); returns the
   * ms waited. Throws with the descriptions seen when `timeout` passes.
   */
  async waitDiscovered(names: string[], timeout: number = T.tree): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const descs = await Promise.all(names.map((n) => this.nodeDescription(n)));
      if (descs.every((d) => /manager|worker/i.test(d) && !/discovering/i.test(d))) return Date.now() - t0;
      if (Date.now() - t0 > timeout) {
        throw new Error(`not all discovered within ${timeout} ms: ${names.map((n, i) => `${n}: "${descs[i]}"`).join(', ')}`);
      }
      await sleep(50);
    }
  }

  /** Texts of the notification toasts on screen. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast').evaluateAll((els) =>
      els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
  }

  /** Waits for a notification toast matching `re`; returns its text. */
  async waitForNotification(re: RegExp, timeout: number = T.ui): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const hit = (await this.notifications()).find((t) => re.test(t));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no notification ${String(re)}; shown: ${JSON.stringify(await this.notifications())}`);
      await sleep(100);
    }
  }

  /** Developer: Reload Window; resolves once the reloaded workbench shows its activity bar. */
  async reload(): Promise<void> {
    await this.runCommand('Developer: Reload Window');
    await this.page.waitForEvent('load', { timeout: T.workbench });
    await this.page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: T.workbench });
  }

  /** Expands a tree row (no-op if already expanded); waits until at least one child row appears. */
  async expand(row: Locator): Promise<void> {
    await row.waitFor({ state: 'visible', timeout: T.tree });
    const expanded = await row.getAttribute('aria-expanded');
    if (expanded === 'true') return;
    if (expanded === null) throw new Error(`tree row is not expandable: ${await row.getAttribute('aria-label')}`);
    const level = Number(await row.getAttribute('aria-level') ?? '1');
    await row.locator('.monaco-tl-twistie').click();
    const handle = await row.elementHandle();
    const isExpandedWithChildren = (arg: { el: unknown; lvl: number }): boolean => {
        const { lvl } = arg;
        const el = arg.el as HTMLElement;
        if (el.getAttribute('aria-expanded') !== 'true') return false;
        const next = el.nextElementSibling;
        // the list is virtualised and sorted by position: children follow their parent
        let sib: Element | null = next;
        while (sib) {
          const l = Number(sib.getAttribute('aria-level') ?? '0');
          if (l === lvl + 1) return true;
          if (l <= lvl) return false;
          sib = sib.nextElementSibling;
        }
        return false;
    };
    await this.page.waitForFunction(isExpandedWithChildren, { el: handle as unknown, lvl: level }, { timeout: T.tree }).catch(async () => {
      // rows may be rendered out of DOM order; fall back to "some row one level deeper exists"
      await this.sidebar.locator(`.monaco-list-row[aria-level="${level + 1}"]`).first()
        .waitFor({ state: 'visible', timeout: T.ui });
    });
  }

  /**
   * The row below `parent` (a descendant, any depth ≤ `maxDepth` levels deeper) whose label matches. Uses the
   * list's data-index order, so rows with the same label under other nodes are never picked.
   */
  async childRow(parent: Locator, label: string | RegExp, maxDepth = 1, timeout: number = T.tree): Promise<Locator> {
    const pattern = typeof label === 'string' ? { source: escapeRegExp(label), flags: '' } : { source: label.source, flags: label.flags };
    const deadline = Date.now() + timeout;
    for (;;) {
      const pIdx = Number(await parent.getAttribute('data-index'));
      const found = await this.sidebar.locator('.monaco-list-row').evaluateAll((els, a) => {
        const re = new RegExp(a.source, a.flags);
        const rows = els.map((e) => ({
          idx: Number(e.getAttribute('data-index')),
          level: Number(e.getAttribute('aria-level') ?? '1'),
          text: ((e.querySelector('.label-name') as HTMLElement | null)?.innerText ?? '').trim(),
        })).sort((x, y) => x.idx - y.idx);
        const start = rows.findIndex((r) => r.idx === a.pIdx);
        if (start < 0) return -1;
        const lvl = rows[start].level;
        for (let i = start + 1; i < rows.length && rows[i].level > lvl; i++) {
          if (rows[i].level <= lvl + a.maxDepth && re.test(rows[i].text)) return rows[i].idx;
        }
        return -1;
      }, { ...pattern, pIdx, maxDepth });
      if (found >= 0) return this.sidebar.locator(`.monaco-list-row[data-index="${found}"]`);
      if (Date.now() > deadline) {
        throw new Error(`no row ${String(label)} under ${await parent.getAttribute('aria-label')}; rows:\n${await this.visibleRows()}`);
      }
      await sleep(250);
    }
  }

  async collapse(row: Locator): Promise<void> {
    if (await row.getAttribute('aria-expanded') === 'true') await row.locator('.monaco-tl-twistie').click();
  }

  /** Expands collapsed rows (preferring labels matching `prefer`) until a row matching `label` is visible. */
  async expandUntil(label: string | RegExp, prefer?: RegExp, maxExpansions = 30): Promise<Locator> {
    const tried = new Set<string>();
    for (let i = 0; i <= maxExpansions; i++) {
      const hit = this.treeRow(label);
      if (await hit.isVisible().catch(() => false)) return hit;
      const collapsed = this.sidebar.locator('.monaco-list-row[aria-expanded="false"]');
      const n = await collapsed.count();
      let pick: Locator | undefined;
      let pickKey = '';
      for (let k = 0; k < n; k++) {
        const r = collapsed.nth(k);
        const key = `${await r.getAttribute('aria-level')}|${await r.getAttribute('aria-label')}`;
        if (tried.has(key)) continue;
        const text = (await r.innerText()).trim();
        if (!pick || (prefer && prefer.test(text) && !(prefer.test(await pick.innerText())))) {
          pick = r;
          pickKey = key;
          if (!prefer || prefer.test(text)) break;
        }
      }
      if (!pick) break;
      tried.add(pickKey);
      await this.expand(pick).catch(() => undefined);
    }
    const hit = this.treeRow(label);
    await hit.waitFor({ state: 'visible', timeout: 1000 }).catch(() => undefined);
    if (await hit.isVisible()) return hit;
    throw new Error(`tree row ${String(label)} not found after expanding; visible rows:\n${await this.visibleRows()}`);
  }

  async visibleRows(): Promise<string> {
    const rows = await this.sidebar.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((e) => `${'  '.repeat(Number(e.getAttribute('aria-level') ?? 1) - 1)}${e.getAttribute('aria-label') ?? ''}`));
    return rows.join('\n');
  }

  /** Right-clicks `target` and clicks the context-menu entry whose label contains `item`. */
  async contextMenu(target: Locator, item: string | RegExp): Promise<void> {
    await target.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.first().waitFor({ state: 'visible', timeout: T.ui });
    const entry = this.page.locator('.context-view .action-item .action-label').filter({ hasText: item }).first();
    try {
      await entry.waitFor({ state: 'visible', timeout: T.ui });
    } catch {
      const labels = await this.page.locator('.context-view .action-item .action-label').allInnerTexts();
      await this.page.keyboard.press('Escape');
      throw new Error(`context menu has no "${String(item)}"; entries: ${labels.filter(Boolean).join(' | ')}`);
    }
    // a plain click is swallowed by the menu's mouse-up handling in the browser build: hover focuses the entry,
    // Enter runs it (what a keyboard user does)
    await entry.hover();
    await this.page.keyboard.press('Enter');
    await menu.first().waitFor({ state: 'hidden', timeout: T.ui });
  }

  /** Clicks an inline action button of a tree row (shown on hover), by its title (e.g. "Retry"). */
  async rowAction(row: Locator, title: string): Promise<void> {
    await row.hover();
    const button = row.locator(`.actions .action-label[aria-label^="${cssString(title)}"]`).first();
    await button.waitFor({ state: 'visible', timeout: T.ui });
    await button.click();
  }

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Runs a command from the palette: F1, type `title`, click the entry whose label contains it. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: T.ui });
    await input.fill(`>${title}`);
    await this.clickQuickPickRow(title);
  }

  /** Picks an item in an open quick pick (typing to filter first). */
  async quickPick(label: string | RegExp, filterText?: string): Promise<void> {
    const input = this.quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: T.ui });
    if (filterText !== undefined) await input.fill(filterText);
    else if (typeof label === 'string') await input.fill(label);
    await this.clickQuickPickRow(label);
  }

  async quickPickItems(): Promise<string[]> {
    await this.quickInput.waitFor({ state: 'visible', timeout: T.ui });
    await this.quickInput.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: T.ui })
      .catch(() => undefined);
    return this.quickInput.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((e) => e.getAttribute('aria-label') ?? (e as HTMLElement).innerText));
  }

  private async clickQuickPickRow(label: string | RegExp): Promise<void> {
    const row = this.quickInput.locator('.monaco-list-row').filter({ hasText: label }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: T.ui });
    } catch {
      const items = await this.quickPickItems().catch(() => []);
      await this.page.keyboard.press('Escape');
      throw new Error(`quick pick has no "${String(label)}"; items: ${items.join(' | ')}`);
    }
    await row.click();
  }

  /** Answers an input box (showInputBox) with `text` + Enter. */
  async inputBox(text: string): Promise<void> {
    const input = this.quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: T.ui });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  // ---------- editors ----------

  get activeEditor(): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
  }

  async activeTabTitle(): Promise<string> {
    const tab = this.page.locator('.part.editor .editor-group-container.active .tab.active').first();
    await tab.waitFor({ state: 'visible', timeout: T.ui });
    return (await tab.getAttribute('aria-label')) ?? (await tab.innerText());
  }

  /** Visible text of the active editor (rendered lines, top to bottom). */
  async editorText(): Promise<string> {
    const lines = this.activeEditor.locator('.view-lines .view-line');
    await lines.first().waitFor({ state: 'visible', timeout: T.ui });
    const texts = await lines.evaluateAll((els) => els
      .map((e) => ({ top: parseFloat((e as HTMLElement).style.top || '0'), text: (e as HTMLElement).innerText }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text.replace(/\u00a0/g, ' ')));
    return texts.join('\n');
  }

  /** Distinct `mtkN` token classes in the active editor with their computed colours. */
  async editorTokenColours(): Promise<Map<string, string>> {
    const spans = this.activeEditor.locator('.view-lines .view-line span[class*="mtk"]');
    await spans.first().waitFor({ state: 'visible', timeout: T.ui });
    const pairs = await spans.evaluateAll((els) => els.map((e) => {
      const cls = Array.from(e.classList).find((c) => /^mtk\d+$/.test(c)) ?? '';
      return [cls, String(getComputedStyle(e).color)] as [string, string];
    }));
    return new Map(pairs.filter(([c]) => c !== ''));
  }

  /**
   * Waits until the active editor shows at least `min` distinct token colours (tokenization is asynchronous:
   * a freshly opened document is first rendered plain) and returns the class → colour map.
   */
  async waitForTokenColours(min: number, timeout = 15_000): Promise<Map<string, string>> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const colours = await this.editorTokenColours();
      if (new Set(colours.values()).size >= min || Date.now() > deadline) return colours;
      await sleep(250);
    }
  }

  /** Opens a workspace file by name through Quick Open (Ctrl+P). */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.quickInput.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: T.ui });
    await input.fill(name);
    await this.clickQuickPickRow(name);
    await this.quickInput.waitFor({ state: 'hidden', timeout: T.ui });
    await this.page.locator(`.part.editor .tab.active[aria-label*="${cssString(name)}"]`).first()
      .waitFor({ state: 'visible', timeout: T.ui });
  }

  /** Waits until the status bar shows `expected` as the language mode (it follows a newly active editor late). */
  async waitForLanguageMode(expected: string, timeout: number = T.ui): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const mode = await this.languageMode();
      if (mode === expected || Date.now() > deadline) return mode;
      await sleep(200);
    }
  }

  /** Current language mode shown in the status bar (e.g. "iptables rules"). */
  async languageMode(): Promise<string> {
    const item = this.page.locator('#status\\.editor\\.mode');
    await item.waitFor({ state: 'visible', timeout: T.ui });
    return (await item.innerText()).trim();
  }

  // ---------- problems / quick fix ----------

  /** Opens the Problems panel and returns its rows (waits until at least `min` rows exist). */
  async problems(min = 1, timeout: number = T.tree): Promise<Problem[]> {
    // Ctrl+Shift+M toggles: press it only when the panel is not showing
    if (!(await this.page.locator('.markers-panel').isVisible().catch(() => false))) {
      await this.page.keyboard.press('Control+Shift+M');
      await this.page.locator('.markers-panel').waitFor({ state: 'visible', timeout: T.ui });
    }
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    const deadline = Date.now() + timeout;
    for (;;) {
      const list = await rows.evaluateAll((els) => els.map((e) => ({
        ariaLabel: e.getAttribute('aria-label') ?? '',
        text: (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
      })));
      // the file row is a header; markers are the rows one level deeper
      const markers = list.filter((r) => !/^(\d+ problems? in|[\w.-]+\s+\d+$)/i.test(r.text));
      if (markers.length >= min || Date.now() > deadline) return markers;
      await sleep(250);
    }
  }

  /** Puts the cursor at (line, column) of the active editor (1-based) via Quick Open's ":line:col". */
  async gotoLine(line: number, column = 1): Promise<void> {
    await this.quickInput.waitFor({ state: 'hidden', timeout: T.ui });
    await this.page.keyboard.press('Control+P');
    await this.inputBox(`:${line}:${column}`);
    await this.quickInput.waitFor({ state: 'hidden', timeout: T.ui });
  }

  /** Ctrl+. on the cursor position and applies the code action whose title contains `title`. */
  async applyQuickFix(title?: string | RegExp): Promise<string[]> {
    await this.page.keyboard.press('Control+.');
    const widget = this.page.locator('.action-widget');
    await widget.waitFor({ state: 'visible', timeout: T.ui });
    const rows = widget.locator('.monaco-list-row.action');
    await rows.first().waitFor({ state: 'visible', timeout: T.ui });
    const titles = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? '')));
    const wanted = title === undefined ? 0 : titles.findIndex((t) => (typeof title === 'string' ? t.includes(title) : title.test(t)));
    if (wanted < 0) {
      await this.page.keyboard.press('Escape');
      throw new Error(`no quick fix "${String(title)}"; offered: ${titles.join(' | ')}`);
    }
    // a pointer-block overlay covers the widget: move the focus with the keyboard, then Enter
    for (let i = 0; i <= titles.length; i++) {
      const focused = await widget.locator('.monaco-list-row.action.focused').getAttribute('aria-label').catch(() => null);
      if (focused === titles[wanted]) break;
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: T.ui });
    return titles;
  }

  // ---------- webviews ----------

  /**
   * Answers a command's prompts with their defaults (Enter) until a webview appears; returns the time of the last
   * answer (the moment the command had all it asked for). `prompts` collects "title [default]" of each.
   */
  async answerPromptsUntilWebview(prompts: string[], timeout = 60_000): Promise<number> {
    const webview = this.page.locator('iframe.webview.ready');
    const deadline = Date.now() + timeout;
    let last = Date.now();
    while (Date.now() < deadline) {
      if (await webview.count() > 0) return last;
      if (await this.quickInput.isVisible()) {
        const title = (await this.quickInput.locator('.quick-input-title').innerText().catch(() => '')).trim();
        const placeholder = await this.quickInput.locator('.quick-input-box input').getAttribute('placeholder').catch(() => '');
        const value = await this.quickInput.locator('.quick-input-box input').inputValue().catch(() => '');
        prompts.push(`${title || placeholder} [${value}]`);
        if (prompts.length > 8) throw new Error(`too many prompts: ${prompts.join(' / ')}`);
        await this.page.keyboard.press('Enter');
        last = Date.now();
        // the same prompt must not be answered twice: wait until it is gone or replaced by the next one
        const same = `${title}|${placeholder}|${value}`;
        for (const until = Date.now() + 2000; Date.now() < until; await sleep(30)) {
          if (!(await this.quickInput.isVisible())) break;
          const t = (await this.quickInput.locator('.quick-input-title').innerText().catch(() => '')).trim();
          const p = await this.quickInput.locator('.quick-input-box input').getAttribute('placeholder').catch(() => '');
          const v = await this.quickInput.locator('.quick-input-box input').inputValue().catch(() => '');
          if (`${t}|${p}|${v}` !== same) break;
        }
        continue;
      }
      await sleep(50);
    }
    throw new Error(`no webview within ${timeout} ms; prompts answered: ${prompts.join(' / ') || 'none'}`);
  }

  /** The content frame of the webview whose tab/panel is active (iframe.webview → #active-frame). */
  webviewFrame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  // ---------- measurements ----------

  /** Files under the user-data dir whose name contains `name` (e.g. output channel logs "…Swarm Network.log"). */
  findLogs(name: string): string[] {
    const out: string[] = [];
    const walk = (d: string, depth: number): void => {
      if (depth > 8 || !existsSync(d)) return;
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        let st;
        try { st = statSync(p); } catch { continue; }
        if (st.isDirectory()) walk(p, depth + 1);
        else if (e.includes(name)) out.push(p);
      }
    };
    walk(join(this.userDataDir, 'logs'), 0);
    return out;
  }

  /** Waits until a log file whose name contains `name` has a line matching `re`; returns the match. */
  async waitForLog(name: string, re: RegExp, timeout = 15_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeout;
    for (;;) {
      for (const f of this.findLogs(name)) {
        const m = re.exec(readFileSync(f, 'utf8'));
        if (m) return m;
      }
      if (Date.now() > deadline) throw new Error(`no line ${String(re)} in a log named *${name}* within ${timeout} ms`);
      await sleep(200);
    }
  }

  /** A number the extension logs in its "Swarm Network" channel (e.g. /first tree render (\d+) ms/). */
  async loggedMs(re: RegExp, timeout = 15_000): Promise<number | undefined> {
    try {
      return Number((await this.waitForLog('Swarm Network', re, timeout))[1]);
    } catch {
      return undefined;
    }
  }

  /**
   * Extension activation time as logged by the extension in its "Swarm Network" output channel
   * ("activated in N ms"). Returns undefined if the line never appears within `timeout`.
   */
  async activationMs(timeout = 15_000): Promise<number | undefined> {
    const deadline = Date.now() + timeout;
    for (;;) {
      for (const f of this.findLogs('Swarm Network')) {
        const m = /activated in (\d+(?:\.\d+)?)\s*ms/i.exec(readFileSync(f, 'utf8'));
        if (m) {
          this.timings.activationMs = Number(m[1]);
          return this.timings.activationMs;
        }
      }
      if (Date.now() > deadline) return undefined;
      await sleep(250);
    }
  }

  /**
   * ms from the extension host starting to activate swarmnet (remoteexthost.log, local time) to the extension's
   * "activated in" line: loading dist/extension.js plus activate(). Undefined if either line is missing.
   */
  async loadAndActivateMs(): Promise<number | undefined> {
    try {
      const start = await this.waitForLog('remoteexthost.log',
        /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+) \[info\] ExtensionService#_doActivateExtension swarmnet\.swarmnet\b/m, 5000);
      const end = await this.waitForLog('Swarm Network', /^\[(\S+Z)\] \[info\] activated in/m, 5000);
      const ms = Date.parse(end[1]) - new Date(`${start[1]}T${start[2]}`).getTime();
      this.timings.loadAndActivateMs = ms;
      return ms;
    } catch {
      return undefined;
    }
  }

  /** Text of the "Swarm Network" output channel log file(s) and exthost.log lines naming the extension. */
  diagnosticsText(): string {
    const parts: string[] = [];
    for (const f of this.findLogs('Swarm Network')) parts.push(`--- ${f}\n${readFileSync(f, 'utf8')}`);
    for (const f of this.findLogs('exthost.log')) {
      const lines = readFileSync(f, 'utf8').split('\n').filter((l) => /swarmnet|error/i.test(l));
      parts.push(`--- ${f}\n${lines.slice(-40).join('\n')}`);
    }
    if (this.consoleLines.length) parts.push(`--- browser console\n${this.consoleLines.slice(-30).join('\n')}`);
    return parts.join('\n');
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

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

async function waitForHealth(port: number, server: ChildProcess, logPath: string): Promise<void> {
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

function killGroup(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
  try { process.kill(-p.pid, signal); } catch { /* already gone */ }
}

async function stopGroup(p: ChildProcess): Promise<void> {
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
