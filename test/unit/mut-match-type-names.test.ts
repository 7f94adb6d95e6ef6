// Names iptables knows for ICMP types, SCTP chunk types and DCCP packet types, and what the kernel makes of them:
// each was added as a rule in a scratch network namespace (`unshare -n`) on this machine with iptables v1.8.9
// (nf_tables) on 2026-12-06 — the ICMP names as `iptables -p icmp -h` lists them (aliases included), then printed
// back by `iptables -S` (ICMP_KERNEL: the name → what -S printed) and, for the SCTP/DCCP rules, by
// `iptables -nvL` too (numbers there; names in -S). Our readings must agree with the kernel's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { icmpType } from '../../src/core/iptables/matches/icmp';
import { parseNum, parseValueMask } from '../../src/core/iptables/matches/util';
import { assertCleanReads, assertSameMatches, readBoth } from './mut-listing-util';

const ICMP_KERNEL: [name: string, printed: string][] = [
  ['any', 'any'],
  ['echo-reply', '0'],
  ['pong', '0'],
  ['destination-unreachable', '3'],
  ['network-unreachable', '3/0'],
  ['host-unreachable', '3/1'],
  ['protocol-unreachable', '3/2'],
  ['port-unreachable', '3/3'],
  ['fragmentation-needed', '3/4'],
  ['source-route-failed', '3/5'],
  ['network-unknown', '3/6'],
  ['host-unknown', '3/7'],
  ['network-prohibited', '3/9'],
  ['host-prohibited', '3/10'],
  ['TOS-network-unreachable', '3/11'],
  ['TOS-host-unreachable', '3/12'],
  ['communication-prohibited', '3/13'],
  ['host-precedence-violation', '3/14'],
  ['precedence-cutoff', '3/15'],
  ['source-quench', '4'],
  ['redirect', '5'],
  ['network-redirect', '5/0'],
  ['host-redirect', '5/1'],
  ['TOS-network-redirect', '5/2'],
  ['TOS-host-redirect', '5/3'],
  ['echo-request', '8'],
  ['ping', '8'],
  ['router-advertisement', '9'],
  ['router-solicitation', '10'],
  ['time-exceeded', '11'],
  ['ttl-exceeded', '11'],
  ['ttl-zero-during-transit', '11/0'],
  ['ttl-zero-during-reassembly', '11/1'],
  ['parameter-problem', '12'],
  ['ip-header-bad', '12/0'],
  ['required-option-missing', '12/1'],
  ['timestamp-request', '13'],
  ['timestamp-reply', '14'],
  ['address-mask-request', '17'],
  ['address-mask-reply', '18'],
];

const S = `-A INPUT -p sctp -m sctp --chunk-types any DATA -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any INIT -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any INIT_ACK -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any SACK -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any HEARTBEAT -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any HEARTBEAT_ACK -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any ABORT -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any SHUTDOWN -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any SHUTDOWN_ACK -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any ERROR -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any COOKIE_ECHO -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any COOKIE_ACK -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any ECN_ECNE -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any ECN_CWR -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any SHUTDOWN_COMPLETE -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any I_DATA -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any RE_CONFIG -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any PAD -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any ASCONF -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any ASCONF_ACK -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any FORWARD_TSN -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any I_FORWARD_TSN -j ACCEPT
-A OUTPUT -p dccp -m dccp --dccp-types REQUEST -j ACCEPT
-A OUTPUT -p dccp -m dccp --dccp-types RESPONSE -j ACCEPT
-A OUTPUT -p dccp -m dccp --dccp-types DATA -j ACCEPT
-A OUTPUT -p dccp -m dccp --dccp-types ACK -j ACCEPT
-A OUTPUT -p dccp -m dccp --dccp-types DATAACK -j ACCEPT
-A OUTPUT -p dccp -m dccp --dccp-types CLOSEREQ -j ACCEPT
-A OUTPUT -p dccp -m dccp --dccp-types CLOSE -j ACCEPT
-A OUTPUT -p dccp -m dccp --dccp-types RESET -j ACCEPT
-A OUTPUT -p dccp -m dccp --dccp-types SYNC -j ACCEPT
-A OUTPUT -p dccp -m dccp --dccp-types SYNCACK -j ACCEPT
-A OUTPUT -p dccp -m dccp --dccp-types INVALID -j ACCEPT
`;

const NVL = `Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0000
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0001
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0002
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0003
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0004
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0005
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0006
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0007
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0008
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0009
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x000A
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x000B
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x000C
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x000D
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x000E
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0040
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0082
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0084
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x00C1
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x0080
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x00C0
    0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0            sctp any 0x00C2

Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination         
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 0
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 1
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 2
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 3
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 4
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 5
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 6
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 7
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 8
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 9
    0     0 ACCEPT     33   --  *      *       0.0.0.0/0            0.0.0.0/0            dccp 10,11,12,13,14,15
`;

describe('type names as the kernel reads them', () => {
  it('every ICMP type name iptables lists means the type/code iptables -S prints for it', () => {
    for (const [name, printed] of ICMP_KERNEL) assert.deepEqual(icmpType(name), icmpType(printed), `${name} (iptables -S: ${printed})`);
    assert.deepEqual(icmpType('3/1'), [3, 1]);
    assert.deepEqual(icmpType('8'), [8, -1]);
  });

  it('every SCTP chunk type and DCCP packet type: -nvL (numbers) reads as -S (names)', () => {
    const { fromS, fromL } = readBoth(S, NVL);
    assertCleanReads(fromS, fromL, 33);
    assertSameMatches(fromS, fromL);
  });
});

describe('numbers as iptables reads marks (strtoul base 0)', () => {
  // kernel, same namespace and day: `-m mark --mark 010` lists as 0x8, `010/0x0ff` as 0x8/0xff, connmark 012 as 0xa; `09` is refused
  it('hex after 0x, octal after a leading 0, else decimal; a leading-0 number with 8 or 9 is not a number', () => {
    assert.deepEqual(['010', '012', '0777', '0', '0x10', '0X1f', '10', '255'].map(parseNum), [8, 10, 511, 0, 16, 31, 10, 255]);
    assert.deepEqual(['09', '08', '0128'].map(parseNum).map(Number.isNaN), [true, true, true]);
    assert.deepEqual(parseValueMask('010/0x0ff'), { value: 8, mask: 255 });
    assert.deepEqual(parseValueMask('0xa'), { value: 10, mask: 0xffffffff });
  });
});
