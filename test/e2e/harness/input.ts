// Commands, quick picks, input boxes and notifications: what a user types and reads at the top of the window.
import type { Locator } from 'playwright-core';
import { T, sleep } from './env';
import { TreeWorkbench } from './tree';

export class InputWorkbench extends TreeWorkbench {
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

  protected async clickQuickPickRow(label: string | RegExp): Promise<void> {
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
}
