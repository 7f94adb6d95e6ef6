/// <reference lib="dom" />
// Editors (text, token colours, language mode), the Problems panel and quick fixes, and webviews (the trace).
import type { FrameLocator, Locator } from 'playwright-core';
import { cssString, sleep, T, type Problem } from './env';
import { InputWorkbench } from './input';

export class EditorWorkbench extends InputWorkbench {
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
   * Answers a command's prompts with their defaults (Enter) until the trace webview shows a new trace; returns the time of the last
   * answer (the moment the command had all it asked for). `prompts` collects "title [default]" of each.
   */
  async answerPromptsUntilWebview(prompts: string[], timeout = 60_000): Promise<number> {
    // the trace panel opens with the first prompt (empty until the trace is posted): wait for a new trace in it
    const before = await this.traceSeq();
    const deadline = Date.now() + timeout;
    let last = Date.now();
    while (Date.now() < deadline) {
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
      const seq = await this.traceSeq();
      if (seq !== null && seq !== before) return last;
      await sleep(50);
    }
    throw new Error(`no trace in a webview within ${timeout} ms; prompts answered: ${prompts.join(' / ') || 'none'}`);
  }

  /** The content frame of the webview whose tab/panel is active (iframe.webview → #active-frame). */
  webviewFrame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  /** The number of the trace the trace panel shows (body[data-trace-seq]); null when no trace panel is open. */
  async traceSeq(): Promise<string | null> {
    if ((await this.page.locator('iframe.webview.ready').count()) === 0) return null;
    return this.webviewFrame().locator('body').getAttribute('data-trace-seq', { timeout: 2000 }).catch(() => null);
  }

  /** Waits until the trace panel shows a trace other than `before` (its hops on screen); returns the wait in ms. */
  async waitForNewTrace(before: string | null, timeout = 60_000): Promise<number> {
    const t0 = Date.now();
    const body = `body[data-trace-seq]${before === null ? '' : `:not([data-trace-seq="${before}"])`}`;
    await this.webviewFrame().locator(`${body} #hops .hop`).first().waitFor({ state: 'visible', timeout });
    return Date.now() - t0;
  }
}
