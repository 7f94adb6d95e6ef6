/**
 * Node candidates from the user's OpenSSH client configuration (~/.ssh/config and the files it Includes),
 * read with the `ssh-config` library. Every concrete Host alias becomes one candidate NodeConfig with the
 * values `ssh -G <alias>` would use for HostName, User, Port, IdentityFile, ProxyJump and IdentityAgent.
 *
 * Safety: `Match exec` is never evaluated (matchExec: false) and `CanonicalizeHostName` is ignored, so reading
 * a config never runs a program or a DNS lookup. Wildcard-only Host patterns are templates, not hosts: skipped.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir, hostname as localHostname, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import SSHConfig, { LineType, type Line, type Section } from 'ssh-config';
import type { NodeConfig } from '../connect';
import { errorMessage, excerpt, type Diagnostic } from '../diagnostics';

export interface SshHostCandidate {
  /** The Host alias as written in the config (also the proposed node name). */
  alias: string;
  /** The node to add (transport ssh). keyPath is the first IdentityFile that exists (or the first listed). */
  config: NodeConfig;
  /** All IdentityFile values, expanded, in order. */
  identityFiles: string[];
  /** IdentityAgent expanded to a socket path; undefined when not set (use $SSH_AUTH_SOCK) or "none". */
  identityAgent?: string;
  /** The config file the Host line came from. */
  file: string;
  /** Problems specific to this host (e.g. a ProxyJump chain longer than one hop). */
  warnings: string[];
}

export interface SshConfigOptions {
  /** Home directory for ~ and %d (default: os.homedir()). */
  home?: string;
  /** Local user name for %u and the default User (default: os.userInfo().username). */
  localUser?: string;
  /** Config file to start from (default: <home>/.ssh/config). */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Tells whether a file exists (used to pick the IdentityFile); default: fs.stat. */
  exists?: (path: string) => Promise<boolean>;
}

export interface SshConfigResult {
  candidates: SshHostCandidate[];
  diagnostics: Diagnostic[];
  /** Every file that was read (the main config and its Includes). */
  files: string[];
}

const MAX_INCLUDE_DEPTH = 16;
const MAX_CONFIG_BYTES = 1024 * 1024;
const SOURCE = 'ssh config';

const defaultExists = async (p: string): Promise<boolean> => {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
};

function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

interface Ctx {
  home: string;
  localUser: string;
  env: NodeJS.ProcessEnv;
  diagnostics: Diagnostic[];
  files: string[];
  /** Host line → file it came from. */
  origin: Map<Line, string>;
}

/** `~` / `~/x` at the start of a path. */
export function expandTilde(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return p;
}

export interface TokenValues {
  home: string;
  localUser: string;
  /** Remote host name (after HostName). */
  host: string;
  /** The alias as typed. */
  alias: string;
  remoteUser: string;
  port: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Expands OpenSSH percent tokens (%% %d %u %h %n %r %p %i %l %L) and ${ENV} references as ssh_config(5)
 * describes for IdentityFile / IdentityAgent. Unknown tokens are kept literally and reported.
 */
export function expandTokens(value: string, t: TokenValues, warn?: (msg: string) => void): string {
  const local = localHostname();
  let out = value.replace(/%(.)/g, (m, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'd':
        return t.home;
      case 'u':
        return t.localUser;
      case 'h':
        return t.host;
      case 'n':
        return t.alias;
      case 'r':
        return t.remoteUser;
      case 'p':
        return String(t.port);
      case 'i':
        return typeof process.getuid === 'function' ? String(process.getuid()) : '0';
      case 'l':
        return local;
      case 'L':
        return local.split('.')[0];
      default:
        warn?.(`unsupported token ${m} in ${JSON.stringify(value)} kept as is`);
        return m;
    }
  });
  out = out.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) => {
    const v = t.env?.[name];
    if (v === undefined) {
      warn?.(`environment variable ${name} in ${JSON.stringify(value)} is not set`);
      return m;
    }
    return v;
  });
  return expandTilde(out, t.home);
}

