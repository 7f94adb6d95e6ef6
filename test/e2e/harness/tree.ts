/// <reference lib="dom" />
// The side bar and the Swarm view's tree: open the view, find rows (by label, below a parent), expand and
// collapse, wait until nodes are discovered, context menus and inline row actions.
import type { Locator } from 'playwright-core';
import { WorkbenchBase } from './base';
import { cssString, escapeRegExp, sleep, T } from './env';

export class TreeWorkbench extends WorkbenchBase {
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
    await this.expandPane('Nodes');
    // a row of the Nodes view itself (the side bar also holds the hidden rows of other views); after a reload the
    // rows come only once the extension host has restarted, which on a loaded machine takes 10 s and more
    const row = this.pane('Nodes').locator('.monaco-list-row').first();
    await row.waitFor({ state: 'visible', timeout: T.tree }).catch(async (e: unknown) => {
      throw new Error(`no row in the Nodes view: ${await this.sidebarState()}`, { cause: e });
    });
  }

  /** A view of the side bar's container by its name ("Nodes", "Doctor"). */
  pane(name: string): Locator {
    return this.sidebar.locator('.pane').filter({ has: this.page.locator(`.pane-header[aria-label^="${cssString(name)}"]`) }).first();
  }

  /** Expands a collapsed view of the container (a collapsed view shows nothing and is not "visible" to the extension). */
  async expandPane(name: string): Promise<void> {
    const header = this.pane(name).locator('.pane-header').first();
    await header.waitFor({ state: 'visible', timeout: T.ui });
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  }

  /** The side bar's title and its views (name, expanded, height, rows): for failure messages. */
  async sidebarState(): Promise<string> {
    const title = await this.page.locator('.part.sidebar .composite.title').innerText().catch(() => '(no title)');
    const panes = await this.sidebar.locator('.pane').evaluateAll((els) => els.map((e) => {
      const h = e.querySelector('.pane-header');
      const rows = e.querySelectorAll('.monaco-list-row').length;
      return `${h?.getAttribute('aria-label') ?? '?'} expanded=${h?.getAttribute('aria-expanded')} height=${(e as HTMLElement).offsetHeight} rows=${rows}`;
    }));
    return `side bar "${title.trim()}" visible=${await this.sidebar.isVisible()}; views: ${panes.join(' | ') || 'none'}`;
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
}
