/**
 * Total parsers for iproute2 output: `ip -j -d addr` / `ip -j -d link`, `ip -j route`, `ip -j neigh`,
 * `bridge -j fdb show` (JSON, what discovery asks for) and the text forms operators paste or older iproute2
 * prints (`ip addr`, `ip -d link`, `bridge fdb show`, `ip neigh`), as in the seed outputs.
 */
import { excerpt, type Diagnostic } from '../diagnostics';
import type { AddressInfo, FdbEntry, InterfaceInfo, NeighEntry, RouteEntry, VxlanInfo } from '../model';
import { arr, isObject, num, obj, parseJsonArray, str, strArr, bool, type JsonObject } from './json';

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

function parseVxlan(data: JsonObject | undefined): VxlanInfo | undefined {
  if (!data) return undefined;
  const id = num(data, 'id');
  if (id === undefined) return undefined;
  return {
    id,
    dstport: num(data, 'port'),
    local: str(data, 'local'),
    learning: bool(data, 'learning'),
    proxy: bool(data, 'proxy'),
    l2miss: bool(data, 'l2miss'),
    l3miss: bool(data, 'l3miss'),
  };
}

export function parseIpAddrJson(text: string, source: string, diagnostics: Diagnostic[]): InterfaceInfo[] {
  const out: InterfaceInfo[] = [];
  for (const o of parseJsonArray(text, source, diagnostics)) {
    const ifindex = num(o, 'ifindex');
    const name = str(o, 'ifname');
    if (ifindex === undefined || !Number.isInteger(ifindex) || ifindex < 1 || !name) {
      diagnostics.push({ severity: 'warning', source, message: 'interface without a valid ifindex/ifname; ignored', excerpt: excerpt(JSON.stringify(o)) });
      continue;
    }
    const linkinfo = obj(o, 'linkinfo');
    const kind = linkinfo ? str(linkinfo, 'info_kind') : undefined;
    const addresses: AddressInfo[] = [];
    for (const a of arr(o, 'addr_info')) {
      if (!isObject(a)) continue;
      const fam = str(a, 'family');
      const local = str(a, 'local');
      const plen = num(a, 'prefixlen');
      if (fam !== 'inet' && fam !== 'inet6') continue;
      if (local && plen !== undefined && Number.isInteger(plen) && plen >= 0 && plen <= (fam === 'inet' ? 32 : 128)) addresses.push({ family: fam, address: local, prefixLen: plen });
      else diagnostics.push({ severity: 'warning', source, message: `${name}: address without a valid local/prefixlen; ignored`, excerpt: excerpt(JSON.stringify(a)) });
    }
    out.push({
      ifindex,
      name,
      mac: str(o, 'address'),
      mtu: num(o, 'mtu'),
      state: str(o, 'operstate'),
      flags: strArr(o, 'flags'),
      kind,
      master: str(o, 'master'),
      linkIndex: num(o, 'link_index'),
      linkNetnsId: num(o, 'link_netnsid'),
      addresses,
      vxlan: kind === 'vxlan' ? parseVxlan(linkinfo ? obj(linkinfo, 'info_data') : undefined) : undefined,
    });
  }
  return out;
}

export function parseRoutesJson(text: string, source: string, diagnostics: Diagnostic[]): RouteEntry[] {
  return parseJsonArray(text, source, diagnostics).flatMap((o) => {
    const dst = str(o, 'dst');
    if (!dst) {
      diagnostics.push({ severity: 'warning', source, message: 'route without dst; ignored', excerpt: excerpt(JSON.stringify(o)) });
      return [];
    }
    return [{ dst, dev: str(o, 'dev'), gateway: str(o, 'gateway'), prefsrc: str(o, 'prefsrc'), protocol: str(o, 'protocol'), scope: str(o, 'scope'), table: str(o, 'table'), type: str(o, 'type') }];
  });
}

export function parseNeighJson(text: string, source: string, diagnostics: Diagnostic[]): NeighEntry[] {
  return parseJsonArray(text, source, diagnostics).flatMap((o) => {
    const dst = str(o, 'dst');
    const dev = str(o, 'dev');
    if (!dst || !dev) {
      diagnostics.push({ severity: 'warning', source, message: 'neighbour without dst/dev; ignored', excerpt: excerpt(JSON.stringify(o)) });
      return [];
    }
    return [{ dst, dev, lladdr: str(o, 'lladdr'), state: strArr(o, 'state') }];
  });
}

export function parseFdbJson(text: string, source: string, diagnostics: Diagnostic[]): FdbEntry[] {
  return parseJsonArray(text, source, diagnostics).flatMap((o) => {
    const mac = str(o, 'mac');
    const dev = str(o, 'ifname') ?? str(o, 'dev');
    if (!mac || !dev || !MAC.test(mac)) {
      diagnostics.push({ severity: 'warning', source, message: 'fdb entry without a valid mac/ifname; ignored', excerpt: excerpt(JSON.stringify(o)) });
      return [];
    }
    return [{ mac: mac.toLowerCase(), dev, dst: str(o, 'dst'), master: str(o, 'master'), vlan: num(o, 'vlan'), flags: strArr(o, 'flags'), state: str(o, 'state') }];
  });
}

// ---------------------------------------------------------------------------------------------------------
// Text forms

