/** The packet the tracer walks through hooks, namespaces and nodes. Immutable: rewrites make copies. */

import { protocolName } from '../net';

export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';

export interface Conntrack {
  state: CtState;
  /** Original-direction tuple as the client sent it (before any DNAT). */
  origSrc: string;
  origDst: string;
  origSport?: number;
  origDport?: number;
  /** NAT applied so far on this connection in the current namespace: DNAT / SNAT. */
  status: string[];
  dir: 'ORIGINAL' | 'REPLY';
}

export interface IpvsInfo {
  vaddr?: string;
  vport?: number;
  vproto?: string;
  fwmark?: number;
  method?: string;
}

export interface Packet {
  src: string;
  dst: string;
  /** Lower-case protocol name: tcp, udp, icmp, esp, ... */
  proto: string;
  sport?: number;
  dport?: number;
  inIface?: string;
  outIface?: string;
  mark: number;
  ct: Conntrack;
  /** skb was handled by IPVS in this namespace (`-m ipvs --ipvs`). */
  ipvs: boolean;
  ipvsInfo?: IpvsInfo;
  /** Arrived decapsulated by IPsec (ESP) / leaves through an IPsec policy. */
  ipsecIn?: boolean;
  ipsecOut?: boolean;
  /** Bridge ports when the packet is bridged with br_netfilter. */
  physdev?: { in?: string; out?: string; bridged: boolean };
  /** TCP flags set on this packet; defaults to SYN for NEW TCP and ACK otherwise. */
  tcpFlags?: string[];
}

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
