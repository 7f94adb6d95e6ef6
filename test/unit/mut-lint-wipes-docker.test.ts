/**
 * rules/wipes-docker (src/core/lint/rules/wipesDocker.ts): a script's flush / delete / FORWARD policy of the chains
 * Docker manages. Expected answers written from where Docker keeps its rules (filter FORWARD, DOCKER*, nat
 * PREROUTING/OUTPUT/POSTROUTING; DOCKER-USER is the user's) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, raw } from './mut-lint-helpers';

const CODE = 'rules/wipes-docker';
const tail = ' on a running Docker host, until the daemon restarts and recreates its rules.';

test('wipes-docker: each flush/delete/policy of Docker\'s chains, pointed at the chain (or the whole line for a table), with what breaks', () => {
  // the first lines of test/fixtures/lint/real-world/gist-seeruk-flush-and-rebuild.rules-style scripts, then one per case
  const lines = [
    'iptables -F', 'iptables -X', 'iptables -t nat -F', 'iptables -t nat -X', 'iptables -t mangle -F',
    'iptables -F DOCKER-USER', 'iptables -F DOCKER', 'iptables -X DOCKER-ISOLATION-STAGE-1', 'iptables -F FORWARD',
    'iptables -t nat -F PREROUTING', 'iptables -t nat -F POSTROUTING', 'iptables -t nat -F OUTPUT', 'iptables -t nat -F INPUT',
    'iptables -F INPUT', 'iptables -P FORWARD ACCEPT', 'iptables -P INPUT DROP', 'iptables -t mangle -F FORWARD', 'iptables -t mangle -P FORWARD DROP',
  ];
  const ds = raw(`${lines.join('\n')}\n`, CODE);
  assert.deepEqual(at(ds), ['1:0-11', '2:0-11', '3:0-18', '4:0-18', '7:12-18', '8:12-36', '9:12-19', '10:19-29', '11:19-30', '12:19-25', '15:12-19']);
  assert.ok(ds.every((d) => d.severity === 'warning' && d.fixes.length === 0));
  assert.deepEqual(ds.map((d) => d.message), [
    `This flushes every chain of the filter table, Docker's included (FORWARD's jumps to DOCKER-USER/DOCKER-FORWARD, DOCKER, DOCKER-ISOLATION-*): container networking, published ports and Swarm ingress stop working${tail}`,
    `This deletes every user-defined chain of the filter table. While FORWARD jumps to Docker's chains (DOCKER-USER, DOCKER-FORWARD or DOCKER-ISOLATION-STAGE-1), iptables refuses the whole command (with the nf_tables backend no chain is deleted, exit status 4: a script under \`set -e\` stops here); once those jumps are flushed it deletes Docker's chains too, and container networking, published ports and Swarm ingress stop working${tail}`,
    `This flushes every chain of the nat table: published ports (DOCKER, DOCKER-INGRESS DNAT) and container masquerading stop working${tail}`,
    `This deletes every user-defined chain of the nat table. While PREROUTING and OUTPUT jump to DOCKER, iptables refuses the whole command (with the nf_tables backend no chain is deleted, exit status 4: a script under \`set -e\` stops here); once those jumps are flushed it deletes Docker's chains too, and published ports (DOCKER, DOCKER-INGRESS DNAT) stop working${tail}`,
    `This flushes DOCKER, one of Docker's own chains${tail}`,
    `This deletes DOCKER-ISOLATION-STAGE-1, one of Docker's own chains${tail}`,
    `This flushes FORWARD: Docker's jumps to DOCKER-USER, DOCKER-FORWARD/DOCKER-ISOLATION-STAGE-1 and its per-bridge rules are gone${tail}`,
    `This flushes nat PREROUTING: Docker's jumps to DOCKER / DOCKER-INGRESS (published ports) or its MASQUERADE rules are gone${tail}`,
    `This flushes nat POSTROUTING: Docker's jumps to DOCKER / DOCKER-INGRESS (published ports) or its MASQUERADE rules are gone${tail}`,
    `This flushes nat OUTPUT: Docker's jumps to DOCKER / DOCKER-INGRESS (published ports) or its MASQUERADE rules are gone${tail}`,
    `This sets the FORWARD policy to ACCEPT: Docker manages it (Docker ≤ 27 sets DROP when it enables forwarding; ≥ 28 leaves ACCEPT hosts as they are)${tail}`,
  ]);
  // DROP is the policy Docker sets itself: explained, not flagged
  const drop = raw('iptables -P FORWARD DROP\n', CODE);
  assert.deepEqual(drop.map((d) => `${d.severity} ${d.span.start}-${d.span.end}`), ['info 12-19']);
  assert.match(drop[0].message, /^This sets the FORWARD policy to DROP: .*\. DROP is the policy Docker itself sets: container and Swarm traffic still pass/);
});

test('wipes-docker: a restore file (not a script run on the host) and a delete of DOCKER-USER are not reported', () => {
  assert.deepEqual(raw('*filter\n:FORWARD DROP [0:0]\n-F FORWARD\nCOMMIT\n', CODE), []);
  assert.deepEqual(raw('iptables -X DOCKER-USER\niptables -N DOCKER-USER\n', CODE), []);
});
