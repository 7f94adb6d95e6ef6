/**
 * IP protocol names and numbers as iptables knows them: `-p` takes a number 0-255, "all", or a name that
 * iptables lower-cases and looks up in /etc/protocols (netbase, Debian 12, below); iptables-save and `-nvL`
 * print the name when there is one. One table for the parser, the linter and the tracer.
 */
const TABLE =
  'ip 0;hopopt 0;icmp 1;igmp 2;ggp 3;ipencap 4;st 5;tcp 6;egp 8;igp 9;pup 12;udp 17;hmp 20;xns-idp 22;rdp 27;' +
  'iso-tp4 29;dccp 33;xtp 36;ddp 37;idpr-cmtp 38;ipv6 41;ipv6-route 43;ipv6-frag 44;idrp 45;rsvp 46;gre 47;' +
  'esp 50;ah 51;skip 57;ipv6-icmp 58;ipv6-nonxt 59;ipv6-opts 60;rspf 73;vmtp 81;eigrp 88;ospf 89;ax.25 93;' +
  'ipip 94;etherip 97;encap 98;pim 103;ipcomp 108;vrrp 112;l2tp 115;isis 124;sctp 132;fc 133;' +
  'mobility-header 135;udplite 136;mpls-in-ip 137;manet 138;hip 139;shim6 140;wesp 141;rohc 142;ethernet 143;' +
  'mptcp 262;';

const NAME_TO_NUMBER = new Map<string, number>();
const NUMBER_TO_NAME = new Map<number, string>();
for (const item of TABLE.split(';')) {
  if (!item) continue;
  const [name, text] = item.split(' ');
  // The rule holds the protocol in 8 bits: iptables turns "mptcp" (262) into 6, printed back as "-p tcp".
  const num = Number(text) & 255;
  NAME_TO_NUMBER.set(name, num);
  if (!NUMBER_TO_NAME.has(num) && num !== 0) NUMBER_TO_NAME.set(num, name);
}
// iptables' own names (xtables_chain_protos) win over /etc/protocols: "all" is 0, "icmpv6" and "mh" are aliases.
NAME_TO_NUMBER.set('all', 0);
NAME_TO_NUMBER.set('icmpv6', 58);
NAME_TO_NUMBER.set('mh', 135);
NUMBER_TO_NAME.set(0, 'all');

/**
 * The protocol number of a `-p` value (a name in any case, or a decimal number 0-255); undefined when iptables
 * would refuse it ("unknown protocol").
 */
export function protocolNumber(value: string): number | undefined {
  if (/^\d{1,3}$/.test(value)) {
    const n = Number(value);
    return n <= 255 ? n : undefined;
  }
  return NAME_TO_NUMBER.get(value.toLowerCase());
}

/** The canonical lower-case name of a protocol (as iptables-save prints it), or its number when it has none. */
export function protocolName(value: string): string {
  const n = protocolNumber(value);
  if (n === undefined) return value.toLowerCase();
  return NUMBER_TO_NAME.get(n) ?? String(n);
}

/** Two `-p` values name the same protocol ("6" and "TCP"; "all" and "0"). */
export function sameProtocol(a: string, b: string): boolean {
  return protocolName(a) === protocolName(b);
}

/** Number → name for every protocol with a name ("6" → "tcp"; "0" → "all"), for code that maps listing columns. */
export const PROTOCOL_NUMBERS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries([...NUMBER_TO_NAME].map(([n, name]) => [String(n), name])),
);
