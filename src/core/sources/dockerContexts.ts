/**
 * Node candidates from Docker CLI contexts: the output of `docker context ls --format '{{json .}}'` (run through
 * a CommandRunner; one JSON object per line, as `--format json` prints on CLIs ≥ 23; a JSON array is accepted too) and the context
 * store itself, `$DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json` with TLS material in
 * `contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem`. The store is what gives the TLS paths.
 *
 * Endpoints map to NodeConfig: `unix:///path` and `tcp://host:port` (+TLS) → transport 'docker';
 * `ssh://[user@]host[:port]` → transport 'ssh' (the docker CLI's ssh reads ~/.ssh/config, so an ssh-config
 * candidate for the same host, when given, supplies the key/jump/agent settings).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NodeConfig } from '../connect';
import { errorMessage, excerpt, type Diagnostic } from '../diagnostics';
import type { CommandRunner } from '../transport/types';
import type { SshHostCandidate } from './sshConfig';

export interface DockerContextInfo {
  name: string;
  description?: string;
  /** The docker endpoint URL (DockerEndpoint / Endpoints.docker.Host). */
  endpoint: string;
  current?: boolean;
  /** The CLI's per-context error text (e.g. a broken meta.json). */
  error?: string;
  skipTlsVerify?: boolean;
  tls?: { ca?: string; cert?: string; key?: string };
  /** Where this information came from. */
  from: 'cli' | 'store' | 'both';
}

export interface DockerContextCandidate {
  context: DockerContextInfo;
  /** The node to add; undefined when the endpoint cannot be used (see `problem`). */
  config?: NodeConfig;
  problem?: string;
  warnings: string[];
}

const LS_SOURCE = 'docker context ls';
const STORE_SOURCE = 'docker context store';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function s(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' ? v : undefined;
}

/** Parses `docker context ls --format json` (NDJSON or an array). Total: bad lines become diagnostics. */
export function parseContextLs(text: string, diagnostics: Diagnostic[]): DockerContextInfo[] {
  const t = text.trim();
  if (!t) return [];
  let items: unknown[] = [];
  if (t.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(t);
      if (Array.isArray(v)) items = v;
      else diagnostics.push({ severity: 'error', source: LS_SOURCE, message: 'expected a JSON array', excerpt: excerpt(t) });
    } catch (e) {
      diagnostics.push({ severity: 'error', source: LS_SOURCE, message: `not valid JSON: ${errorMessage(e)}`, excerpt: excerpt(t) });
    }
  } else {
    t.split('\n').forEach((line, i) => {
      const l = line.trim();
      if (!l) return;
      try {
        items.push(JSON.parse(l));
      } catch (e) {
        diagnostics.push({ severity: 'error', source: LS_SOURCE, line: i + 1, message: `not a JSON object (${errorMessage(e)}); is the docker CLI older than 23 (no --format json)?`, excerpt: excerpt(l) });
      }
    });
  }
  const out: DockerContextInfo[] = [];
  items.forEach((it, i) => {
    if (!isRecord(it)) {
      diagnostics.push({ severity: 'warning', source: LS_SOURCE, message: `entry ${i + 1} is not an object; ignored`, excerpt: excerpt(JSON.stringify(it) ?? '') });
      return;
    }
    const name = s(it, 'Name');
    const endpoint = s(it, 'DockerEndpoint');
    if (!name) {
      diagnostics.push({ severity: 'warning', source: LS_SOURCE, message: `entry ${i + 1} has no Name; ignored`, excerpt: excerpt(JSON.stringify(it)) });
      return;
    }
    const error = s(it, 'Error') || undefined;
    out.push({ name, description: s(it, 'Description') || undefined, endpoint: endpoint ?? '', current: it.Current === true, error, from: 'cli' });
  });
  return out;
}