function isSection(l: Line): l is Section {
  return l.type === LineType.DIRECTIVE && 'config' in l;
}

function valueList(v: Line): string[] {
  if (v.type !== LineType.DIRECTIVE) return [];
  if (typeof v.value === 'string') return v.value ? [v.value] : [];
  return v.value.map((x) => x.val);
}

async function globPaths(pattern: string): Promise<string[]> {
  if (!/[*?[]/.test(pattern)) return [pattern];
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : parts[0]];
  for (const part of parts.slice(1)) {
    if (!part) continue;
    const next: string[] = [];
    for (const b of bases) {
      if (!/[*?[]/.test(part)) {
        next.push(join(b, part));
        continue;
      }
      const re = new RegExp(`^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      const names = await readdir(b).catch(() => [] as string[]);
      for (const n of names.sort()) if (!n.startsWith('.') && re.test(n)) next.push(join(b, n));
    }
    bases = next;
  }
  return bases;
}

/** Reads and parses one config file, splicing Include directives in place (recursively). */
async function loadFile(path: string, ctx: Ctx, depth: number, stack: string[]): Promise<Line[]> {
  if (depth > MAX_INCLUDE_DEPTH) {
    ctx.diagnostics.push({ severity: 'error', source: SOURCE, message: `Include nested deeper than ${MAX_INCLUDE_DEPTH} levels at ${path}; ignored` });
    return [];
  }
  if (stack.includes(path)) {
    ctx.diagnostics.push({ severity: 'warning', source: SOURCE, message: `Include loop: ${[...stack, path].join(' → ')}; ignored` });
    return [];
  }
  let text: string;
  try {
    // Only regular, reasonably sized files (an Include of /dev/zero or a huge file must not hang or eat memory).
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES} bytes`);
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (depth === 0) ctx.diagnostics.push({ severity: 'info', source: SOURCE, message: `cannot read ${path}: ${errorMessage(e)}` });
    else ctx.diagnostics.push({ severity: 'warning', source: SOURCE, message: `cannot read included file ${path}: ${errorMessage(e)}` });
    return [];
  }
  ctx.files.push(path);
  return loadText(text, path, ctx, depth, stack);
}

async function loadText(text: string, path: string, ctx: Ctx, depth: number, stack: string[]): Promise<Line[]> {
  let parsed: SSHConfig;
  try {
    parsed = SSHConfig.parse(text);
  } catch (e) {
    ctx.diagnostics.push({ severity: 'error', source: `${SOURCE} ${path}`, message: `cannot parse: ${errorMessage(e)}`, excerpt: excerpt(text) });
    return [];
  }
  const include = async (l: Line): Promise<Line[]> => {
    const got: Line[] = [];
    for (const spec of valueList(l)) {
      const p0 = expandTilde(spec, ctx.home);
      const p = isAbsolute(p0) ? p0 : join(ctx.home, '.ssh', p0);
      for (const f of await globPaths(p)) got.push(...(await loadFile(f, ctx, depth + 1, [...stack, path])));
    }
    return got;
  };
  const isInclude = (l: Line): boolean => l.type === LineType.DIRECTIVE && /^include$/i.test(l.param);
  const out: Line[] = [];
  for (const l of parsed) {
    if (isInclude(l)) {
      out.push(...(await include(l)));
    } else if (isSection(l)) {
      ctx.origin.set(l, path);
      // An Include inside a Host/Match block: its plain directives apply to this block; Host/Match sections
      // of the included file follow this block.
      const inner: Line[] = [];
      const later: Line[] = [];
      for (const c of [...l.config]) {
        if (!isInclude(c)) {
          inner.push(c);
          continue;
        }
        for (const il of await include(c)) (isSection(il) || later.length ? later : inner).push(il);
      }
      l.config.splice(0, l.config.length, ...inner);
      out.push(l, ...later);
    } else out.push(l);
  }
  return out;
}

function first(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : v;
}

function all(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

const CONCRETE = /^[^*?!]+$/;

/** Reads ~/.ssh/config (and Includes) into candidates. Never throws; problems become diagnostics. */
export async function readSshConfig(opts: SshConfigOptions = {}): Promise<SshConfigResult> {
  const home = opts.home ?? homedir();
  const ctx: Ctx = { home, localUser: opts.localUser ?? localUserName(), env: opts.env ?? process.env, diagnostics: [], files: [], origin: new Map() };
  const configPath = opts.configPath ?? join(home, '.ssh', 'config');
  const lines = await loadFile(configPath, ctx, 0, []);
  const candidates = await candidatesFromLines(lines, ctx, opts.exists ?? defaultExists);
  return { candidates, diagnostics: ctx.diagnostics, files: ctx.files };
}

/** Same as readSshConfig for a config given as text (Include paths are read from disk). */
export async function sshConfigFromText(text: string, opts: SshConfigOptions & { fileLabel?: string } = {}): Promise<SshConfigResult> {
  const home = opts.home ?? homedir();
  const ctx: Ctx = { home, localUser: opts.localUser ?? localUserName(), env: opts.env ?? process.env, diagnostics: [], files: [], origin: new Map() };
  const lines = await loadText(text, opts.fileLabel ?? '<text>', ctx, 0, []);
  const candidates = await candidatesFromLines(lines, ctx, opts.exists ?? defaultExists);
  return { candidates, diagnostics: ctx.diagnostics, files: ctx.files };
}

async function candidatesFromLines(lines: Line[], ctx: Ctx, exists: (p: string) => Promise<boolean>): Promise<SshHostCandidate[]> {
  // Never let the library run programs (Match exec) or DNS lookups (CanonicalizeHostName → nslookup).
  const cfg = SSHConfig.parse('');
  const strip = (ls: Line[]): Line[] => ls.filter((l) => !(l.type === LineType.DIRECTIVE && /^(canonicalizehostname|canonicaldomains)$/i.test(l.param)));
  for (const l of strip(lines)) {
    if (isSection(l)) {
      const kept = strip([...l.config]);
      l.config.splice(0, l.config.length, ...kept);
    }
    cfg.push(l);
  }
  const compute = (alias: string): Record<string, string | string[]> => {
    try {
      return cfg.compute(alias, { ignoreCase: true, matchExec: false });
    } catch (e) {
      ctx.diagnostics.push({ severity: 'error', source: SOURCE, message: `cannot evaluate Host ${alias}: ${errorMessage(e)}` });
      return {};
    }
  };
  const seen = new Set<string>();
  const out: SshHostCandidate[] = [];
  for (const l of cfg) {
    if (!isSection(l) || !/^host$/i.test(l.param)) continue;
    for (const alias of valueList(l)) {
      if (!CONCRETE.test(alias)) continue;
      if (seen.has(alias.toLowerCase())) continue;
      seen.add(alias.toLowerCase());
      out.push(await candidate(alias, compute, ctx, exists, ctx.origin.get(l) ?? '<config>'));
    }
  }
  return out;
}

function parsePort(v: string | undefined, warnings: string[]): number {
  if (v === undefined) return 22;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    warnings.push(`Port ${JSON.stringify(v)} is not a port number; using 22`);
    return 22;
  }
  return n;
}

interface JumpHop {
  user?: string;
  host: string;
  port?: number;
}

function parseJumpHop(spec: string): JumpHop | undefined {
  const s = spec.trim();
  const uri = /^ssh:\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(s);
  const plain = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d+))?$/.exec(s);
  const m = uri ?? plain;
  if (!m) return undefined;
  return { user: m[1], host: m[2].replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : undefined };
}

