/**
 * NetworkDB as the engine's network diagnostic server shows it (`"network-diagnostic-port"` in daemon.json,
 * 127.0.0.1 of the node only): `/networkpeers`, `/clusterpeers`, `/gettable?nid=…&tname=…&json`.
 * Table values are base64 protobuf: libnetwork's `EndpointRecord` (endpoint_table) and the overlay driver's
 * `PeerRecord` (overlay_peer_table). Readers are total: what cannot be read becomes a diagnostic.
 */
import { excerpt, type Diagnostic } from '../diagnostics';

export interface GossipPeer {
  name: string;
  ip: string;
}

/** endpoint_table row (libnetwork agent.proto EndpointRecord). */
export interface EndpointRecord {
  name: string;
  serviceName: string;
  serviceId: string;
  virtualIp: string;
  endpointIp: string;
  taskAliases: string[];
  serviceDisabled: boolean;
}

/** overlay_peer_table row (overlay.proto PeerRecord): the task's address/len, its MAC and its node's VTEP. */
export interface PeerRecord {
  endpointIp: string;
  endpointMac: string;
  tunnelEndpointIp: string;
}

export interface TableRow<T> {
  key: string;
  owner: string;
  value: T;
}

type Field = { no: number; wire: number; bytes?: Uint8Array; varint?: number };

/**
 * Reads the top-level fields of a protobuf message (varint and length-delimited; others skipped). Whatever runs past
 * the end (a varint cut short, a length or a fixed32/fixed64 beyond the buffer) leaves i beyond it, and so does a
 * varint longer than 10 bytes: the one check at the end refuses the message.
 */
export function protoFields(buf: Uint8Array): Field[] | undefined {
  const out: Field[] = [];
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      const b = buf[i++] ?? 0; // past the end: 0 ends the varint, i is beyond the buffer
      v += (b & 0x7f) * mul;
      if (!(b & 0x80)) return v;
      mul *= 128;
    }
    i = Infinity; // no varint is longer: nothing after it is read
    return 0;
  };
  while (i < buf.length) {
    const tag = varint();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) out.push({ no, wire, varint: varint() });
    else if (wire === 2) {
      const len = varint();
      out.push({ no, wire, bytes: buf.subarray(i, i + len) });
      i += len;
    } else if (wire === 5) i += 4;
    else if (wire === 1) i += 8;
    else return undefined;
  }
  return i === buf.length ? out : undefined;
}

const text = (f: Field[], no: number): string => {
  const b = f.find((x) => x.no === no && x.bytes)?.bytes;
  return b ? Buffer.from(b).toString('utf8') : '';
};
const texts = (f: Field[], no: number): string[] => f.flatMap((x) => (x.no === no && x.bytes ? [Buffer.from(x.bytes).toString('utf8')] : []));

export function decodeEndpointRecord(b64: string): EndpointRecord | undefined {
  const f = protoFields(Buffer.from(b64, 'base64'));
  // every record libnetwork writes has the endpoint's address: one without is not an endpoint row
  if (!f || !text(f, 5)) return undefined;
  return {
    name: text(f, 1),
    serviceName: text(f, 2),
    serviceId: text(f, 3),
    virtualIp: text(f, 4),
    endpointIp: text(f, 5),
    taskAliases: texts(f, 8),
    serviceDisabled: f.some((x) => x.no === 9 && x.varint === 1),
  };
}

export function decodePeerRecord(b64: string): PeerRecord | undefined {
  const f = protoFields(Buffer.from(b64, 'base64'));
  if (!f) return undefined;
  const r = { endpointIp: text(f, 1), endpointMac: text(f, 2).toLowerCase(), tunnelEndpointIp: text(f, 3) };
  return r.endpointIp && r.endpointMac && r.tunnelEndpointIp ? r : undefined;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `details.entries` array of a diagnostic-server JSON answer, or a diagnostic saying what was wrong. */
function entries(body: string, source: string, diagnostics: Diagnostic[]): Record<string, unknown>[] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    diagnostics.push({ severity: 'warning', source, message: 'answer is not JSON', excerpt: excerpt(body) });
    return undefined;
  }
  const details = isObj(v) ? v.details : undefined;
  // a table or peer list always has `entries` (null when empty); a refusal ("missing parameter", "not
  // implemented") has a usage there instead, and a failure no details at all
  if (!isObj(details) || !('entries' in details)) {
    const msg = isObj(v) && typeof v.message === 'string' ? v.message : 'no details';
    diagnostics.push({ severity: 'warning', source, message: `diagnostic server said: ${msg}`, excerpt: excerpt(body) });
    return undefined;
  }
  const list = details.entries;
  if (list === null) return [];
  if (!Array.isArray(list)) {
    diagnostics.push({ severity: 'warning', source, message: 'details.entries is not a list', excerpt: excerpt(body) });
    return undefined;
  }
  return list.filter(isObj);
}

/** `/networkpeers` and `/clusterpeers` (the peer's name key is literally `-=name`). */
export function parsePeers(body: string, source: string, diagnostics: Diagnostic[]): GossipPeer[] | undefined {
  const list = entries(body, source, diagnostics);
  return list?.map((e) => ({ name: String(e['-=name'] ?? e.name ?? ''), ip: String(e.ip ?? '') }));
}

/** `/gettable`: rows with their owner; undecodable values are reported and left out (counted, never silent). */
export function parseTable<T>(body: string, source: string, decode: (b64: string) => T | undefined, diagnostics: Diagnostic[]): TableRow<T>[] | undefined {
  const list = entries(body, source, diagnostics);
  if (!list) return undefined;
  const rows: TableRow<T>[] = [];
  for (const e of list) {
    const value = typeof e.value === 'string' ? decode(e.value) : undefined;
    if (value === undefined || typeof e.key !== 'string') {
      diagnostics.push({ severity: 'warning', source, message: 'table row could not be decoded; left out of the comparison', excerpt: excerpt(JSON.stringify(e)) });
      continue;
    }
    rows.push({ key: e.key, owner: String(e.owner ?? ''), value });
  }
  return rows;
}
