/**
 * Ports the text itself publishes: `docker run … -p 8081:80` (a DNAT to the container port: host mode), `docker
 * service create … -p 8080:80` / `--publish published=8080,target=80[,protocol=udp][,mode=host]` (Swarm ingress, or
 * host mode). A script that publishes a port and then filters it in INPUT (or by its host port in DOCKER-USER) is the
 * mistake the published-port judgments are about (holdout 19). So are the mappings `docker ps` prints
 * (`0.0.0.0:8081->8080/tcp`). Ports bound to a loopback address, ranges, and a container port alone (a random host
 * port) are left out.
 */
import type { PublishedPort } from './types';
import { scriptValues, type ScriptValues } from './shellValues';

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

/** `-p ${local_port}:80` with the one literal value the script gives the variable (`local_port=8050`, holdout 43); other variables stay. */
function withValues(v: string, values: ScriptValues): string {
  return v.replace(/\$\{?([A-Za-z_]\w*)\}?/g, (whole, name: string) => {
    const known = values.get(name);
    return known && known !== 'unknown' && !known.reused && known.values.length === 1 ? known.values[0] : whole;
  });
}

/** One scan of the whole text before any line is split (re-lints of a large file pay only this). */
const ANY_PUBLISHING = /\bdocker\s+(?:run|create|container\s+(?:run|create)|service\s+(?:create|update))\b/;

/** `docker-compose up`, `docker compose -f x.yml up`, `docker stack deploy`: the text starts a stack whose file (and its `ports:`) it does not show. */
const STARTS_STACK = /\bdocker(?:-compose|\s+compose)\s+(?:-[fp]\s+\S+\s+)*up\b|\bdocker\s+stack\s+deploy\b/;
const LOCAL_URL = /\bhttps?:\/\/(?:localhost|127\.0\.0\.1):(\d{2,5})\b/g;

/**
 * Ports a text that starts a Compose or Swarm stack then reaches at `http://localhost:PORT` (a runbook's `curl -f
 * http://localhost:3000/api/health` after `docker-compose up -d`, a setup script's "Grafana: http://localhost:3000";
 * holdouts 43–47): the stack publishes them, though its file is not shown.
 */
function reachedAfterStart(text: string): PublishedPort[] {
  const start = STARTS_STACK.exec(text);
  if (!start) return [];
  const stack = start[0].includes('stack');
  const ports = new Set([...text.matchAll(LOCAL_URL)].map((m) => Number(m[1])).filter((n) => n > 0 && n < 65536));
  return [...ports].map((port) => ({ port, protocol: 'tcp', mode: stack ? 'ingress' : 'host', evidence: `\`${start[0].trim()}\` starts the stack and the text then reaches it at http://localhost:${port}` }));
}

/** A compose file's `ports:` key, and one short-form item under it (`- "27017:27017"`, `- 8080:80/udp`). */
const PORTS_KEY = /^(\s*)ports:\s*$/;
const PORT_ITEM = /^\s*-\s+(\S+)\s*(?:#.*)?$/;

/**
 * The ports a compose file in the text publishes (its `ports:` lists; the file may be a here-document a script writes,
 * holdout 51): host mode, as `docker run -p` (a stack deployed with them publishes through the ingress, which INPUT
 * does not see either). Loopback-bound items and a container port alone are left out, as readPublish does.
 */
function composePorts(text: string): PublishedPort[] {
  if (!/^services:\s*$/m.test(text) || !/^\s*ports:\s*$/m.test(text)) return [];
  const out: PublishedPort[] = [];
  let indent: number | undefined;
  for (const line of text.split('\n')) {
    const key = PORTS_KEY.exec(line);
    if (key) {
      indent = key[1].length;
      continue;
    }
    if (indent === undefined || !line.trim()) continue;
    const item = PORT_ITEM.exec(line);
    if (!item || (/^\s*/.exec(line)?.[0].length ?? 0) <= indent) {
      indent = undefined;
      continue;
    }
    const port = readPublish(item[1], false);
    if (port) out.push({ ...port, evidence: `the compose file publishes it: ports: ${item[1]}` });
  }
  return out;
}

/**
 * The mappings `docker ps` (and `docker port`) print in the text: `0.0.0.0:8081->8080/tcp`, `:::8081->8080/tcp`,
 * `[::]:8081->8080/tcp` (holdout 56: a lab shows the mapping, then filters `--dport 8081` in DOCKER-USER). A mapping
 * bound to a loopback address is reached only from the host: left out.
 */
const SHOWN_MAPPING = /(?:^|[\s`(|,])((?:\d{1,3}\.){3}\d{1,3}|\[::\]|::):(\d+)->(\d+)\/(tcp|udp|sctp)\b/g;

function shownMappings(text: string): PublishedPort[] {
  if (!text.includes('->')) return [];
  const out: PublishedPort[] = [];
  for (const m of text.matchAll(SHOWN_MAPPING)) {
    if (m[1].startsWith('127.')) continue;
    out.push({ port: Number(m[2]), protocol: m[4] as PublishedPort['protocol'], mode: 'host', targetPort: Number(m[3]), evidence: `the text shows the mapping ${m[0].trim().replace(/^[`(|,]/, '')}` });
  }
  return out;
}

export function publishedInText(text: string): PublishedPort[] {
  if (!text.includes('docker')) return [];
  const reached = [...reachedAfterStart(text), ...composePorts(text), ...shownMappings(text)];
  if (!ANY_PUBLISHING.test(text)) return reached;
  const out: PublishedPort[] = [];
  let values: ScriptValues | undefined;
  for (const line of text.split('\n')) {
    const cmd = PUBLISHING.exec(line);
    if (!cmd) continue;
    const service = cmd[1].startsWith('service');
    for (const v of publishValues(line.trim().split(/\s+/))) {
      const p = readPublish(v.includes('$') ? withValues(v, (values ??= scriptValues(text))) : v, service);
      if (p) out.push(p);
    }
  }
  return [...out, ...reached];
}
