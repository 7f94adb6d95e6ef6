/**
 * Hand-written cases whose kernel outcome is known from Docker's documentation, written down before the bed ran
 * them: they check that the bed reads the kernel right (the generated cases only compare the tracer with it).
 * - docs.docker.com/engine/network/packet-filtering-firewalls: published ports are DNATed and accepted in DOCKER;
 *   `iptables -I DOCKER-USER -i ext_if ! -s 192.0.2.2 -j DROP` admits one source; a DROP without an
 *   ESTABLISHED,RELATED accept before it also drops the answers to containers' own connections.
 * - moby 28.0 release notes: direct routed access to unpublished container ports is blocked (DOCKER `! -i br -o br -j DROP`).
 * - moby 28.2.2 release notes: up to 28.2.1 Docker added `-A DOCKER-USER -j RETURN`; rules appended after it never run.
 */
import { flowOf, type Flow } from './flows';
import type { LayoutName, UserPlacement } from './layouts';

export interface KnownCase {
  name: string;
  layout: LayoutName;
  rules: string[];
  placement: Exclude<UserPlacement, 'none'>;
  flow: Flow;
  /** Kernel verdict of the first packet, the rule that decided it (exact iptables-save text, or "policy"). */
  verdict: 'DELIVER' | 'DROP' | 'REJECT';
  by?: string;
  answer?: 'ACCEPT' | 'DROP';
}

export const KNOWN: KnownCase[] = [
  {
    name: 'v27: a published port (8080 → 172.17.0.2:80) is DNATed and accepted by DOCKER',
    layout: 'v27', rules: [], placement: 'before-return',
    flow: flowOf('tcp', '198.18.100.2', 19001, '198.18.100.1', 8080),
    verdict: 'DELIVER', by: '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT', answer: 'ACCEPT',
  },
  {
    name: 'v27: an unpublished container port reached directly falls to FORWARD policy DROP',
    layout: 'v27', rules: [], placement: 'before-return',
    flow: flowOf('tcp', '198.18.100.2', 19002, '172.17.0.3', 5432),
    verdict: 'DROP', by: 'policy',
  },
  {
    name: 'v28: an unpublished container port reached directly is dropped in DOCKER',
    layout: 'v28', rules: [], placement: 'before-return',
    flow: flowOf('tcp', '198.18.100.2', 19003, '172.17.0.3', 5432),
    verdict: 'DROP', by: '-A DOCKER ! -i docker0 -o docker0 -j DROP',
  },
  {
    name: 'docs: DOCKER-USER `-i eth0 ! -s <allowed> -j DROP` drops another source',
    layout: 'v28', rules: ['-A DOCKER-USER -i eth0 ! -s 198.18.100.3/32 -j DROP'], placement: 'before-return',
    flow: flowOf('tcp', '198.18.100.2', 19004, '198.18.100.1', 8080),
    verdict: 'DROP', by: '-A DOCKER-USER ! -s 198.18.100.3/32 -i eth0 -j DROP',
  },
  {
    name: 'docs: DOCKER-USER `-i eth0 ! -s <allowed> -j DROP` lets the allowed source through',
    layout: 'v28', rules: ['-A DOCKER-USER -i eth0 ! -s 198.18.100.3/32 -j DROP'], placement: 'before-return',
    flow: flowOf('tcp', '198.18.100.3', 19005, '198.18.100.1', 8080),
    verdict: 'DELIVER', answer: 'ACCEPT',
  },
  {
    name: '≤ 28.2.1: a DROP appended after Docker\'s DOCKER-USER RETURN never runs',
    layout: 'v27', rules: ['-A DOCKER-USER -j DROP'], placement: 'after-return',
    flow: flowOf('udp', '198.18.101.2', 19006, '198.18.101.1', 9000),
    verdict: 'DELIVER', answer: 'ACCEPT',
  },
  {
    name: 'docs: `-i eth0 -j DROP` without an ESTABLISHED accept: a container\'s own connection out, its answer dropped',
    layout: 'v28.0', rules: ['-A DOCKER-USER -i eth0 -j DROP'], placement: 'before-return',
    flow: flowOf('tcp', '172.17.0.2', 19007, '203.0.113.5', 443),
    verdict: 'DELIVER', answer: 'DROP',
  },
  {
    name: 'docs: ESTABLISHED,RELATED first, then `-i eth0 -j DROP`: the answer comes back',
    layout: 'v28.0', rules: ['-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN', '-A DOCKER-USER -i eth0 -j DROP'], placement: 'before-return',
    flow: flowOf('udp', '172.18.16.2', 19008, '198.18.100.9', 53),
    verdict: 'DELIVER', answer: 'ACCEPT',
  },
];