/** Runs `docker context ls --format '{{json .}}'` on the runner (normally the local one). */
export async function listContextsWithCli(runner: CommandRunner, diagnostics: Diagnostic[], env?: { dockerConfig?: string }): Promise<DockerContextInfo[]> {
  // `{{json .}}` rather than `json`: the 20.10 CLI (Debian's docker.io) prints the word "json" for the latter.
  const ls = ['docker', 'context', 'ls', '--format', '{{json .}}'];
  const argv = env?.dockerConfig ? ['env', `DOCKER_CONFIG=${env.dockerConfig}`, ...ls] : ls;
  try {
    const r = await runner.run(argv, { timeoutMs: 10_000, maxOutputBytes: 4 * 1024 * 1024 });
    if (r.code !== 0) {
      diagnostics.push({ severity: 'warning', source: LS_SOURCE, message: `exit ${r.code ?? (r.timedOut ? 'timeout' : 'killed')}: ${r.stderr.trim() || 'no output'}`.slice(0, 300) });
      return [];
    }
    return parseContextLs(r.stdout, diagnostics);
  } catch (e) {
    diagnostics.push({ severity: 'warning', source: LS_SOURCE, message: errorMessage(e) });
    return [];
  }
}

/** The directory name Docker uses for a context in the store. */
export function contextDirName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

const isFile = async (p: string): Promise<boolean> => {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
};

export function defaultDockerConfigDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return env.DOCKER_CONFIG || join(home, '.docker');
}

/** Reads the context store under a DOCKER_CONFIG dir. Missing store → []; broken entries → diagnostics. */
export async function readContextStore(dockerConfigDir: string, diagnostics: Diagnostic[]): Promise<DockerContextInfo[]> {
  const metaDir = join(dockerConfigDir, 'contexts', 'meta');
  let dirs: string[];
  try {
    dirs = (await readdir(metaDir)).sort();
  } catch {
    return [];
  }
  const out: DockerContextInfo[] = [];
  for (const d of dirs) {
    if (!/^[0-9a-f]{64}$/.test(d)) continue;
    const file = join(metaDir, d, 'meta.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      diagnostics.push({ severity: 'warning', source: STORE_SOURCE, message: `cannot read ${file}: ${errorMessage(e)}` });
      continue;
    }
    let meta: unknown;
    try {
      meta = JSON.parse(text);
    } catch (e) {
      diagnostics.push({ severity: 'error', source: STORE_SOURCE, message: `${file} is not valid JSON: ${errorMessage(e)}`, excerpt: excerpt(text) });
      continue;
    }
    if (!isRecord(meta) || typeof meta.Name !== 'string' || !meta.Name) {
      diagnostics.push({ severity: 'error', source: STORE_SOURCE, message: `${file} has no context Name`, excerpt: excerpt(text) });
      continue;
    }
    const name = meta.Name;
    if (contextDirName(name) !== d) {
      diagnostics.push({ severity: 'warning', source: STORE_SOURCE, message: `${file}: context ${JSON.stringify(name.slice(0, 60))} is stored under the wrong directory; ignored` });
      continue;
    }
    const md = isRecord(meta.Metadata) ? meta.Metadata : {};
    const eps = isRecord(meta.Endpoints) ? meta.Endpoints : {};
    const dockerEp = isRecord(eps.docker) ? eps.docker : undefined;
    if (!dockerEp || typeof dockerEp.Host !== 'string') {
      diagnostics.push({ severity: 'warning', source: STORE_SOURCE, message: `context ${JSON.stringify(name)} has no docker endpoint; ignored` });
      continue;
    }
    const tlsDir = join(dockerConfigDir, 'contexts', 'tls', d, 'docker');
    const tls: { ca?: string; cert?: string; key?: string } = {};
    for (const k of ['ca', 'cert', 'key'] as const) {
      const p = join(tlsDir, `${k}.pem`);
      if (await isFile(p)) tls[k] = p;
    }
    out.push({
      name,
      description: s(md, 'Description') || undefined,
      endpoint: dockerEp.Host,
      skipTlsVerify: dockerEp.SkipTLSVerify === true,
      tls: Object.keys(tls).length ? tls : undefined,
      from: 'store',
    });
  }
  return out;
}

/** Merges CLI output and store contents by name (store gives TLS paths, CLI gives `current` and `default`). */
export function mergeContexts(cli: DockerContextInfo[], store: DockerContextInfo[]): DockerContextInfo[] {
  const byName = new Map<string, DockerContextInfo>();
  for (const c of store) byName.set(c.name, c);
  for (const c of cli) {
    const st = byName.get(c.name);
    if (st) byName.set(c.name, { ...st, current: c.current, error: c.error, description: st.description ?? c.description, endpoint: st.endpoint || c.endpoint, from: 'both' });
    else byName.set(c.name, c);
  }
  return [...byName.values()];
}

