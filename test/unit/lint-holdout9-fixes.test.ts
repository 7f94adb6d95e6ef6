/**
 * Judgments changed after holdouts 9 and 10 (docs/lint-holdout9.md, docs/lint-holdout10.md, "Left" in their "After the
 * measurement"): each case is a published pattern that was misjudged, cut down to the lines that matter, with the
 * expected answer written from Docker's rule layout before the change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import type { LintContext } from '../../src/core/lint/types';
import { checkFix } from '../../src/core/lint/fixSafety';
import { insertLineEdit } from '../../src/core/lint/pass';

const findings = (text: string, ctx?: LintContext) => lintRules(text, ctx).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.span.line + 1} ${d.code}`);
const all = (text: string, ctx?: LintContext) => lintRules(text, ctx).diagnostics.map((d) => `${d.span.line + 1} ${d.severity} ${d.code}`);

test('a systemd drop-in\'s ExecStartPost= runs its command (for-linux#1248): a FORWARD policy change right after dockerd starts', () => {
  const unit = '[Service]\nExecStartPost=-iptables -P FORWARD ACCEPT\nExecStartPost=/sbin/iptables -I DOCKER-USER -i eth0 -j DROP\n';
  assert.deepEqual(findings(unit), ['2 rules/wipes-docker', '3 docker-user/missing-established']);
  // the key's other words are no command; an `Exec…=` of another program is not iptables
  assert.deepEqual(all('[Service]\nExecStart=/usr/bin/dockerd -H fd://\nExecStartPost=/bin/sh -c "true"\n').filter((d) => !d.endsWith('syntax/not-iptables')), []);
});

test('a rule in Docker\'s DOCKER chain put back by ExecStartPost= after each daemon start is explained, not flagged (holdout 3, jp notes)', () => {
  const unit = '[Service]\nExecStartPost=/sbin/iptables -I DOCKER -i eth0 -p tcp --dport 80 -m state --state NEW -j ACCEPT\n';
  assert.deepEqual(all(unit).filter((d) => d.endsWith('swarm/not-docker-user')), ['2 info swarm/not-docker-user']);
  assert.deepEqual(findings('iptables -I DOCKER -i eth0 -p tcp --dport 80 -m state --state NEW -j ACCEPT\n'), ['1 swarm/not-docker-user']);
});

test('a fail2ban action\'s `actionstart = iptables -N …` creates the chain its FORWARD hook jumps to (mailu#1263)', () => {
  const action = [
    '[Definition]',
    'actionstart = iptables -N f2b-bad-auth',
    '              iptables -A f2b-bad-auth -j RETURN',
    '              iptables -I FORWARD -p tcp -m multiport --dports 1:1024 -j f2b-bad-auth',
    'actionban = iptables -I f2b-bad-auth 1 -s <ip> -j DROP',
    '',
  ].join('\n');
  // no unknown target; the ban chain hooked on top of FORWARD loses its place when Docker re-inserts its jump
  assert.deepEqual(findings(action), ['4 swarm/not-docker-user']);
});

test('FORWARD filters with a variable port or a userspace verdict are still FORWARD filters (holdout 9: zh port ACL menu, pterodactyl NFQUEUE)', () => {
  assert.deepEqual(findings('iptables -I FORWARD 1 -p $protocol --dport $host_port ! -s $ip_address -j DROP\n'), ['1 swarm/not-docker-user']);
  assert.deepEqual(findings('sudo iptables -I FORWARD -p tcp --dport 25565 -j NFQUEUE --queue-num 1\n'), ['1 swarm/not-docker-user']);
  // variable interfaces: whether containers are concerned is unknown; a queue of a router's LAN traffic is not about them
  assert.deepEqual(findings('iptables -A FORWARD -i $WAN -o $LAN -p tcp --dport 22 -j DROP\n'), []);
  assert.deepEqual(findings('iptables -I FORWARD -d 192.168.1.0/24 -j NFQUEUE --queue-num 1\n'), []);
});

test('exceptions appended after the user\'s own DROP never run on any Docker version: rules/shadowed (holdout 9, mexoms security setup)', () => {
  const text = [
    'iptables -A DOCKER-USER -i eth0 -j DROP',
    'iptables -A DOCKER-USER -i eth0 -p tcp --dport 8080 -j ACCEPT',
    'iptables -A DOCKER-USER -s 10.0.0.0/8 -j ACCEPT', // not taken by the eth0 DROP: only behind Docker's RETURN
    '',
  ].join('\n');
  const ds = all(text);
  assert.ok(ds.includes('2 warning rules/shadowed'), ds.join('\n'));
  assert.ok(ds.includes('2 info docker-user/after-return'));
  assert.ok(!ds.some((d) => d.startsWith('3 ') && d.includes('shadowed')));
  // inserted (-I), the same rules are the usual bottom-up script: no shadowed
  assert.ok(!all(text.replace(/-A /g, '-I ')).some((d) => d.includes('rules/shadowed')));
});

test('match-after-dnat: --dport of a port published as itself also takes another mapping to that container port (quirky-guy, 9000→8080 and 8080→8080)', () => {
  const ctx: LintContext = { nodeName: 'h', publishedPorts: [
    { port: 9000, protocol: 'tcp', targetPort: 8080, mode: 'host' },
    { port: 8080, protocol: 'tcp', targetPort: 8080, mode: 'host' },
  ] };
  const ds = lintRules('iptables -I DOCKER-USER -i eth0 -p tcp --dport 8080 -j DROP\n', ctx).diagnostics.filter((d) => d.code === 'swarm/match-after-dnat');
  assert.equal(ds.length, 1);
  assert.match(ds[0].message, /port 9000 is published to container port 8080/);
  // only 9000→8080: --dport 8080 is the container port, written on purpose
  assert.deepEqual(findings('iptables -I DOCKER-USER -i eth0 -p tcp --dport 8080 -j DROP\n', { nodeName: 'h', publishedPorts: [ctx.publishedPorts![0]] }), []);
});

test('match-after-dnat: Swarm\'s ingress DNAT keeps the published port until the ingress_sbox, so --dport <published> does match there', () => {
  // nat DOCKER-INGRESS: `--dport 8080 -j DNAT --to-destination 172.18.0.2:8080`; Docker ≥ 28 filter DOCKER-INGRESS accepts `--dport 8080`
  const ingress: LintContext = { nodeName: 'm', publishedPorts: [{ port: 8080, protocol: 'tcp', targetPort: 80, mode: 'ingress' }] };
  const host: LintContext = { nodeName: 'm', publishedPorts: [{ port: 8080, protocol: 'tcp', targetPort: 80, mode: 'host' }] };
  const rule = 'iptables -I DOCKER-USER -i eth0 -p tcp --dport 8080 ! -s 198.51.100.0/24 -j DROP\n';
  assert.deepEqual(findings(rule, ingress), []);
  assert.deepEqual(findings(rule, host), ['1 swarm/match-after-dnat']);
});

test('fix safety: a fix after which a standard flow the file accepted gets an unknown verdict is not proven safe', () => {
  // a DROP of a port held in a shell variable (github-uniz-block-db-ports' loop): what container egress meets is unknown
  const text = '-A DOCKER-USER -p tcp --dport 443 -j ACCEPT\n';
  const fix = { title: 't', edits: [insertLineEdit(0, '-A DOCKER-USER -p tcp --dport $PORT -j DROP')] };
  const verdict = checkFix(text, fix);
  assert.equal(verdict.safe, false);
  assert.ok(verdict.broken.some((b) => b.includes('container egress')), verdict.broken.join('; '));
  // the same rule with a known condition that spares the flows is proven safe
  assert.equal(checkFix(text, { title: 't', edits: [insertLineEdit(0, '-A DOCKER-USER -p tcp --dport 23 -j DROP')] }).safe, true);
});
