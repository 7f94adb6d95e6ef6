/**
 * Ports the text itself publishes: `docker run … -p 8081:80` (a DNAT to the container port: host mode), `docker
 * service create … -p 8080:80` / `--publish published=8080,target=80[,protocol=udp][,mode=host]` (Swarm ingress, or
 * host mode). A script that publishes a port and then filters it in INPUT (or by its host port in DOCKER-USER) is the
 * mistake the published-port judgments are about (holdout 19). Ports bound to a loopback address, ranges, and a
 * container port alone (a random host port) are left out.
 */
import type { PublishedPort } from './types';

const PUBLISHING = /^\s*(?:sudo\s+)?docker\s+(run|create|container\s+(?:run|create)|service\s+(?:create|update))\b/;

/** The value of each `-p`/`--publish`/`--publish-add` option of a command's words. */
function publishValues(words: string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    const long = /^--publish(?:-add)?(?:=(.*))?$/.exec(w);
    if (long) out.push(long[1] ?? words[++k] ?? '');
    else if (w === '-p') out.push(words[++k] ?? '');
    else if (/^-p\d/.test(w)) out.push(w.slice(2));
  }
  return out;
}

/** `[ip:]host:container[/proto]` or the long form `published=…,target=…`; undefined for what cannot be told. */
function readPublish(v: string, service: boolean): PublishedPort | undefined {
  const value = v.replace(/^["']|["']$/g, '');
  if (value.includes('=')) {
    const kv = new Map(value.split(',').map((p) => p.split('=') as [string, string]));
    const port = Number(kv.get('published'));
    const target = Number(kv.get('target'));
    const protocol = (kv.get('protocol') ?? 'tcp') as PublishedPort['protocol'];
    if (!Number.isInteger(port) || port <= 0 || !['tcp', 'udp', 'sctp'].includes(protocol)) return undefined;
    return { port, protocol, mode: kv.get('mode') === 'host' ? 'host' : 'ingress', targetPort: Number.isInteger(target) && target > 0 ? target : undefined };
  }
  const m = /^(?:(\[[^\]]*\]|[\d.]+):)?(\d+):(\d+)(?:\/(tcp|udp|sctp))?$/.exec(value);
  if (!m || /^(127\.|\[::1\])/.test(m[1] ?? '')) return undefined;
  return { port: Number(m[2]), protocol: (m[4] ?? 'tcp') as PublishedPort['protocol'], mode: service ? 'ingress' : 'host', targetPort: Number(m[3]) };
}

/** One scan of the whole text before any line is split (re-lints of a large file pay only this). */
const ANY_PUBLISHING = /\bdocker\s+(?:run|create|container\s+(?:run|create)|service\s+(?:create|update))\b/;

export function publishedInText(text: string): PublishedPort[] {
  if (!text.includes('docker') || !ANY_PUBLISHING.test(text)) return [];
  const out: PublishedPort[] = [];
  for (const line of text.split('\n')) {
    const cmd = PUBLISHING.exec(line);
    if (!cmd) continue;
    const service = cmd[1].startsWith('service');
    for (const v of publishValues(line.trim().split(/\s+/))) {
      const p = readPublish(v, service);
      if (p) out.push(p);
    }
  }
  return out;
}
