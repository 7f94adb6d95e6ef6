/**
 * Docker's own filter chains on a Swarm node (docker0, docker_gwbridge and one user-defined bridge network
 * br-0123456789ab, the bridges ./flows.ts sends container traffic through), in the two layouts found in the field (see
 * /work/shared/notes/domain-facts.md and test/fixtures/lint/dumps): Docker ≤ 27 (per-bridge rules in FORWARD,
 * `-A DOCKER-USER -j RETURN`) and Docker ≥ 28 (DOCKER-INGRESS / DOCKER-FORWARD / DOCKER-CT / DOCKER-BRIDGE, no RETURN
 * from 28.2.2). Published ports are added to DOCKER-INGRESS as Docker does for Swarm ingress.
 */
export type Layout = 'docker-27' | 'docker-28';

function ingress(ports: number[]): string[] {
  return [
    ...ports.flatMap((p) => [`-A DOCKER-INGRESS -p tcp -m tcp --dport ${p} -j ACCEPT`, `-A DOCKER-INGRESS -p tcp -m tcp --sport ${p} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`]),
    '-A DOCKER-INGRESS -j RETURN',
  ];
}

/** `iptables -S` text of Docker's filter table in a layout, publishing `ports` through Swarm ingress. */
export function dockerFilter(layout: Layout, ports: number[]): string {
  const common = ['-P INPUT ACCEPT', '-P FORWARD DROP', '-P OUTPUT ACCEPT', '-N DOCKER', '-N DOCKER-INGRESS', '-N DOCKER-ISOLATION-STAGE-1', '-N DOCKER-ISOLATION-STAGE-2', '-N DOCKER-USER'];
  const lines = layout === 'docker-27'
    ? [
        ...common,
        '-A FORWARD -j DOCKER-USER',
        '-A FORWARD -j DOCKER-INGRESS',
        '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
        '-A FORWARD -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A FORWARD -o docker_gwbridge -j DOCKER',
        '-A FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT',
        '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A FORWARD -o docker0 -j DOCKER',
        '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
        '-A FORWARD -i docker0 -o docker0 -j ACCEPT',
        '-A FORWARD -o br-0123456789ab -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A FORWARD -o br-0123456789ab -j DOCKER',
        '-A FORWARD -i br-0123456789ab ! -o br-0123456789ab -j ACCEPT',
        '-A FORWARD -i br-0123456789ab -o br-0123456789ab -j ACCEPT',
        '-A FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP',
        '-A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2',
        '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
        '-A DOCKER-ISOLATION-STAGE-1 -i br-0123456789ab ! -o br-0123456789ab -j DOCKER-ISOLATION-STAGE-2',
        '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
        '-A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP',
        '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
        '-A DOCKER-ISOLATION-STAGE-2 -o br-0123456789ab -j DROP',
        '-A DOCKER-ISOLATION-STAGE-2 -j RETURN',
        ...ingress(ports),
        '-A DOCKER-USER -j RETURN',
      ]
    : [
        ...common,
        '-N DOCKER-BRIDGE',
        '-N DOCKER-CT',
        '-N DOCKER-FORWARD',
        '-A FORWARD -j DOCKER-USER',
        '-A FORWARD -j DOCKER-INGRESS',
        '-A FORWARD -j DOCKER-FORWARD',
        '-A DOCKER ! -i docker_gwbridge -o docker_gwbridge -j DROP',
        '-A DOCKER ! -i docker0 -o docker0 -j DROP',
        '-A DOCKER ! -i br-0123456789ab -o br-0123456789ab -j DROP',
        '-A DOCKER-BRIDGE -o docker_gwbridge -j DOCKER',
        '-A DOCKER-BRIDGE -o docker0 -j DOCKER',
        '-A DOCKER-BRIDGE -o br-0123456789ab -j DOCKER',
        '-A DOCKER-CT -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A DOCKER-CT -o br-0123456789ab -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A DOCKER-FORWARD -j DOCKER-CT',
        '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1',
        '-A DOCKER-FORWARD -j DOCKER-BRIDGE',
        '-A DOCKER-FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT',
        '-A DOCKER-FORWARD -i docker0 -j ACCEPT',
        '-A DOCKER-FORWARD -i br-0123456789ab -j ACCEPT',
        '-A DOCKER-FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP',
        ...ingress(ports),
        '-A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2',
        '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
        '-A DOCKER-ISOLATION-STAGE-1 -i br-0123456789ab ! -o br-0123456789ab -j DOCKER-ISOLATION-STAGE-2',
        '-A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP',
        '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
        '-A DOCKER-ISOLATION-STAGE-2 -o br-0123456789ab -j DROP',
      ];
  return `${lines.join('\n')}\n`;
}
