/** Can two rules match the same packet? A cheap, conservative answer (true unless a condition makes them disjoint). */
import type { BaseMatch, Rule } from '../iptables/model';
import type { RuleFacts } from './facts';
import { protoName } from './facts';
import type { PortSet } from './net';
import { contains, overlaps, parseCidr } from './net';

function disjointAddr(a: BaseMatch | undefined, b: BaseMatch | undefined): boolean {
  if (!a || !b) return false;
  // `-s X` and `! -s X` (the same words, a variable's too: `! -s "$PG_ALLOWED_IP"` below `-s "$PG_ALLOWED_IP" -j RETURN`)
  if (a.negated !== b.negated) return a.value === b.value;
  if (a.negated) return false;
  const x = parseCidr(a.value);
  const y = parseCidr(b.value);
  return !!x && !!y && !overlaps(x, y);
}

function disjointIface(a: BaseMatch | undefined, b: BaseMatch | undefined): boolean {
  if (!a || !b || a.negated || b.negated || a.value.endsWith('+') || b.value.endsWith('+') || a.value.includes('$') || b.value.includes('$')) return false;
  return a.value !== b.value;
}

export function disjointPorts(a: PortSet, b: PortSet): boolean {
  return !a.some(([l1, h1]) => b.some(([l2, h2]) => l1 <= h2 && l2 <= h1));
}

export function mayOverlap(a: Rule, fa: RuleFacts, b: Rule, fb: RuleFacts): boolean {
  const pa = a.protocol && !a.protocol.negated ? protoName(a.protocol.value) : 'all';
  const pb = b.protocol && !b.protocol.negated ? protoName(b.protocol.value) : 'all';
  if (pa !== 'all' && pb !== 'all' && pa !== pb) return false;
  if (disjointAddr(a.source, b.source) || disjointAddr(a.destination, b.destination)) return false;
  if (disjointIface(a.inInterface, b.inInterface) || disjointIface(a.outInterface, b.outInterface)) return false;
  const da = fa.dports.find((d) => !d.o.negated && d.set)?.set;
  const db = fb.dports.find((d) => !d.o.negated && d.set)?.set;
  return !(da && db && disjointPorts(da, db));
}

const LOOPBACK = parseCidr('127.0.0.0/8');
const FORWARD_PATH = new Set(['FORWARD', 'DOCKER-USER']);

/**
 * A rule of FORWARD / DOCKER-USER bound to the loopback interface or to 127.0.0.0/8 (`-i lo`, `-o lo`, `-s 127.0.0.1`,
 * `-d 127.0.0.0/8`) matches no packet: the kernel never forwards loopback traffic (127/8 is a martian off `lo`), so
 * such an exception is dead, and moving a DROP above it changes nothing.
 */
export function matchesNoForwardedPacket(rule: Rule): boolean {
  if (rule.table !== 'filter' || !FORWARD_PATH.has(rule.chain)) return false;
  const lo = (b: BaseMatch | undefined): boolean => !!b && !b.negated && b.value === 'lo';
  const loNet = (b: BaseMatch | undefined): boolean => {
    if (b && !b.negated && /^::1(\/128)?$/.test(b.value)) return true;
    const c = b && !b.negated ? parseCidr(b.value) : undefined;
    return !!c && !!LOOPBACK && contains(LOOPBACK, c);
  };
  return lo(rule.inInterface) || lo(rule.outInterface) || loNet(rule.source) || loNet(rule.destination);
}
