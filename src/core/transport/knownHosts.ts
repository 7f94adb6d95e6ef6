/**
 * OpenSSH known_hosts matching (plain and hashed `|1|salt|hash` host patterns, `[host]:port` form, negation and
 * wildcards, @revoked markers). Used to verify a server's host key before any authentication happens.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HostKeyInfo, HostKeyVerifier } from './ssh';

export interface KnownHostEntry {
  marker?: '@cert-authority' | '@revoked';
  patterns: string;
  keyType: string;
  keyBase64: string;
  line: number;
}

export type HostKeyVerdict =
  | { status: 'match'; line: number }
  | { status: 'mismatch'; line: number; expectedType: string }
  | { status: 'revoked'; line: number }
  /** otherKeyTypes: keys of other types are known for this host (as OpenSSH, that is not a mismatch). */
  | { status: 'unknown'; otherKeyTypes?: string[] };

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (parts[0] === '@cert-authority' || parts[0] === '@revoked') marker = parts.shift() as KnownHostEntry['marker'];
    if (parts.length < 3) return;
    out.push({ marker, patterns: parts[0], keyType: parts[1], keyBase64: parts[2], line: i + 1 });
  });
  return out;
}

/** The host name as known_hosts writes it: `host` for port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${esc}$`, 'i');
}

export function hostMatchesPatterns(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    // Buffer.from(…, 'base64') skips what is not base64 and createHmac takes any key: nothing here throws
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1)).test(name)) return false;
    } else if (globToRegExp(p).test(name)) matched = true;
  }
  return matched;
}

/**
 * Checks a presented key (type + raw blob) for host:port against known_hosts text, as OpenSSH does: a line for
 * this host with the same key → match; with the same key type but another key → mismatch; the key listed under
 * @revoked → revoked; only keys of other types known → unknown (with otherKeyTypes), so a server that offers a
 * new key type is asked about, not mistaken for an attack. Host names compare case-insensitively (OpenSSH
 * lowercases them, also before hashing).
 */
export function checkHostKey(knownHostsText: string, host: string, port: number, keyType: string, keyBlob: Buffer): HostKeyVerdict {
  const name = knownHostName(host.toLowerCase(), port);
  const b64 = keyBlob.toString('base64');
  let mismatch: HostKeyVerdict | undefined;
  const others = new Set<string>();
  let match: HostKeyVerdict | undefined;
  for (const e of parseKnownHosts(knownHostsText)) {
    if (e.marker === '@cert-authority') continue;
    if (!hostMatchesPatterns(e.patterns, name)) continue;
    if (e.marker === '@revoked') {
      // A revoked key is refused wherever it appears, even if another line lists it as valid.
      if (e.keyBase64 === b64) return { status: 'revoked', line: e.line };
      continue;
    }
    if (e.keyBase64 === b64) match ??= { status: 'match', line: e.line };
    else if (e.keyType === keyType) mismatch ??= { status: 'mismatch', line: e.line, expectedType: e.keyType };
    else others.add(e.keyType);
  }
  if (match) return match;
  if (mismatch) return mismatch;
  return others.size ? { status: 'unknown', otherKeyTypes: [...others] } : { status: 'unknown' };
}

/** `SHA256:...` fingerprint as OpenSSH prints it. */
export function fingerprintSha256(keyBlob: Buffer): string {
  // Stryker disable next-line Regex: equivalent, a SHA-256 digest is 32 bytes, so its base64 ends in exactly one "=" and has none elsewhere
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type name stored at the start of an SSH public key blob. */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len <= 0 || len > 64 || blob.length < 4 + len) return 'unknown';
  return blob.subarray(4, 4 + len).toString('ascii');
}

