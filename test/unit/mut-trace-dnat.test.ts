/**
 * A port-changing DNAT (`docker run -p 8080:80` on a bridge network) through the evaluator, from iptables-save
 * text as Docker 20.10 writes it. The expected answers are the kernel's, written before running our code: nat
 * PREROUTING rewrites 192.168.33.2:8080 to 172.17.0.2:80 (the port of --to-destination), so filter FORWARD and
 * DOCKER-USER see the packet after DNAT: `--dport 80` matches, `--dport 8080` does not, while conntrack's
 * `--ctorigdstport 8080` / `--ctorigdst 192.168.33.2` see the original destination (Docker's documentation:
 * "Packet filtering and firewalls", matching the original IP and ports with conntrack).
 * Only the entry points the tracer uses: parseDump, NamespaceRules, evaluateHook, newPacket.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateHook, NamespaceRules, type EvalEnv } from '../../src/core/trace/netfilter';
import { newPacket, type Packet } from '../../src/core/trace/packet';
import { parseDump } from '../../src/core/trace/parseDump';

const env: EvalEnv = {
  ifaceAddresses: {
    eth1: [{ address: '192.168.33.2', prefixLen: 24 }],
    docker0: [{ address: '172.17.0.1', prefixLen: 16 }],
    lo: [{ address: '127.0.0.1', prefixLen: 8 }],
  },
};

function save(dnatTo: string, dockerUser: string[]): string {
  return [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A DOCKER -i docker0 -j RETURN',
    `-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination ${dnatTo}`,
    'COMMIT',
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    ':DOCKER-USER - [0:0]',
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -o docker0 -j DOCKER',
    '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
    '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 8080 -j ACCEPT',
    ...dockerUser,
    '-A DOCKER-USER -j RETURN',
    'COMMIT',
    '',
  ].join('\n');
}

function rules(dnatTo: string, dockerUser: string[] = []): NamespaceRules {
  const rs = parseDump({ text: save(dnatTo, dockerUser), source: 'docker-p-8080-80.rules' });
  assert.deepEqual(rs.diagnostics.filter((d) => d.severity === 'error'), []);
  return new NamespaceRules().add(rs, 'docker-p-8080-80.rules', true);
}

const client = (): Packet => newPacket({ src: '203.0.113.10', dst: '192.168.33.2', proto: 'tcp', sport: 40000, dport: 8080, inIface: 'eth1' });

/** PREROUTING, then FORWARD out of docker0 with the packet PREROUTING produced. */
function forward(r: NamespaceRules): { pre: ReturnType<typeof evaluateHook>; fwd: ReturnType<typeof evaluateHook> } {
  const pre = evaluateHook(r, 'PREROUTING', client(), env);
  const fwd = evaluateHook(r, 'FORWARD', { ...pre.packet, outIface: 'docker0' }, env);
  return { pre, fwd };
}

test('DNAT honours the port of --to-destination: 192.168.33.2:8080 → 172.17.0.2:80, conntrack keeps the original', () => {
  const { pre } = forward(rules('172.17.0.2:80'));
  assert.equal(pre.packet.dst, '172.17.0.2');
  assert.equal(pre.packet.dport, 80);
  assert.equal(pre.packet.ct.origDst, '192.168.33.2');
  assert.equal(pre.packet.ct.origDport, 8080);
  assert.deepEqual(pre.rewrites.map((w) => `${w.kind} ${w.from} → ${w.to}`), ['DNAT 192.168.33.2:8080 → 172.17.0.2:80']);
});

test('DNAT without a port in --to-destination keeps the packet\'s port', () => {
  const { pre } = forward(rules('172.17.0.2'));
  assert.equal(pre.packet.dst, '172.17.0.2');
  assert.equal(pre.packet.dport, 8080);
  assert.deepEqual(pre.rewrites.map((w) => `${w.kind} ${w.from} → ${w.to}`), ['DNAT 192.168.33.2:8080 → 172.17.0.2:8080']);
});

const cases: { rule: string; verdict: 'DROP' | 'ACCEPT'; why: string }[] = [
  { rule: '-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP', verdict: 'DROP', why: '--ctorigdstport sees the published port' },
  { rule: '-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 80 --ctdir ORIGINAL -j DROP', verdict: 'ACCEPT', why: '--ctorigdstport does not see the container port' },
  { rule: '-A DOCKER-USER -p tcp -m tcp --dport 8080 -j DROP', verdict: 'ACCEPT', why: '--dport sees the port after DNAT, not 8080' },
  { rule: '-A DOCKER-USER -p tcp -m tcp --dport 80 -j DROP', verdict: 'DROP', why: '--dport sees the container port' },
  { rule: '-A DOCKER-USER -m conntrack --ctorigdst 192.168.33.2 --ctdir ORIGINAL -j DROP', verdict: 'DROP', why: '--ctorigdst sees the host address' },
  { rule: '-A DOCKER-USER -d 192.168.33.2/32 -j DROP', verdict: 'ACCEPT', why: '-d sees the container address after DNAT' },
  { rule: '-A DOCKER-USER -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j DROP', verdict: 'DROP', why: 'the post-DNAT destination' },
];

for (const c of cases) {
  test(`DOCKER-USER after a port-changing DNAT: ${c.rule} → ${c.verdict} (${c.why})`, () => {
    const { fwd } = forward(rules('172.17.0.2:80', [c.rule]));
    assert.equal(fwd.verdict, c.verdict);
    if (c.verdict === 'DROP') assert.equal(fwd.decidedBy?.kind === 'rule' && fwd.decidedBy.text, c.rule);
    else assert.equal(fwd.decidedBy?.kind === 'rule' && fwd.decidedBy.chain, 'DOCKER', 'accepted by Docker\'s own rule for the container port');
  });
}

test('without DOCKER-USER rules the DNATed packet is accepted by the DOCKER rule for port 80, not the one for 8080', () => {
  const { fwd } = forward(rules('172.17.0.2:80'));
  assert.equal(fwd.verdict, 'ACCEPT');
  assert.equal(fwd.decidedBy?.kind === 'rule' && fwd.decidedBy.text, '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT');
});
