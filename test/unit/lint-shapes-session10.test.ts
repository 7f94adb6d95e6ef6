/**
 * Input shapes the metamorphic check (scripts/lint-metamorphic.ts) and the kernel oracle found read differently from
 * the same rules written plainly: CRLF line ends, `--protocol esp` / `--proto esp` (getopt's prefix of a base option,
 * kernel-checked: iptables 1.8.9 stores `-p esp`), Ansible's `command:` / `shell:` task values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { all, findings } from './lint-findings';
import { parseRules } from '../../src/core/iptables/parse';
import { publishedInText } from '../../src/core/lint/textPublish';


test('CRLF line ends give the same findings at the same lines and columns as LF', () => {
  const lf = [
    'dry() {',
    '  echo "+ $*"',
    '  "$@"',
    '}',
    'dry iptables -A DOCKER-USER -p tcp --dport 53 -j ACCEPT',
    'dry iptables -A DOCKER-USER -j REJECT',
    'docker exec router iptables -F',
    '',
  ].join('\n');
  const crlf = lf.replace(/\n/g, '\r\n');
  const spans = (t: string) => lintRules(t).diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.start}-${d.span.end}`);
  assert.deepEqual(spans(crlf), spans(lf));
  assert.deepEqual(findings(crlf), ['6 docker-user/after-return', '6 docker-user/cuts-egress', '6 docker-user/missing-established']);
  // a lone \r at the very end too
  assert.deepEqual(findings('iptables -A DOCKER-USER -j ACCEPT\r'), findings('iptables -A DOCKER-USER -j ACCEPT'));
});

test('--proto and --protocol are -p (getopt prefix of the base option when no policy match is loaded; kernel: stored as -p esp)', () => {
  for (const spelling of ['-p esp', '--protocol esp', '--proto esp', '--prot esp', '-p 50']) {
    const rs = parseRules(`iptables -A INPUT ${spelling} -j DROP`);
    assert.equal(rs.rules[0].protocol?.value, 'esp', spelling);
    assert.deepEqual(rs.diagnostics.map((d) => d.code), [], spelling);
  }
  // negated, and a protocol's own options after it
  const neg = parseRules('iptables -A INPUT ! --proto tcp --dport 22 -j DROP').rules[0];
  assert.deepEqual([neg.protocol?.value, neg.protocol?.negated], ['tcp', true]);
  // with -m policy loaded, --proto is the policy match's own option (kernel: `-m policy --dir in --pol ipsec --proto esp`)
  const pol = parseRules('iptables -A INPUT -m policy --dir in --pol ipsec --proto esp -j ACCEPT').rules[0];
  assert.equal(pol.protocol, undefined);
  assert.deepEqual(pol.matches[0].options.map((o) => o.name), ['dir', 'pol', 'proto']);
  // an ESP DROP between Swarm nodes is judged whatever the spelling
  const peers = 'iptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT\n';
  for (const spelling of ['-p esp', '--protocol esp', '-p 50']) assert.deepEqual(findings(`${peers}iptables -A INPUT ${spelling} -j DROP\n`), ['2 swarm/cuts-control-plane'], spelling);
});

test('an Ansible task\'s command: / shell: / cmd: value is the command it runs; a task name is not', () => {
  const tasks = [
    '- name: drop the rest',
    '  ansible.builtin.shell: iptables -A DOCKER-USER -i eth0 -j DROP 2>/dev/null || true',
    '- name: quoted',
    '  command: "iptables -I DOCKER-USER -j ACCEPT"',
    '- command: sudo iptables -I DOCKER-USER -j ACCEPT',
    '- ansible.builtin.command:',
    '    cmd: iptables -I DOCKER-USER -j ACCEPT',
    '- name: "iptables -I DOCKER-USER -j DROP"',
    '  debug: "iptables -I DOCKER-USER -j DROP"',
    '',
  ].join('\n');
  const rules = parseRules(tasks).rules.map((r) => `${r.line + 1} ${r.op} ${r.chain} ${r.target?.name}`);
  assert.deepEqual(rules, ['2 A DOCKER-USER DROP', '4 I DOCKER-USER ACCEPT', '5 I DOCKER-USER ACCEPT', '7 I DOCKER-USER ACCEPT']);
  assert.ok(findings(tasks).includes('7 docker-user/accept-all'));
});

test('`sh -c "…"`, `sudo bash -ec \'…\'`, `su root -c "…"` run the quoted script: its rules are linted at their own columns', () => {
  const diags = lintRules('sudo sh -c "iptables -A DOCKER-USER -j ACCEPT"\n').diagnostics.filter((d) => d.severity !== 'info');
  assert.deepEqual(diags.map((d) => `${d.code} ${d.span.start}-${d.span.end}`), ['docker-user/accept-all 12-45']);
  assert.deepEqual(findings("bash -ec 'iptables -I DOCKER-USER -i eth0 -j DROP'\n"), ['1 docker-user/missing-established']);
  assert.deepEqual(findings('su root -c "iptables -P FORWARD ACCEPT"\n'), ['1 rules/wipes-docker']);
  // ip6tables in the quoted script is the IPv6 rule set, as on its own line
  assert.deepEqual(findings('iptables -A DOCKER-USER -p tcp --dport 443 -j DROP\nsudo sh -c "ip6tables -A DOCKER-USER -p tcp --dport 443 -j DROP"\n'), findings('iptables -A DOCKER-USER -p tcp --dport 443 -j DROP\nip6tables -A DOCKER-USER -p tcp --dport 443 -j DROP\n'));
  // an escaped quote inside: offsets would not be exact, the line is not read (said as not an iptables rule)
  assert.deepEqual(findings('sh -c "iptables -A DOCKER-USER -s \\"10.0.0.1\\" -j ACCEPT"\n'), []);
  // other programs' -c, and a shell without -c, are no nested script
  assert.deepEqual(findings('sh ./fw.sh -c "iptables -A DOCKER-USER -j ACCEPT"\ncurl -c "iptables -A DOCKER-USER -j ACCEPT"\n'), []);
});

test('a script fed to a shell through a here-document (`ssh node <<\'EOF\'`) may hold a quote that spans lines, as any script', () => {
  const body = ['echo "{', '\\"iptables\\": false', '}" > /etc/docker/daemon.json', 'iptables -t nat -A POSTROUTING ! -o docker0 -s 172.17.0.0/16 -j MASQUERADE'];
  const plain = findings(`${body.join('\n')}\n`);
  assert.deepEqual(findings(`ssh root@node1 <<'EOF'\n${body.join('\n')}\nEOF\n`), plain.map((f) => f.replace(/^(\d+)/, (n) => String(Number(n) + 1))));
  assert.ok(!findings(`ssh root@node1 <<'EOF'\n${body.join('\n')}\nEOF\n`).some((f) => f.includes('unterminated-quote')));
  // a quote left open at the body's end is still the body's syntax error
  assert.ok(findings(`ssh root@node1 <<'EOF'\niptables -A DOCKER-USER -m comment --comment "open\nEOF\n`).some((f) => f.includes('unterminated-quote')));
});

test('YAML list items holding whole commands (cloud-init runcmd) keep their errors and do not make the text an -S listing of another table', () => {
  const runcmd = '#cloud-config\nruncmd:\n  - iptables -t nat -I PREROUTING -p tcp -d 169.254.169.254 --dport 80 -j DNAT --to-destination 192.0.2.1\n  - iptables -t nat -I PREROUTING -p tcp -d 169.254.169.254 -j DROP\n';
  const all = lintRules(runcmd).diagnostics.map((d) => `${d.span.line + 1} ${d.severity} ${d.code}`);
  assert.ok(all.includes('4 error syntax/unknown-target'), all.join());
  assert.ok(!all.some((d) => d.endsWith('lint/table-inferred') || d.endsWith('syntax/no-command')), all.join());
});

test('holdouts 17–19: a command from a variable (`-${1}`) is an unknown rule, not two errors (zerotier-docker#34)', () => {
  const text = 'IPTABLES_CMD=iptables-legacy\n${IPTABLES_CMD} -t nat -${1} POSTROUTING -o zt0 -j MASQUERADE\n${IPTABLES_CMD} -$ACTION FORWARD -i zt0 -o eth0 -j ACCEPT\n';
  const all = lintRules(text).diagnostics.map((d) => `${d.span.line + 1} ${d.severity} ${d.code}`);
  assert.deepEqual(all.filter((d) => !d.includes(' info ')), []);
  assert.ok(all.includes('2 info syntax/no-command') && all.includes('3 info syntax/no-command'), all.join());
});

test('holdouts 17–19: an IPv6 address in an iptables (IPv4) command is refused (kernel: "host/network not found"); in ip6tables it is not', () => {
  const errs = (t: string) => lintRules(t).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.line + 1} ${d.code} ${d.span.start}-${d.span.end}`);
  assert.deepEqual(errs('iptables -A INPUT -s ::1 -d ::1 -j ACCEPT\n'), ['1 syntax/bad-address 21-24', '1 syntax/bad-address 28-31']);
  assert.deepEqual(errs('ip6tables -A INPUT -s ::1 -j ACCEPT\niptables -A INPUT -s 127.0.0.1 -j ACCEPT\niptables -A INPUT -s "$V6" -j ACCEPT\n'), []);
});

test('holdouts 17–19: an interface with "/" or a blank is added by iptables with a warning and never matches: a warning, and the rule still counts (duplicates)', () => {
  const text = 'iptables -I INPUT 1 -i 172.16.0.0/12 -p tcp -d 172.17.0.1 -j ACCEPT\niptables -I INPUT 1 -i 172.16.0.0/12 -p tcp -d 172.17.0.1 -j ACCEPT\n';
  assert.deepEqual(lintRules(text).diagnostics.map((d) => `${d.span.line + 1} ${d.severity} ${d.code}`), ['1 warning rules/interface-wildcard', '2 warning rules/duplicate', '2 warning rules/interface-wildcard']);
  assert.match(lintRules(text).diagnostics[0].message, /"172\.16\.0\.0\/12" can never be an interface name.*an address belongs in -s$/);
});

test('holdouts 17–19: firewalld\'s chains are another tool\'s (an undeclared FORWARD_direct in an -S listing is said, not flagged)', () => {
  const sev = (t: string) => lintRules(t).diagnostics.filter((d) => d.code === 'syntax/unknown-target').map((d) => d.severity);
  assert.deepEqual(sev('-A FORWARD -j FORWARD_direct\n-A FORWARD -j FORWARD_IN_ZONES\n-A FORWARD_IN_ZONES -j FWDI_public\n'), ['info', 'info']);
});

test('holdouts 17–19: -S lines of several tables pasted without *table or -P lines are read table by table (raw DROPs, nat DNATs, filter rules)', () => {
  const raw = '-A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 5432 -j DROP\n';
  const nat = '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.19.0.2:80\n-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\n';
  const filter = ':DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A DOCKER -d 172.17.0.3/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 8080 -j ACCEPT\n-A DOCKER-USER -j RETURN\n';
  const bad = (t: string) => lintRules(t).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.span.line + 1} ${d.code}`);
  assert.deepEqual(bad(raw + nat + filter), []);
  // one table's lines alone keep their own judgment: DROP in nat is still refused when the text is all nat
  assert.deepEqual(bad('-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n-A DOCKER -p tcp --dport 80 -j DROP\n'), ['2 syntax/unknown-target']);
});


test('holdout 17: a wrapper called after `elif`/`while` runs its rule; the then/else branches of one line are alternatives (one rule, not two)', () => {
  const text = [
    'host_iptables() {',
    '  if [ "$(id -u)" -eq 0 ]; then iptables "$@"; else sudo iptables "$@"; fi',
    '}',
    'if host_iptables -C DOCKER-USER -j ACCEPT 2>/dev/null; then',
    '  echo present',
    'elif host_iptables -I DOCKER-USER -j ACCEPT 2>/dev/null; then',
    '  echo added',
    'fi',
    '',
  ].join('\n');
  assert.deepEqual(findings(text), ['6 docker-user/accept-all']);
  const branches = parseRules('if [ -n "$x" ]; then iptables -A X -j DROP; else iptables -A Y -j DROP; fi\n');
  assert.deepEqual(branches.rules.map((r) => r.chain), ['X']);
});

test('holdout 17: `iptables -I FORWARD -j ACCEPT` in a script about Docker accepts everything above Docker\'s jumps; appended, or without Docker, it is not reported', () => {
  // (docker-user/accept-all since session 21, as docs/lint-codes.md describes that code; swarm/not-docker-user before)
  assert.deepEqual(findings('systemctl start docker\niptables -C FORWARD -j ACCEPT 2>/dev/null || iptables -I FORWARD -j ACCEPT\n'), ['2 docker-user/accept-all']);
  assert.deepEqual(findings('systemctl start docker\niptables -A FORWARD -j ACCEPT\n'), []);
  assert.deepEqual(findings('sysctl -w net.ipv4.ip_forward=1\niptables -I FORWARD -j ACCEPT\n'), []);
  assert.deepEqual(findings('systemctl start docker\niptables -I FORWARD -i wg0 -j ACCEPT\n'), []);
});

test('holdout 17: an ESTABLISHED accept bound to another protocol does not cover the replies a --ctorig* DROP also hits', () => {
  const rules = (est: string) => `iptables -I DOCKER-USER ${est} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\niptables -A DOCKER-USER -p udp -m conntrack --ctorigdstport 53 ! -s 10.0.0.0/8 -j DROP\n`;
  const iptables = (t: string) => t.replace(/-A DOCKER-USER/, '-I DOCKER-USER 2');
  const ctorig = (t: string) => findings(t).filter((f) => f.endsWith('ctorig-without-ctdir'));
  assert.deepEqual(ctorig(iptables(rules('-p tcp'))), ['2 docker-user/ctorig-without-ctdir']);
  assert.deepEqual(ctorig(iptables(rules('-p udp'))), []);
  assert.deepEqual(ctorig(iptables(rules(''))), []);
});

test('holdouts 17 and 19: an exception for a named host (`-s x.x.x.x`, a host name to iptables) does not hide that the DROP after it takes the containers\' egress', () => {
  const save = (src: string) => `*filter\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -s ${src} -p tcp --dport 80 -j RETURN\n-A DOCKER-USER -p tcp --dport 80 -j DROP\n-A DOCKER-USER -j RETURN\nCOMMIT\n`;
  assert.deepEqual(findings(save('x.x.x.x')), findings(save('1.2.3.4')));
  assert.deepEqual(findings(save('office.example.com')), ['5 docker-user/cuts-egress']);
});

test('holdout 19: a port the text publishes with `docker run -p` / `docker service create -p` is a published port (INPUT never sees it)', () => {
  assert.deepEqual(publishedInText('sudo docker run -d -p 8081:80 nginx\ndocker service create --publish published=8443,target=443,mode=host x\ndocker service create -p 53:53/udp dns\n'), [
    { port: 8081, protocol: 'tcp', mode: 'host', targetPort: 80 },
    { port: 8443, protocol: 'tcp', mode: 'host', targetPort: 443 },
    { port: 53, protocol: 'udp', mode: 'ingress', targetPort: 53 },
  ]);
  // a loopback-bound port, a container port alone, a range, a comment: none
  assert.deepEqual(publishedInText('docker run -p 127.0.0.1:5432:5432 pg\ndocker run -p 80 x\ndocker run -p 8000-8010:8000-8010 x\n# docker run -p 9000:9000 x\n'), []);
  assert.deepEqual(findings('docker run -d --name web -p 8081:80 nginx\niptables -A INPUT -p tcp --dport 8081 -j DROP\n'), ['2 swarm/input-published-port']);
});

test('holdout 18: an entrypoint script (ends in `exec "$@"`, `tail -f /dev/null`, `sleep infinity`) sets its container\'s own rules, not the host\'s', () => {
  const body = '#!/usr/bin/env sh\niptables -F\niptables -X\niptables -P FORWARD DROP\n';
  for (const end of ['tail -f /dev/null', 'exec "$@"', 'sleep infinity']) assert.deepEqual(findings(`${body}${end}\n`), [], end);
  assert.deepEqual(findings(`${body}echo done\n`), ['2 rules/wipes-docker', '3 rules/wipes-docker']);
  // docker-in-docker: Docker's chains in the container are a Docker host's, judged as one
  assert.deepEqual(findings('#!/bin/sh\niptables -I DOCKER-USER -j ACCEPT\nexec "$@"\n'), ['2 docker-user/accept-all']);
});

test('holdout 20: ufw\'s own chains in an after.rules file are ufw\'s (info, not an error); a jump to a chain in a variable makes "unused" unknown', () => {
  const after = '*filter\n:ufw-after-input - [0:0]\n-A ufw-after-input -p udp --dport 137 -j ufw-skip-to-policy-input\nCOMMIT\n';
  assert.deepEqual(lintRules(after).diagnostics.filter((d) => d.code === 'syntax/unknown-target').map((d) => d.severity), ['info']);
  const helper = 'ensure_jump() {\n  iptables -C "$1" -j "$2" 2>/dev/null || iptables -I "$1" 1 -j "$2"\n}\niptables -N MY_FWD\niptables -A MY_FWD -p tcp --dport 22 -j DROP\nensure_jump FORWARD "$CHAIN_FWD"\n';
  assert.deepEqual(findings(helper).filter((f) => f.endsWith('unused-chain')), []);
  assert.deepEqual(findings('iptables -N MY_FWD\niptables -A MY_FWD -p tcp --dport 22 -j DROP\n'), ['1 rules/unused-chain']);
});

test('holdout 20: a flush before the script installs or starts Docker wipes nothing of Docker\'s (its chains do not exist yet); after a use of Docker, or in a function, it does', () => {
  const script = (before: string) => `${before}iptables -F\niptables -P FORWARD ACCEPT\napt-get install -y docker.io\nsystemctl start docker\n`;
  assert.deepEqual(findings(script('')), []);
  assert.deepEqual(findings(script('docker ps\n')), ['2 rules/wipes-docker', '3 rules/wipes-docker']);
  // (a flush right before a restart of Docker is explained, not flagged, since session 21: the restart recreates the chains)
  assert.deepEqual(findings('iptables -F\nsystemctl restart docker\n'), []);
  assert.deepEqual(all('iptables -F\nsystemctl restart docker\n').filter((d) => d.endsWith('wipes-docker')), ['1 info rules/wipes-docker']);
  assert.deepEqual(findings('docker ps\niptables -F\necho flushed\nsystemctl restart docker\n'), ['2 rules/wipes-docker']);
  assert.deepEqual(findings('reset() {\n  iptables -F\n}\ncurl -fsSL https://get.docker.com | sh\nreset\n'), ['2 rules/wipes-docker']);
});

test('holdout 22: a variable in the binary\'s place may hold the command and chain; a JSON key is no command; `iptables-docker` is not the iptables service', () => {
  const held = 'ipt_pre_raw="iptables -I PREROUTING 1 -t raw "\n$ipt_pre_raw -p udp -m multiport --dports 27000:29000 -j DROP\n';
  assert.deepEqual(lintRules(held).diagnostics.map((d) => `${d.span.line + 1} ${d.severity} ${d.code}`), ['1 info syntax/not-iptables', '2 info syntax/no-command']);
  assert.deepEqual(findings('cat << EOF >> /etc/docker/daemon.json\n{\n  "iptables" : false\n}\nEOF\n'), []);
  assert.deepEqual(findings('systemctl stop iptables-docker\n'), []);
  assert.deepEqual(findings('docker ps\nsystemctl restart iptables\n'), ['2 rules/wipes-docker']);
});

test('holdout 22: an exception inserted again on top after the DROP (a guide\'s next step) still applies: no insert-order', () => {
  const est = 'iptables -I DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT';
  const steps = `${est}\niptables -I DOCKER-USER -i eth0 -p tcp --dport 8080 -j DROP\n${est}\n`;
  assert.deepEqual(findings(steps).filter((f) => f.endsWith('insert-order')), []);
  assert.deepEqual(findings(`${est}\niptables -I DOCKER-USER -i eth0 -p tcp --dport 8080 -j DROP\n`).filter((f) => f.endsWith('insert-order')), ['2 rules/insert-order']);
});
