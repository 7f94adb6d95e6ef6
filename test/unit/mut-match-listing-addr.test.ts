// The -nvL readers of the address/port match modules (tcp, udp, icmp, multiport, iprange, addrtype, mac, physdev,
// sctp, dccp) against the kernel, on the forms the first two captures (test/fixtures/trace/matches*-iptables-1.8.9)
// lack: --syn and ALL/NONE flag sets, negated ports and ranges, icmp types by name and with codes, multiport ranges
// and negations, both iprange ranges negated, addrtype --limit-iface-in and type lists, physdev in+out, sctp chunk
// types, dccp types and options. Loaded with iptables-restore into a scratch network namespace (`unshare -n`) on
// this machine with iptables v1.8.9 (nf_tables) on 2026-12-06 and printed back by `iptables -S FORWARD` (S) and
// `iptables -nvL FORWARD` (NVL), both pasted verbatim. The two forms must read as the same matches.
import { describe, it } from 'node:test';
import { assertCleanReads, assertSameMatches, readBoth } from './mut-listing-util';

const S = `-P FORWARD ACCEPT
-A FORWARD -p tcp -m tcp ! --sport 1024:65535 ! --dport 22 -j ACCEPT
-A FORWARD -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT
-A FORWARD -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG FIN,SYN,RST,PSH,ACK,URG -j DROP
-A FORWARD -p tcp -m tcp --tcp-flags SYN,ACK SYN,ACK -j ACCEPT
-A FORWARD -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE -j DROP
-A FORWARD -p udp -m udp ! --dport 53:54 -j ACCEPT
-A FORWARD -p udp -m udp --sport 0:1023 -j ACCEPT
-A FORWARD -p icmp -m icmp --icmp-type 0 -j ACCEPT
-A FORWARD -p icmp -m icmp --icmp-type 3/1 -j ACCEPT
-A FORWARD -p icmp -m icmp ! --icmp-type 8/0 -j ACCEPT
-A FORWARD -p icmp -m icmp --icmp-type 11 -j ACCEPT
-A FORWARD -p tcp -m multiport --dports 80,443,8000:8100 -j ACCEPT
-A FORWARD -p udp -m multiport ! --sports 53,123 -j ACCEPT
-A FORWARD -p tcp -m multiport ! --dports 1:1023 -j ACCEPT
-A FORWARD -m iprange --dst-range 192.168.1.10-192.168.1.20 -j ACCEPT
-A FORWARD -m iprange ! --src-range 10.9.0.1-10.9.0.2 ! --dst-range 10.0.0.1-10.0.0.9 -j ACCEPT
-A FORWARD -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT
-A FORWARD -m addrtype ! --src-type MULTICAST ! --dst-type UNICAST -j ACCEPT
-A FORWARD -m addrtype --src-type BLACKHOLE,UNREACHABLE -j DROP
-A FORWARD -m mac --mac-source 02:42:ac:11:00:02 -j ACCEPT
-A FORWARD -m physdev --physdev-in veth1 --physdev-out veth2 -j ACCEPT
-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT
-A FORWARD -m physdev ! --physdev-is-in ! --physdev-out veth+ -j ACCEPT
-A FORWARD -p sctp -m sctp --sport 100 --dport 200:300 -j ACCEPT
-A FORWARD -p sctp -m sctp ! --dport 9 --chunk-types any DATA,INIT -j ACCEPT
-A FORWARD -p sctp -m sctp --chunk-types only INIT -j ACCEPT
-A FORWARD -p dccp -m dccp --sport 5 --dport 6:7 -j ACCEPT
-A FORWARD -p dccp -m dccp --dccp-types REQUEST,RESPONSE -j ACCEPT
-A FORWARD -p dccp -m dccp ! --dccp-option 3 -j ACCEPT
-A FORWARD -p udplite -j ACCEPT
`;

const NVL = `Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp spts:!1024:65535 dpt:!22
    0     0 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp flags:0x17/0x02
    0     0 DROP       6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp flags:0x3F/0x3F
    0     0 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp flags:0x12/0x12
    0     0 DROP       6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp flags:0x3F/0x00
    0     0 ACCEPT     17   --  *      *       0.0.0.0/0            0.0.0.0/0            udp dpts:!53:54
    0     0 ACCEPT     17   --  *      *       0.0.0.0/0            0.0.0.0/0            udp spts:0:1023
    0     0 ACCEPT     1    --  *      *       0.0.0.0/0            0.0.0.0/0            icmptype 0
    0     0 ACCEPT     1    --  *      *       0.0.0.0/0            0.0.0.0/0            icmptype 3 code 1
    0     0 ACCEPT     1    --  *      *       0.0.0.0/0            0.0.0.0/0            icmp !type 8 code 0
    0     0 ACCEPT     1    --  *      *       0.0.0.0/0            0.0.0.0/0            icmptype 11
    0     0 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            multiport dports 80,443,8000:8100
    0     0 ACCEPT     17   --  *      *       0.0.0.0/0            0.0.0.0/0            multiport sports  !53,123
    0     0 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            multiport dports  !1:1023
    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            destination IP range 192.168.1.10-192.168.1.20
    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            source IP range ! 10.9.0.1-10.9.0.2 destination IP range ! 10.0.0.1-10.0.0.9
    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            ADDRTYPE match dst-type LOCAL limit-in
    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            ADDRTYPE match src-type !MULTICAST dst-type !UNICAST
    0     0 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0            ADDRTYPE match src-type BLACKHOLE,UNREACHABLE
    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            MAC 02:42:ac:11:00:02
    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            PHYSDEV match --physdev-in veth1 --physdev-out veth2
    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            PHYSDEV match --physdev-is-bridged
    0     0 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            PHYSDEV match ! --physdev-is-in ! --physdev-out veth+
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp spt:100 dpts:200:300
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp dpt:!9 any 0x0000,0x0001
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp only 0x0001
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp spt:5 dpts:6:7
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 0,1
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp option=!3
    0     0 ACCEPT     136  --  *      *       0.0.0.0/0            0.0.0.0/0           
`;

describe('-nvL readers (kernel capture 5: addresses and ports)', () => {
  const { fromS, fromL } = readBoth(S, NVL);
  it('both forms read without a diagnostic, rule for rule', () => assertCleanReads(fromS, fromL, 30));
  it('-S and -nvL give the same matches', () => assertSameMatches(fromS, fromL));
});