async function candidate(
  alias: string,
  compute: (alias: string) => Record<string, string | string[]>,
  ctx: Ctx,
  exists: (p: string) => Promise<boolean>,
  file: string,
): Promise<SshHostCandidate> {
  const warnings: string[] = [];
  const c = compute(alias);
  const rawHost = first(c.hostname);
  const host = rawHost ? rawHost.replace(/%%|%h/g, (m) => (m === '%%' ? '%' : alias)) : alias;
  const user = first(c.user) ?? ctx.localUser;
  const port = parsePort(first(c.port), warnings);
  const tokens: TokenValues = { home: ctx.home, localUser: ctx.localUser, host, alias, remoteUser: user, port, env: ctx.env };
  const warn = (m: string): void => {
    warnings.push(m);
  };
  const identityFiles = all(c.identityfile).filter((f) => f.toLowerCase() !== 'none').map((f) => expandTokens(f, tokens, warn));
  let keyPath: string | undefined;
  for (const f of identityFiles) {
    if (await exists(f)) {
      keyPath = f;
      break;
    }
  }
  if (!keyPath && identityFiles.length) {
    keyPath = identityFiles[0];
    warnings.push(`IdentityFile ${identityFiles.join(', ')} not found`);
  }
  const config: NodeConfig = { name: alias, transport: 'ssh', host, port, user };
  if (keyPath) config.keyPath = keyPath;

  let identityAgent: string | undefined;
  const agentRaw = first(c.identityagent);
  if (agentRaw !== undefined) {
    if (agentRaw.toLowerCase() === 'none') config.useAgent = false;
    else if (agentRaw === 'SSH_AUTH_SOCK') identityAgent = ctx.env.SSH_AUTH_SOCK;
    else if (/^\$[A-Za-z_][A-Za-z0-9_]*$/.test(agentRaw)) identityAgent = ctx.env[agentRaw.slice(1)];
    else identityAgent = expandTokens(agentRaw, tokens, warn);
    if (identityAgent !== undefined) {
      config.useAgent = true;
      config.identityAgent = identityAgent;
    }
  }

  const jumpRaw = first(c.proxyjump);
  if (jumpRaw && jumpRaw.toLowerCase() !== 'none') {
    const hops = jumpRaw.split(',').map((s) => s.trim()).filter(Boolean);
    const resolved: string[] = [];
    for (const hop of hops) {
      const h = parseJumpHop(hop);
      if (!h) {
        warnings.push(`ProxyJump ${JSON.stringify(hop)} is not [user@]host[:port]; ignored`);
        continue;
      }
      // A jump host may itself be an alias in the config: use its HostName/User/Port.
      const jc = CONCRETE.test(h.host) && h.host !== alias ? compute(h.host) : {};
      const jHost = first(jc.hostname)?.replace(/%%|%h/g, (m) => (m === '%%' ? '%' : h.host)) ?? h.host;
      const jUser = h.user ?? first(jc.user);
      const jPort = h.port ?? (first(jc.port) !== undefined ? parsePort(first(jc.port), warnings) : undefined);
      if (first(jc.proxyjump) && first(jc.proxyjump)?.toLowerCase() !== 'none') {
        warnings.push(`jump host ${h.host} has its own ProxyJump, which is not followed`);
      }
      const hostPart = jHost.includes(':') ? `[${jHost}]` : jHost;
      resolved.push(`${jUser ? `${jUser}@` : ''}${hostPart}${jPort && jPort !== 22 ? `:${jPort}` : ''}`);
    }
    if (resolved.length > 1) warnings.push(`ProxyJump chain of ${resolved.length} hops: only a single jump host is supported`);
    if (resolved.length) config.proxyJump = resolved.join(',');
  }
  if (first(c.proxycommand) && first(c.proxycommand)?.toLowerCase() !== 'none') {
    warnings.push('ProxyCommand is not supported (use ProxyJump); the connection will be attempted directly');
  }
  return { alias, config, identityFiles, identityAgent, file, warnings };
}