function parseSshUrl(url: string): { user?: string; host: string; port?: number } | undefined {
  const m = /^ssh:\/\/(?:([^@/:]+)@)?(\[[^\]]+\]|[^:/@]+)(?::(\d{1,5}))?\/?$/.exec(url);
  if (!m) return undefined;
  const port = m[3] ? Number(m[3]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { user: m[1], host: m[2].replace(/^\[|\]$/g, ''), port };
}

/** Maps one context to a NodeConfig (or says why it cannot be used). */
export function contextToCandidate(ctx: DockerContextInfo, sshHosts: SshHostCandidate[] = []): DockerContextCandidate {
  const warnings: string[] = [];
  const name = ctx.name;
  if (ctx.error) warnings.push(`docker CLI reports: ${ctx.error}`);
  const ep = ctx.endpoint;
  if (ep.startsWith('unix://')) {
    const path = ep.slice('unix://'.length);
    if (!path.startsWith('/')) return { context: ctx, problem: `unix endpoint ${JSON.stringify(ep)} is not an absolute path`, warnings };
    return { context: ctx, config: { name, transport: 'docker', dockerHost: ep }, warnings };
  }
  if (/^(tcp|https?):\/\//.test(ep)) {
    const m = /^(?:tcp|https?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d{1,5}))?\/?$/.exec(ep);
    if (!m) return { context: ctx, problem: `endpoint ${JSON.stringify(ep)} is not tcp://host:port`, warnings };
    const config: NodeConfig = { name, transport: 'docker', dockerHost: ep.startsWith('tcp://') ? ep : `tcp://${ep.replace(/^https?:\/\//, '')}` };
    if (ctx.tls?.ca) config.tlsCaPath = ctx.tls.ca;
    if (ctx.tls?.cert) config.tlsCertPath = ctx.tls.cert;
    if (ctx.tls?.key) config.tlsKeyPath = ctx.tls.key;
    if (ctx.skipTlsVerify) warnings.push('the context skips TLS verification; swarmnet verifies the server certificate anyway');
    if (!ctx.tls) warnings.push(ctx.from === 'cli' ? 'TLS material unknown (context store not readable): connecting without TLS' : 'no TLS material: plain TCP, the Docker API is unauthenticated');
    return { context: ctx, config, warnings };
  }
  if (ep.startsWith('ssh://')) {
    const u = parseSshUrl(ep);
    if (!u) return { context: ctx, problem: `endpoint ${JSON.stringify(ep)} is not ssh://[user@]host[:port]`, warnings };
    // The docker CLI runs `ssh` with this host, so ~/.ssh/config applies: reuse the matching candidate.
    const viaAlias = sshHosts.find((h) => h.alias === u.host);
    const byHost = sshHosts.find((h) => h.config.host === u.host && (u.port === undefined || h.config.port === u.port));
    const base = viaAlias ?? byHost;
    const config: NodeConfig = base ? { ...base.config, name, transport: 'ssh' } : { name, transport: 'ssh', host: u.host, port: u.port ?? 22 };
    if (u.user) config.user = u.user;
    if (u.port !== undefined) config.port = u.port;
    if (base) warnings.push(...base.warnings);
    return { context: ctx, config, warnings };
  }
  if (ep === '') return { context: ctx, problem: 'the context has no docker endpoint', warnings };
  return { context: ctx, problem: `unsupported endpoint ${JSON.stringify(ep.slice(0, 80))} (npipe/fd/kubernetes?)`, warnings };
}

export interface DockerContextsOptions {
  /** Runs `docker context ls --format json` (normally a LocalRunner); omitted → store only. */
  runner?: CommandRunner;
  dockerConfigDir?: string;
  /** Candidates from ~/.ssh/config, used for ssh:// endpoints. */
  sshHosts?: SshHostCandidate[];
}

/** All docker contexts as candidates. Never throws. */
export async function readDockerContexts(opts: DockerContextsOptions = {}): Promise<{ candidates: DockerContextCandidate[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const dir = opts.dockerConfigDir ?? defaultDockerConfigDir();
  const [cli, store] = await Promise.all([
    opts.runner ? listContextsWithCli(opts.runner, diagnostics, opts.dockerConfigDir ? { dockerConfig: opts.dockerConfigDir } : undefined) : Promise.resolve([]),
    readContextStore(dir, diagnostics),
  ]);
  const merged = mergeContexts(cli, store);
  return { candidates: merged.map((c) => contextToCandidate(c, opts.sshHosts)), diagnostics };
}
