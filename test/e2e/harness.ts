// End-to-end UI harness (see test/e2e/README.md), one module per concept under ./harness/: env (paths, limits, the
// lab's nodes), install (the extension into code-server, its process group), base (page, screenshots, logs and
// timings), tree (the Swarm view), input (commands, quick picks, notifications), editor (editors, problems, quick
// fixes, webviews), workbench (start, reload, close; runStep).
//
// Lifecycle: Workbench.start() → helpers → close() (always; kills code-server's process group and the browser,
// removes the temp dirs unless SWARMNET_E2E_KEEP=1). Nothing is skipped silently: a missing code-server, chromium
// or extension build throws with the fix.
export { CHROMIUM, CODE_SERVER_ENTRY, LAB_JSON, labNodeSettings, readLabNodes, REPO_ROOT, SCREENSHOT_DIR, T, TOOLS_DIR } from './harness/env';
export type { LabNode, Problem, StartOptions } from './harness/env';
export { runStep, Workbench } from './harness/workbench';