const LINK_HEAD = /^(\d+):\s+([^:@\s]+)(?:@(if(\d+)|[^:\s]+))?:\s+<([^>]*)>(.*)$/;

/** `ip addr` / `ip link` / `ip -d link` text. */
export function parseIpLinkText(text: string, source: string, diagnostics: Diagnostic[]): InterfaceInfo[] {
  const out: InterfaceInfo[] = [];
  let cur: InterfaceInfo | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trimEnd();
    if (!line.trim()) return;
    const head = LINK_HEAD.exec(line);
    if (head) {
      const rest = head[6];
      const kv = (k: string): string | undefined => new RegExp(`\\b${k}\\s+(\\S+)`).exec(rest)?.[1];
      const mtu = kv('mtu');
      cur = {
        ifindex: Number(head[1]),
        name: head[2],
        flags: head[5] ? head[5].split(',') : [],
        linkIndex: head[4] ? Number(head[4]) : undefined,
        mtu: mtu ? Number(mtu) : undefined,
        master: kv('master'),
        state: kv('state'),
        addresses: [],
      };
      out.push(cur);
      return;
    }
    const t = line.trim();
    if (!cur) {
      diagnostics.push({ severity: 'warning', source, message: 'line before any interface header; ignored', line: i + 1, excerpt: excerpt(t) });
      return;
    }
    let m: RegExpExecArray | null;
    if ((m = /^link\/(\S+)(?:\s+([0-9a-f:]{17}))?/.exec(t))) {
      if (m[2]) cur.mac = m[2].toLowerCase();
      const nsid = /link-netnsid\s+(\d+)/.exec(t);
      if (nsid) cur.linkNetnsId = Number(nsid[1]);
    } else if ((m = /^(inet6?)\s+([0-9a-fA-F.:]+)\/(\d+)/.exec(t))) {
      cur.addresses.push({ family: m[1] as 'inet' | 'inet6', address: m[2], prefixLen: Number(m[3]) });
    } else if ((m = /^(vxlan|veth|bridge|bridge_slave|ipvlan|macvlan|dummy)\b(.*)$/.exec(t))) {
      if (m[1] !== 'bridge_slave') cur.kind = m[1];
      if (m[1] === 'vxlan') {
        const id = /\bid\s+(\d+)/.exec(m[2]);
        const port = /\bdstport\s+(\d+)/.exec(m[2]);
        const local = /\blocal\s+(\S+)/.exec(m[2]);
        if (id) cur.vxlan = { id: Number(id[1]), dstport: port ? Number(port[1]) : undefined, local: local?.[1], proxy: /\bproxy\b/.test(m[2]), l2miss: /\bl2miss\b/.test(m[2]), l3miss: /\bl3miss\b/.test(m[2]), learning: !/\bnolearning\b/.test(m[2]) };
        else diagnostics.push({ severity: 'warning', source, message: 'vxlan details without an id', line: i + 1, excerpt: excerpt(t) });
      }
    } else if (/^(valid_lft|altname|alias|prog\/|vf |numtxqueues|gso_|openvswitch)/.test(t) || /^\S+\s/.test(t)) {
      /* details we do not model */
    } else {
      diagnostics.push({ severity: 'warning', source, message: 'unrecognised line', line: i + 1, excerpt: excerpt(t) });
    }
  });
  return out;
}

/** `bridge fdb show` text. */
export function parseFdbText(text: string, source: string, diagnostics: Diagnostic[], defaultDev = 'vxlan0'): FdbEntry[] {
  const out: FdbEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (!t) return;
    const words = t.split(/\s+/);
    if (!MAC.test(words[0])) {
      diagnostics.push({ severity: 'warning', source, message: 'fdb line does not start with a MAC address; ignored', line: i + 1, excerpt: excerpt(t) });
      return;
    }
    const e: FdbEntry = { mac: words[0].toLowerCase(), dev: defaultDev, flags: [] };
    for (let k = 1; k < words.length; k++) {
      const w = words[k];
      const next = words[k + 1];
      if (['dev', 'dst', 'master', 'vlan', 'link-netnsid', 'port', 'vni', 'via', 'src_vni', 'nhid'].includes(w) && next !== undefined) {
        if (w === 'dev') e.dev = next;
        else if (w === 'dst') e.dst = next;
        else if (w === 'master') e.master = next;
        else if (w === 'vlan') e.vlan = Number(next);
        k++;
      } else if (['permanent', 'static', 'dynamic', 'stale'].includes(w)) e.state = w;
      else e.flags.push(w);
    }
    out.push(e);
  });
  return out;
}

/** `ip neigh` text. */
export function parseNeighText(text: string, source: string, diagnostics: Diagnostic[]): NeighEntry[] {
  const out: NeighEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (!t) return;
    const m = /^(\S+)\s+dev\s+(\S+)(?:\s+lladdr\s+([0-9a-fA-F:]{17}))?(?:\s+(?:router|proxy))*\s*(.*)$/.exec(t);
    if (!m) {
      diagnostics.push({ severity: 'warning', source, message: 'unrecognised neighbour line; ignored', line: i + 1, excerpt: excerpt(t) });
      return;
    }
    out.push({ dst: m[1], dev: m[2], lladdr: m[3]?.toLowerCase(), state: m[4] ? m[4].split(/\s+/).filter(Boolean) : [] });
  });
  return out;
}
