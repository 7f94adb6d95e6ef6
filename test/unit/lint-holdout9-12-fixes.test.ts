/**
 * Judgments changed after holdouts 9 to 12 (docs/lint-holdout9.md … docs/lint-holdout12.md: "Left" in 9 and 10's
 * "After the measurement", the false positives and negatives of 11 and 12): each case is a published pattern that was
 * misjudged, cut down to the lines that matter, with the expected answer written from the shell's and Docker's
 * behaviour before the change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { all } from './lint-findings';
import type { LintContext } from '../../src/core/lint/types';
import { checkFix } from '../../src/core/lint/fixSafety';
import { insertLineEdit } from '../../src/core/lint/pass';

const findings = (text: string, ctx?: LintContext) => lintRules(text, ctx).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.span.line + 1} ${d.code}`);

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

test('an unquoted here-document writes a double backslash as one: its body lines ending in two are continued lines of the script it writes (holdout 11, it-ersaf)', () => {
  const text = [
    'cat > "$F" <<EOT',
    'iptables -w -C DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null || \\\\',
    '    iptables -w -I DOCKER-USER 1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    'iptables -w -C DOCKER-USER -p tcp \\\\',
    '    -m conntrack --ctorigdst $1 --ctorigdstport $3 -j DROP 2>/dev/null || \\\\',
    '    iptables -w -A DOCKER-USER -p tcp \\\\',
    '        -m conntrack --ctorigdst $1 --ctorigdstport $3 -j DROP',
    'EOT',
    '',
  ].join('\n');
  // no syntax error; the appended DROP is judged (behind Docker's RETURN up to 28.2.1)
  assert.deepEqual(findings(text), ['6 docker-user/after-return']);
  assert.ok(!all(text).some((d) => d.includes('syntax/unexpected-token')));
  // a quoted here-document keeps `\\` (so would a script run as it is): read as continued all the same, and said
  const quoted = all(text.replace('<<EOT', "<<'EOT'"));
  assert.deepEqual(quoted.filter((d) => d.includes('syntax/')), ['2 info syntax/unexpected-token', '4 info syntax/unexpected-token', '5 info syntax/unexpected-token', '6 info syntax/unexpected-token']);
  assert.ok(quoted.includes('6 warning docker-user/after-return'));
});

test('a Makefile recipe\'s `-` prefix ignores the command\'s failure: `\\t-sudo pkill …` is a shell command, not a bare rule (holdout 11, vpc demo)', () => {
  assert.deepEqual(findings('deploy:\n\t-sudo pkill -f "http.server" || true\n\t-sudo iptables -F FORWARD\n'), ['3 rules/wipes-docker']);
  // a bare rule line stays one (an -S paste), and so does a tab-indented one
  assert.deepEqual(findings('-A DOCKER-USER -j ACCEPT\n'), ['1 docker-user/accept-all']);
  assert.deepEqual(findings('\t-A DOCKER-USER -j ACCEPT\n'), ['1 docker-user/accept-all']);
});

test('`\'!\'` and `\\!` are a plain `!` once the shell removed the quotes (holdout 11, openstack-ansible doc; kernel: accepted)', () => {
  const rule = "iptables -I DOCKER-USER -i eth0 '!' -s 192.168.199.0/24 -m conntrack --ctorigdstport 80 -j DROP\n";
  assert.deepEqual(findings(rule), ['1 docker-user/ctorig-without-ctdir']);
  assert.deepEqual(findings(rule.replace("'!'", '\\!')), ['1 docker-user/ctorig-without-ctdir']);
  // quoted as a value it stays a value: a comment
  assert.deepEqual(findings("iptables -A INPUT -m comment --comment '!' -j ACCEPT\n"), []);
});

test('a runner function (`dry() { … "$@"; }`) runs its arguments: `dry iptables …` is read as `iptables …` (holdout 11, egress allow list)', () => {
  const text = [
    'dry() {',
    '    if [[ "${DRY_RUN}" == "true" ]]; then echo "[DRY-RUN] $*"; return 0; fi',
    '    "$@"',
    '}',
    'dry iptables -t filter -F DOCKER-USER 2>/dev/null || true',
    'dry iptables -t filter -A DOCKER-USER -p tcp --dport 443 -j ACCEPT',
    'dry iptables -t filter -A DOCKER-USER -j REJECT --reject-with icmp-net-unreachable',
    'dry iptables -t filter -I DOCKER -s 192.168.168.0/24 -d 192.168.168.0/24 -j ACCEPT',
    '',
  ].join('\n');
  const ds = findings(text);
  assert.ok(ds.includes('7 docker-user/missing-established'), ds.join('\n'));
  assert.ok(ds.includes('8 swarm/not-docker-user'));
});

test('a FORWARD rule from a VPN interface to a LAN outside Docker\'s pools is routing, not container filtering (holdout 12, netclient#323)', () => {
  const text = '-A FORWARD -d 10.1.5.0/24 -i netmaker -m comment --comment NETMAKER -j netmakerfilter\n-A netmakerfilter -s 10.1.0.2/32 -d 10.1.5.0/24 -j ACCEPT\n-A netmakerfilter -j DROP\n';
  assert.deepEqual(findings(text), []);
  // to a container address (Docker's default pools) from outside, it is
  assert.deepEqual(findings('iptables -I FORWARD -i eth0 -d 172.20.0.5 -j DROP\n'), ['1 swarm/not-docker-user']);
});

test('`-R DOCKER "$n"` replaces an unknown rule of Docker\'s chain with a port DROP: not a bad position, a rule in Docker\'s chain (holdout 12, conclusionlogic gist)', () => {
  const text = 'RULE="$(iptables --list DOCKER --line-numbers -n | awk \'{print $1}\')"\niptables -R DOCKER ${RULE} -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j DROP\niptables -D DOCKER ${RULE}\n';
  assert.deepEqual(all(text).filter((d) => !d.endsWith('syntax/not-iptables')), ['2 warning swarm/not-docker-user']);
  // Docker's own shapes in a restore file stay Docker's
  assert.deepEqual(findings('*filter\n:DOCKER - [0:0]\n-A DOCKER ! -i docker0 -o docker0 -j DROP\nCOMMIT\n'), []);
});

test('`docker exec ROUTER iptables …` and `ip netns exec NS …` change that namespace, not the host (holdout 11: a routing lab, a netns test gateway)', () => {
  const text = [
    'docker exec router1 iptables -F FORWARD',
    'docker exec -u root r2 iptables -P FORWARD ACCEPT',
    'ip netns exec "$GATEWAY" "$tool" -P FORWARD DROP',
    'docker run -d --net=host --cap-add NET_ADMIN --name tun example/tunnel',
    'docker exec tun iptables -t nat -F', // 5: the host's network: the host's nat table
    'docker exec dind1 iptables -I DOCKER-USER -i eth0 -j DROP', // 6: Docker's chain there: a Docker host inside
    '',
  ].join('\n');
  assert.deepEqual(findings(text), ['5 rules/wipes-docker', '6 docker-user/missing-established']);
});

test('cloud-init `runcmd:` items quoted for YAML are commands (holdout 12, a microk8s cloud-init gist)', () => {
  const text = 'runcmd:\n  - "iptables -P FORWARD ACCEPT"\n  - \'iptables -F FORWARD\'\n  - \'echo "done"\'\n';
  assert.deepEqual(findings(text), ['2 rules/wipes-docker', '3 rules/wipes-docker']);
});
