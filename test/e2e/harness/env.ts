// The UI tests' environment: where code-server, chromium, the lab and the screenshots are; time limits; the lab's
// nodes as `swarmnet.nodes` entries; small string helpers shared by the harness modules.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const TOOLS_DIR = process.env.SWARMNET_TOOLS_DIR ?? join(REPO_ROOT, '.tools');
export const CODE_SERVER_ENTRY = join(TOOLS_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.SWARMNET_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test', 'e2e', 'screenshots');
export const LAB_JSON = join(REPO_ROOT, '.lab', 'lab.json');

export const CHROMIUM_ARGS = [
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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}
