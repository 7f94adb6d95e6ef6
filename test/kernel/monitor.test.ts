/**
 * The bed's reader of `xtables-monitor --trace`, on output captured from iptables 1.8.9 (nf_tables) on this project's
 * Debian 12 machine (kernel 6.18): a published-port SYN DNATed to 172.17.0.2:80, jumping through DOCKER-USER, a user
 * chain C, a goto to B and an explicit RETURN (printed as the verdict code 0xfffffffb), then the SYN-ACK, and a later
 * packet that reuses the first packet's trace id. The SYN-ACK's REJECT line is from a second capture
 * (` TRACE: 2 6f7a91c4 filter:FORWARD:rule:0x2:DROP  -4 -t filter -A FORWARD -i eth0 -j REJECT --reject-with
 * icmp-port-unreachable`: a REJECT is traced with the verdict DROP) moved into DOCKER-USER. Runs without root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fateOf, findPacket, TraceStream } from './monitor';

const CAPTURED = `PACKET: 2 b997583a IN=eth0 MACSRC=4a:35:1b:6b:3e:d3 MACDST=aa:9a:d1:79:a7:fa MACPROTO=0800 SRC=198.18.100.2 DST=198.18.100.1 LEN=60 TOS=0x0 TTL=64 ID=35846 DF SPORT=36632 DPORT=8080 SYN 
 TRACE: 2 b997583a raw:PREROUTING:rule:0x3:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
 TRACE: 2 b997583a raw:PREROUTING:policy:ACCEPT 
PACKET: 2 b997583a IN=eth0 MACSRC=4a:35:1b:6b:3e:d3 MACDST=aa:9a:d1:79:a7:fa MACPROTO=0800 SRC=198.18.100.2 DST=198.18.100.1 LEN=60 TOS=0x0 TTL=64 ID=35846 DF SPORT=36632 DPORT=8080 SYN 
 TRACE: 2 b997583a nat:PREROUTING:rule:0x6:JUMP:DOCKER  -4 -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
 TRACE: 2 b997583a nat:DOCKER:rule:0x8:ACCEPT  -4 -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
PACKET: 2 b997583a IN=eth0 OUT=docker0 MACSRC=4a:35:1b:6b:3e:d3 MACDST=aa:9a:d1:79:a7:fa MACPROTO=0800 SRC=198.18.100.2 DST=172.17.0.2 LEN=60 TOS=0x0 TTL=63 ID=35846 DF SPORT=36632 DPORT=80 SYN 
 TRACE: 2 b997583a filter:FORWARD:rule:0x7:JUMP:DOCKER-USER  -4 -t filter -A FORWARD -j DOCKER-USER
 TRACE: 2 b997583a filter:DOCKER-USER:rule:0x11:JUMP:C  -4 -t filter -A DOCKER-USER -j C
 TRACE: 2 b997583a filter:DOCKER-USER:rule:0x10:JUMP:A  -4 -t filter -A DOCKER-USER -p tcp -j A
 TRACE: 2 b997583a filter:A:rule:0xb:GOTO:B  -4 -t filter -A A -s 198.18.100.0/24 -g B
 TRACE: 2 b997583a filter:B:rule:0xd:0xfffffffb  -4 -t filter -A B -p tcp -m multiport --dports 80,443 -j RETURN
 TRACE: 2 b997583a filter:FORWARD:rule:0x9:ACCEPT  -4 -t filter -A FORWARD -d 172.17.0.2/32 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
PACKET: 2 b997583a IN=eth0 OUT=docker0 MACSRC=4a:35:1b:6b:3e:d3 MACDST=aa:9a:d1:79:a7:fa MACPROTO=0800 SRC=198.18.100.2 DST=172.17.0.2 LEN=60 TOS=0x0 TTL=63 ID=35846 DF SPORT=36632 DPORT=80 SYN 
 TRACE: 2 b997583a nat:POSTROUTING:policy:ACCEPT 
PACKET: 2 6bcf582a IN=docker0 MACSRC=76:bb:f7:ce:4e:2 MACDST=16:79:79:18:ea:c7 MACPROTO=0800 SRC=172.17.0.2 DST=198.18.100.2 LEN=60 TOS=0x0 TTL=64 ID=0 DF SPORT=80 DPORT=36632 SYN ACK 
 TRACE: 2 6bcf582a raw:PREROUTING:rule:0x3:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
 TRACE: 2 6bcf582a raw:PREROUTING:policy:ACCEPT 
PACKET: 2 6bcf582a IN=docker0 OUT=eth0 MACSRC=76:bb:f7:ce:4e:2 MACDST=16:79:79:18:ea:c7 MACPROTO=0800 SRC=172.17.0.2 DST=198.18.100.2 LEN=60 TOS=0x0 TTL=63 ID=0 DF SPORT=80 DPORT=36632 SYN ACK 
 TRACE: 2 6bcf582a filter:FORWARD:rule:0x7:JUMP:DOCKER-USER  -4 -t filter -A FORWARD -j DOCKER-USER
 TRACE: 2 6bcf582a filter:DOCKER-USER:rule:0x12:DROP  -4 -t filter -A DOCKER-USER -i docker0 -j REJECT --reject-with icmp-port-unreachable
PACKET: 2 b997583a IN=eth0 MACSRC=4a:35:1b:6b:3e:d3 MACDST=aa:9a:d1:79:a7:fa MACPROTO=0800 SRC=198.18.100.2 DST=198.18.100.1 LEN=52 TOS=0x0 TTL=64 ID=46164 DF SPORT=36632 DPORT=8080 ACK FIN 
 TRACE: 2 b997583a raw:PREROUTING:rule:0x3:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
 TRACE: 2 b997583a raw:PREROUTING:policy:ACCEPT 
`;

test('xtables-monitor --trace: one packet per TRACE-rule event, its events in order, trace ids reused', () => {
  const s = new TraceStream();
  // fed in arbitrary pieces, as a pipe delivers it
  for (let i = 0; i < CAPTURED.length; i += 97) s.feed(CAPTURED.slice(i, i + 97));
  assert.equal(s.packets.length, 3);
  const syn = findPacket(s.packets, { src: '198.18.100.2', dst: '198.18.100.1', sport: 36632, dport: 8080 });
  assert.ok(syn);
  assert.deepEqual(syn.flags, ['DF', 'SYN']);
  assert.deepEqual(
    syn.events.map((e) => `${e.table}:${e.chain}:${e.type}:${e.verdict}`),
    ['raw:PREROUTING:policy:ACCEPT', 'nat:PREROUTING:rule:JUMP:DOCKER', 'nat:DOCKER:rule:ACCEPT', 'filter:FORWARD:rule:JUMP:DOCKER-USER', 'filter:DOCKER-USER:rule:JUMP:C', 'filter:DOCKER-USER:rule:JUMP:A', 'filter:A:rule:GOTO:B', 'filter:B:rule:0xfffffffb', 'filter:FORWARD:rule:ACCEPT', 'nat:POSTROUTING:policy:ACCEPT'],
  );
  assert.equal(syn.events[4].rule, '-A DOCKER-USER -j C');
  assert.deepEqual(fateOf(syn), { verdict: 'ACCEPT' });
  // the answer, found after the SYN by its reversed (post-DNAT) ports; REJECT shows as a DROP verdict
  const answer = findPacket(s.packets, { src: '172.17.0.2', sport: 80, dport: 36632 }, syn);
  assert.ok(answer);
  const f = fateOf(answer);
  assert.equal(f.verdict, 'REJECT');
  assert.equal(f.by?.rule, '-A DOCKER-USER -i docker0 -j REJECT --reject-with icmp-port-unreachable');
  // the FIN reuses the SYN's trace id: a new packet, not more events of the SYN
  assert.equal(s.packets[2].id, syn.id);
  assert.equal(s.packets[2].events.length, 1);
  assert.equal(syn.events.length, 10);
});
