/**
 * OpenSSH known_hosts matching (plain and hashed `|1|salt|hash` host patterns, `[host]:port` form, negation and
 * wildcards, @revoked markers). Used to verify a server's host key before any authentication happens.
 */
import { createHash, createHmac } from 'node:crypto';

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
  | { status: 'unknown' };

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
    try {
      const h = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
      return h === hash;
    } catch {
      return false;
    }
  }
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1)).test(name)) return false;
    } else if (globToRegExp(p).test(name)) matched = true;
  }
  return matched;
}

/** Checks a presented key (type + raw blob) for host:port against known_hosts text. */
export function checkHostKey(knownHostsText: string, host: string, port: number, keyType: string, keyBlob: Buffer): HostKeyVerdict {
  const name = knownHostName(host, port);
  const b64 = keyBlob.toString('base64');
  let mismatch: HostKeyVerdict | undefined;
  for (const e of parseKnownHosts(knownHostsText)) {
    if (e.marker === '@cert-authority') continue;
    if (!hostMatchesPatterns(e.patterns, name)) continue;
    if (e.marker === '@revoked') {
      if (e.keyBase64 === b64) return { status: 'revoked', line: e.line };
      continue;
    }
    if (e.keyBase64 === b64) return { status: 'match', line: e.line };
    if (e.keyType === keyType || !mismatch) mismatch = { status: 'mismatch', line: e.line, expectedType: e.keyType };
  }
  return mismatch ?? { status: 'unknown' };
}

/** `SHA256:...` fingerprint as OpenSSH prints it. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type name stored at the start of an SSH public key blob. */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len <= 0 || len > 64 || blob.length < 4 + len) return 'unknown';
  return blob.subarray(4, 4 + len).toString('ascii');
}

export function knownHostsLine(host: string, port: number, keyBlob: Buffer): string {
  return `${knownHostName(host, port)} ${keyTypeOfBlob(keyBlob)} ${keyBlob.toString('base64')}`;
}
