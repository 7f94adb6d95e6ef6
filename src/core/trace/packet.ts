/** The packet the tracer walks through hooks, namespaces and nodes. Immutable: rewrites make copies. */

import { protocolName } from '../net';

import type { MatchPacket } from '../iptables/matches/packet';

export type { Conntrack, CtState, IpvsInfo } from '../iptables/matches/packet';

/** The packet the tracer walks: what match modules read (src/core/iptables/matches/packet.ts). */
export type Packet = MatchPacket;

export function newPacket(p: { src: string; dst: string; proto: string; sport?: number; dport?: number; inIface?: string; mark?: number }): Packet {
  return {
    src: p.src,
    dst: p.dst,
    proto: protocolName(p.proto),
    sport: p.sport,
    dport: p.dport,
    inIface: p.inIface,
    mark: p.mark ?? 0,
    ct: { state: 'NEW', origSrc: p.src, origDst: p.dst, origSport: p.sport, origDport: p.dport, status: [], dir: 'ORIGINAL' },
    ipvs: false,
  };
}

/** The packet as it enters another namespace: marks and skb flags are scrubbed across veth; conntrack is per namespace. */
export function crossNamespace(p: Packet, inIface: string): Packet {
  return {
    src: p.src,
    dst: p.dst,
    proto: p.proto,
    sport: p.sport,
    dport: p.dport,
    inIface,
    mark: 0,
    ct: { state: 'NEW', origSrc: p.src, origDst: p.dst, origSport: p.sport, origDport: p.dport, status: [], dir: 'ORIGINAL' },
    ipvs: false,
    ipsecIn: p.ipsecIn,
    tcpFlags: p.tcpFlags,
  };
}

export function endpoint(ip: string, port: number | undefined): string {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return port === undefined ? host : `${host}:${port}`;
}

export function describePacket(p: Packet): string {
  return `${p.proto.toUpperCase()} ${endpoint(p.src, p.sport)} → ${endpoint(p.dst, p.dport)}${p.mark ? ` mark 0x${p.mark.toString(16)}` : ''}`;
}
