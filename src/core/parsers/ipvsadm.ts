/**
 * Total parser of `ipvsadm -Ln` / `ipvsadm -ln` output, and of the name-resolved form printed without `-n`
 * (where ipvsadm cuts host names to its 28-column field). Also recognises the errors printed when the kernel
 * has no IPVS ("Protocol not available") or ipvsadm is not installed, so callers can state "IPVS absent".
 */
import { excerpt, type Diagnostic, type Parsed } from '../diagnostics';

export type IpvsProtocol = 'TCP' | 'UDP' | 'SCTP' | 'FWM';

export interface IpvsRealServer {
  /** The address when printed numerically (IPv4 or IPv6 without brackets); undefined for host names. */
  address?: string;
  /** The host as printed (address or resolved name). */
  host: string;
  /** Port; undefined when ipvsadm cut the field before the port. 0 for FWM services (keep the packet's port). */
  port?: number;
  /** Masq (NAT), Route (DR), Tunnel, Local, ... as printed. */
  forward: string;
  weight: number;
  activeConn: number;
  inactConn: number;
  /** True when the name was cut by ipvsadm's column width (no port printed, field full). */
  truncated: boolean;
  /** 1-based line. */
  line: number;
}

export interface IpvsService {
  protocol: IpvsProtocol;
  /** Firewall mark for FWM services. */
  fwmark?: number;
  /** Virtual address for TCP/UDP/SCTP services when printed numerically. */
  vip?: string;
  /** Host as printed (address or name) for TCP/UDP/SCTP services. */
  host?: string;
  port?: number;
  scheduler: string;
  /** Remaining flags as printed, e.g. ["persistent", "360"], ["ops"]. */
  flags: string[];
  persistentTimeout?: number;
  realServers: IpvsRealServer[];
  line: number;
}

export type IpvsStatus = 'ok' | 'absent' | 'not-installed' | 'error' | 'empty';

export interface IpvsTable {
  /** ok: table printed; absent: kernel has no IPVS; not-installed: ipvsadm missing; error: other failure; empty: no output. */
  status: IpvsStatus;
  /** Human sentence explaining a non-ok status. */
  reason?: string;
  version?: string;
  size?: number;
  services: IpvsService[];
  /** True when addresses were printed numerically (-n); false when some names were resolved. */
  numeric: boolean;
}

const HEADER_VERSION = /^IP Virtual Server version (\S+) \(size=(\d+)\)\s*$/;
const HEADER_COLS = /^Prot LocalAddress:Port Scheduler Flags\s*$/;
const HEADER_RS = /^\s+->\s+RemoteAddress:Port\s+Forward\s+Weight\s+ActiveConn\s+InActConn\s*$/;
const SERVICE = /^(TCP|UDP|SCTP)\s+(\S+)\s+(\S+)(?:\s+(.*))?$/;
const FWM_SERVICE = /^FWM\s+(\d+)\s+(\S+)(?:\s+(.*))?$/;
const REAL = /^\s+->\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;
/** Width of ipvsadm's RemoteAddress:Port field; a name filling it without ":port" was cut. */
const RS_FIELD_WIDTH = 28;

