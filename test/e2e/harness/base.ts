/// <reference lib="dom" />
// The workbench page object's base: the page and its processes, screenshots and boxes, and what the logs say
// (the extension's "Swarm Network" channel, the extension host's log): activation, load + activate, timings.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { SCREENSHOT_DIR, sleep } from './env';

export class WorkbenchBase {
  protected constructor(
    readonly page: Page,
    readonly browser: Browser,
    readonly server: ChildProcess,
    readonly port: number,
    readonly tmp: string,
    readonly workspace: string,
    readonly userDataDir: string,
    readonly extensionsDir: string,
    protected readonly serverLog: WriteStream,
    readonly serverLogPath: string,
  ) {}

  readonly timings: Record<string, number> = {};
  /** Browser console errors/warnings (the workbench reports grammar and webview failures there). */
  readonly consoleLines: string[] = [];

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

  /**
   * Arms a probe in the page for what the user sees: the time of the next pointer-down or key-down (capture
   * phase, before the workbench handles it) and, with `selector`, of the first animation frame after it in which
   * an element matching `selector` is on screen. Read it with `probe()`. (Playwright's own waits poll, adding up
   * to hundreds of ms that no user waits.)
   */
  async armProbe(selector?: string): Promise<void> {
    // a string, not a function: the test's TypeScript loader would wrap the inner functions in a helper the page lacks
    await this.page.evaluate(`(() => {
      const sel = ${JSON.stringify(selector ?? null)};
      const probe = { input: 0, painted: 0 };
      window.swarmnetProbe = probe;
      const onInput = () => { if (!probe.input) probe.input = Date.now(); };
      document.addEventListener('pointerdown', onInput, { capture: true, once: true });
      document.addEventListener('keydown', onInput, { capture: true, once: true });
      if (sel === null) return;
      const tick = () => {
        if (window.swarmnetProbe !== probe) return;
        const el = probe.input ? document.querySelector(sel) : null;
        if (el && el.getClientRects().length > 0) { probe.painted = Date.now(); return; }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
  }

  /** The armed probe: when the input came and when the element was first on screen (ms since epoch; 0: not yet). */
  async probe(): Promise<{ input: number; painted: number }> {
    return this.page.evaluate(() => (window as unknown as { swarmnetProbe?: { input: number; painted: number } }).swarmnetProbe ?? { input: 0, painted: 0 });
  }

  /** The rectangle of a part of the page (for clipped screenshots). */
  async box(selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
    const b = await this.page.locator(selector).first().boundingBox();
    if (!b) throw new Error(`${selector} is not on screen`);
    return b;
  }

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