/** `|1|salt|hash` form of a known_hosts host name, as `ssh-keygen -H` / HashKnownHosts write it. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

/** A known_hosts line for host:port, with the host name hashed when `hashed`. */
export function formatKnownHostsLine(host: string, port: number, keyBlob: Buffer, hashed: boolean): string {
  const name = knownHostName(host.toLowerCase(), port);
  return `${hashed ? hashHostName(name) : name} ${keyTypeOfBlob(keyBlob)} ${keyBlob.toString('base64')}`;
}

/** True when the file's entries are hashed (so new ones should be too). */
export function usesHashing(knownHostsText: string): boolean {
  return parseKnownHosts(knownHostsText).some((e) => e.patterns.startsWith('|1|'));
}

export type UnknownHostChoice = 'once' | 'save' | 'reject';

export interface UnknownHostInfo extends HostKeyInfo {
  /** Key types already known for this host (the server offered a different type). */
  otherKeyTypes: string[];
  /** Where a saved key goes. */
  knownHostsPath: string;
}

export interface KnownHostsPolicy {
  /** The user's known_hosts (read, and appended to on 'save'). */
  knownHostsPath: string;
  /** More files read for matching only (e.g. /etc/ssh/ssh_known_hosts). */
  extraKnownHostsPaths?: string[];
  /** Asked when the host is not known. Never called for a mismatch or a revoked key. */
  onUnknown: (info: UnknownHostInfo) => Promise<UnknownHostChoice>;
  /** Told when the key is refused (changed or revoked); `line` is the known_hosts line that disagrees. */
  onMismatch: (info: HostKeyInfo, line: number, detail: { status: 'mismatch' | 'revoked'; path: string; expectedType?: string }) => void;
  /** Hash saved host names: default = when the file already has hashed entries. */
  hash?: boolean;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/**
 * The host-key policy every connection uses: known key → trust; changed or revoked key → refuse and warn;
 * unknown → ask (once / save / reject). Concurrent connections to the same host share one question, and a
 * key saved by one is seen by the next. Errors (unreadable known_hosts, a failing prompt) refuse.
 */
export function makeKnownHostsVerifier(policy: KnownHostsPolicy): HostKeyVerifier {
  const pending = new Map<string, Promise<boolean>>();
  let writes: Promise<void> = Promise.resolve();

  const decide = async (info: HostKeyInfo): Promise<boolean> => {
    const files = [policy.knownHostsPath, ...(policy.extraKnownHostsPaths ?? [])];
    const otherTypes = new Set<string>();
    for (const path of files) {
      const text = await readText(path);
      const v = checkHostKey(text, info.host, info.port, info.keyType, info.key);
      if (v.status === 'match') return true;
      if (v.status === 'mismatch' || v.status === 'revoked') {
        policy.onMismatch(info, v.line, { status: v.status, path, expectedType: v.status === 'mismatch' ? v.expectedType : undefined });
        return false;
      }
      for (const t of v.otherKeyTypes ?? []) otherTypes.add(t);
    }
    const choice = await policy.onUnknown({ ...info, otherKeyTypes: [...otherTypes], knownHostsPath: policy.knownHostsPath });
    if (choice === 'save') {
      const write = writes.then(async () => {
        const text = await readText(policy.knownHostsPath);
        const line = formatKnownHostsLine(info.host, info.port, info.key, policy.hash ?? usesHashing(text));
        await mkdir(dirname(policy.knownHostsPath), { recursive: true, mode: 0o700 });
        await appendFile(policy.knownHostsPath, `${text && !text.endsWith('\n') ? '\n' : ''}${line}\n`, { mode: 0o600 });
      });
      writes = write.catch(() => undefined);
      await write;
    }
    return choice === 'once' || choice === 'save';
  };

  return (info) => {
    // Stryker disable next-line MethodExpression: equivalent, toUpperCase folds case as well as toLowerCase for this key
    const key = `${info.host.toLowerCase()}|${info.port}|${info.fingerprint}`;
    const inflight = pending.get(key);
    if (inflight) return inflight;
    const p = decide(info).finally(() => pending.delete(key));
    pending.set(key, p);
    return p;
  };
}