const ABSENT_PATTERNS: { re: RegExp; status: IpvsStatus; reason: string }[] = [
  { re: /Protocol not available|Can't initialize ipvs|IP Virtual Server is built in the kernel/i, status: 'absent', reason: 'IPVS is absent in this kernel (ipvsadm: "Protocol not available")' },
  { re: /ipvsadm: (?:command )?not found|ipvsadm: No such file|executable file not found|No such file or directory.*ipvsadm|ipvsadm.*No such file or directory|can't execute 'ipvsadm'|failed to execute ipvsadm/i, status: 'not-installed', reason: 'ipvsadm is not installed on this node' },
];

/** Splits "host:port", "[v6]:port", or a bare (possibly cut) name; a port past 65535 is left out and flagged. */
function splitHostPort(field: string): { host: string; port?: number; hasPort: boolean; badPort?: boolean } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(field) ?? /^([^:]+):(\d+)$/.exec(field);
  if (!m) return { host: field, hasPort: false };
  const port = Number(m[2]);
  return port <= 65535 ? { host: m[1], port, hasPort: true } : { host: m[1], hasPort: true, badPort: true };
}

function isAddress(host: string): boolean {
  return IPV4.test(host) || (host.includes(':') && IPV6.test(host));
}

/** Classifies ipvsadm's stderr/stdout when it failed; returns undefined when the text is not a known failure. */
export function classifyIpvsFailure(text: string): { status: IpvsStatus; reason: string } | undefined {
  for (const p of ABSENT_PATTERNS) if (p.re.test(text)) return { status: p.status, reason: p.reason };
  return undefined;
}

export function parseIpvsadm(text: string, source = 'ipvsadm -Ln'): Parsed<IpvsTable> {
  const diagnostics: Diagnostic[] = [];
  const table: IpvsTable = { status: 'ok', services: [], numeric: true };
  const failure = classifyIpvsFailure(text);
  if (failure) {
    table.status = failure.status;
    table.reason = failure.reason;
    diagnostics.push({ severity: 'info', source, message: failure.reason, excerpt: excerpt(text.trim()) });
    return { value: table, diagnostics };
  }
  if (text.trim() === '') {
    table.status = 'empty';
    table.reason = 'ipvsadm printed nothing (no output captured)';
    diagnostics.push({ severity: 'warning', source, message: table.reason });
    return { value: table, diagnostics };
  }
  const lines = text.split(/\r?\n/);
  let current: IpvsService | undefined;
  let sawHeader = false;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const l = raw.replace(/\s+$/, '');
    if (l === '') return;
    let m = HEADER_VERSION.exec(l);
    if (m) {
      table.version = m[1];
      table.size = Number(m[2]);
      sawHeader = true;
      return;
    }
    if (HEADER_COLS.test(l) || HEADER_RS.test(l)) {
      sawHeader = true;
      return;
    }
    m = FWM_SERVICE.exec(l);
    if (m) {
      current = { protocol: 'FWM', fwmark: Number(m[1]), scheduler: m[2], flags: splitFlags(m[3]), realServers: [], line };
      current.persistentTimeout = persistent(current.flags);
      table.services.push(current);
      return;
    }
    m = SERVICE.exec(l);
    if (m) {
      const hp = splitHostPort(m[2]);
      current = { protocol: m[1] as IpvsProtocol, host: hp.host, port: hp.port, scheduler: m[3], flags: splitFlags(m[4]), realServers: [], line };
      if (isAddress(hp.host)) current.vip = hp.host;
      else table.numeric = false;
      if (!hp.hasPort) diagnostics.push({ severity: 'warning', source, line, message: `service address without a port: ${hp.host}`, excerpt: excerpt(l) });
      if (hp.badPort) diagnostics.push({ severity: 'warning', source, line, message: `service port out of range: ${m[2]}`, excerpt: excerpt(l) });
      current.persistentTimeout = persistent(current.flags);
      table.services.push(current);
      return;
    }
    m = REAL.exec(l);
    if (m) {
      if (!current) {
        diagnostics.push({ severity: 'warning', source, line, message: 'real server line before any service: ignored', excerpt: excerpt(l) });
        return;
      }
      const hp = splitHostPort(m[1]);
      const rs: IpvsRealServer = {
        host: hp.host,
        port: hp.port,
        forward: m[2],
        weight: Number(m[3]),
        activeConn: Number(m[4]),
        inactConn: Number(m[5]),
        truncated: !hp.hasPort && m[1].length >= RS_FIELD_WIDTH,
        line,
      };
      if (isAddress(hp.host)) rs.address = hp.host;
      else table.numeric = false;
      if (rs.truncated) {
        diagnostics.push({ severity: 'info', source, line, message: `real server name "${hp.host}" was cut by ipvsadm's column width (run ipvsadm with -n for addresses)` });
      } else if (!hp.hasPort) {
        diagnostics.push({ severity: 'warning', source, line, message: `real server without a port: ${hp.host}`, excerpt: excerpt(l) });
      }
      if (hp.badPort) diagnostics.push({ severity: 'warning', source, line, message: `real server port out of range: ${m[1]}`, excerpt: excerpt(l) });
      current.realServers.push(rs);
      return;
    }
    diagnostics.push({ severity: 'warning', source, line, message: 'unrecognised ipvsadm line', excerpt: excerpt(l) });
  });
  if (!sawHeader && table.services.length === 0) {
    table.status = 'error';
    table.reason = 'output is not an ipvsadm listing';
    diagnostics.push({ severity: 'error', source, message: table.reason, excerpt: excerpt(text.trim()) });
  }
  return { value: table, diagnostics };
}

function splitFlags(s: string | undefined): string[] {
  return s ? s.trim().split(/\s+/).filter((x) => x !== '') : [];
}

function persistent(flags: string[]): number | undefined {
  const i = flags.indexOf('persistent');
  if (i < 0) return undefined;
  const n = Number(flags[i + 1]);
  return Number.isFinite(n) ? n : undefined;
}

/** FWM service for a mark, if any. */
export function findFwmService(table: IpvsTable, mark: number): IpvsService | undefined {
  return table.services.find((s) => s.protocol === 'FWM' && s.fwmark === mark);
}

/** VIP:port service for a destination. */
export function findVipService(table: IpvsTable, proto: string, dst: string, dport: number | undefined): IpvsService | undefined {
  const p = proto.toUpperCase();
  return table.services.find((s) => s.protocol === p && s.vip === dst && (s.port === dport || s.port === 0));
}
