/** The packet as match modules see it (the tracer's Packet, src/core/trace/packet.ts, is this type). */

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

export interface MatchPacket {
  src: string;
  dst: string;
  /** Canonical protocol name (src/core/net protocolName): tcp, udp, icmp, esp, vrrp, ... */
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
  /** ICMP type/code when proto is icmp (e.g. 8/0 echo-request). */
  icmp?: { type: number; code: number };
}
