/**
 * Ports as iptables reads them. Match options (`--dport`, `--sport`, conntrack `--ct*port`, ipvs `--vport`)
 * take a port, a service name of the rule's protocol (/etc/services) or a range "a:b" (":b" = 0:b, "a:" =
 * a:65535); multiport takes up to 15 of them separated by commas (a range counts twice). "a-b" is refused
 * there ("invalid port/service `80-90' specified", iptables 1.8.9) and accepted only by NAT targets
 * (`--to-ports 8000-8010`, `--to-destination ip:a-b`).
 */
import { allDigits } from './ipv4';
import { isServiceName, servicePort } from './services';

export interface PortRange {
  lo: number;
  hi: number;
}

/** A port set from "80", "1000:2000", ":1024", "80,443,8000:8100". */
export type PortSet = [number, number][];

/** The decimal number s[a, b) (digits only, at most 15 of them). */
function numberAt(s: string, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

/** A port (number ≤ 65535 or service-name syntax) at s[a, b). */
function validPortPart(s: string, a: number, b: number): boolean {
  if (b <= a) return false;
  const c0 = s.charCodeAt(a);
  if (c0 >= 48 && c0 <= 57) {
    if (!allDigits(s, a, b)) return false;
    return (b - a <= 5 ? numberAt(s, a, b) : Number(s.slice(a, b))) <= 65535;
  }
  // service name: /^[a-z][a-z0-9-]*$/, looked up as written (kernel-checked, iptables 1.8.9: `HTTP`, `Ssh` and a
  // placeholder `PORTA` are refused, "invalid port/service"; /etc/services names are lower case)
  if (!(c0 >= 97 && c0 <= 122)) return false;
  for (let i = a + 1; i < b; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 45 || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

/** validatePort of s[a, b) (no `$` in it). */
function validatePortAt(s: string, a: number, b: number): string | undefined {
  const colon = s.indexOf(':', a);
  if (colon < 0 || colon >= b) return validPortPart(s, a, b) ? undefined : `"${s.slice(a, b)}" is not a valid port or port range (0-65535)`;
  const second = s.indexOf(':', colon + 1);
  if (second >= 0 && second < b) return `"${s.slice(a, b)}" is not a valid port or port range`;
  // ranges may be open: ":1024" or "1024:"
  if ((colon > a && !validPortPart(s, a, colon)) || (b > colon + 1 && !validPortPart(s, colon + 1, b))) return `"${s.slice(a, b)}" is not a valid port or port range (0-65535)`;
  if (allDigits(s, a, colon) && allDigits(s, colon + 1, b) && Number(s.slice(a, colon)) > Number(s.slice(colon + 1, b))) {
    return `port range "${s.slice(a, b)}" is inverted`;
  }
  return undefined;
}

/** An error message for a port or range, undefined when valid (service names are checked by syntax only). */
export function validatePort(v: string): string | undefined {
  if (v.includes('$')) return undefined;
  return validatePortAt(v, 0, v.length);
}

/** An error message for a multiport list, undefined when valid. */
export function validatePorts(v: string): string | undefined {
  if (v.includes('$')) return undefined;
  let count = 1;
  let empty = v.length === 0;
  for (let at = v.indexOf(','), prev = -1; at >= 0; prev = at, at = v.indexOf(',', at + 1)) {
    if (at === prev + 1) empty = true;
    count++;
  }
  if (v.length > 0 && v.charCodeAt(v.length - 1) === 44) empty = true;
  if (empty) return `"${v}" has an empty element`;
  if (count > 15) return `multiport accepts at most 15 ports ("${v}" has ${count})`;
  for (let a = 0; a <= v.length; ) {
    let b = v.indexOf(',', a);
    if (b < 0) b = v.length;
    const e = validatePortAt(v, a, b);
    if (e) return e;
    a = b + 1;
  }
  return undefined;
}

/** One port: a number, or with `proto` a service name of that protocol; undefined otherwise. */
export function parsePort(text: string, proto?: string): number | undefined {
  if (allDigits(text, 0, text.length)) {
    const n = Number(text);
    return n <= 65535 ? n : undefined;
  }
  return proto === undefined ? undefined : servicePort(text, proto);
}

/**
 * A port or range as a match option takes it ("80", "http", "1000:2000", ":1024", "1024:"); service names
 * are resolved only with `proto`. undefined when iptables would refuse it (or the name is unknown).
 */
export function parsePortRange(text: string, proto?: string): PortRange | undefined {
  const colon = text.indexOf(':');
  if (colon < 0) {
    const p = parsePort(text, proto);
    return p === undefined ? undefined : { lo: p, hi: p };
  }
  const lo = colon === 0 ? 0 : parsePort(text.slice(0, colon), proto);
  const hi = colon === text.length - 1 ? 65535 : parsePort(text.slice(colon + 1), proto);
  if (lo === undefined || hi === undefined || lo > hi) return undefined;
  return { lo, hi };
}

/** A comma list of ports and ranges (multiport); undefined when any part is invalid (or a name without `proto`). */
export function parsePorts(v: string, proto?: string): PortSet | undefined {
  const out: PortSet = [];
  for (const part of v.split(',')) {
    const r = parsePortRange(part, proto);
    if (!r) return undefined;
    out.push([r.lo, r.hi]);
  }
  return out;
}

export function portIn(set: PortSet, port: number): boolean {
  for (const range of set) if (range[0] <= port && port <= range[1]) return true;
  return false;
}

/** A NAT port range "a" or "a-b" (`--to-ports`, the port part of `--to-destination`); undefined when invalid. */
export function parseNatPortRange(text: string): PortRange | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= hi && hi <= 65535 ? { lo, hi } : undefined;
}

export { isServiceName, servicePort };
