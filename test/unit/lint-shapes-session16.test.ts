/**
 * Text shapes of session 16, each cut from the blind holdout set named in the test (holdouts 43–44, measured in
 * session 15 before these changes: docs/lint-holdout43.md, 44.md). Where the kernel decides, it was asked (iptables
 * 1.8.9 nf_tables in a scratch network namespace).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { all, findings } from './lint-findings';


test('a restore line refused for its trailing `# comment` keeps its error, and the other rules are judged with the rule it means (holdout 43, zh-blog docker-ufw)', () => {
  const text = [
    '*filter',
    ':DOCKER-USER - [0:0]',
    ':ufw-user-input - [0:0]',
    '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT # only with this do the replies come back',
    '-A DOCKER-USER -i eno1 -j ufw-user-input',
    '-A DOCKER-USER -i eno1 -j DROP',
    'COMMIT',
  ].join('\n');
  // iptables-restore refuses line 4 ("Bad argument `#'"): the error stays; the DROP after the accept of replies is fine
  assert.deepEqual([...new Set(findings(text))], ['4 syntax/unexpected-token']);
  // the same DROP with no accept of replies before it is still said
  assert.deepEqual(findings(text.replace(/^-A DOCKER-USER -m conntrack.*$/m, '# (no accept of replies)')), ['6 docker-user/missing-established']);
});

test('a Markdown guide whose prose says DOCKER-USER is flushed and rebuilt shows the chain rebuilt: its `-A` rules are not behind Docker\'s RETURN (holdout 44, homelab-security README)', () => {
  const block = [
    '```bash',
    'iptables -A DOCKER-USER -m state --state ESTABLISHED,RELATED -j RETURN',
    'iptables -A DOCKER-USER -m set --match-set whitelist src -j RETURN',
    'iptables -A DOCKER-USER -m set --match-set country_block src -j DROP',
    'iptables -A DOCKER-USER -j RETURN',
    '```',
  ];
  const withProse = ['### How It Works', '', 'The script flushes and rebuilds `DOCKER-USER` on each run:', '', ...block].join('\n');
  assert.deepEqual(findings(withProse), []);
  // without that sentence the block is appended to the chain as Docker left it (up to 28.2.1: behind its RETURN)
  const without = ['### How It Works', '', 'The script adds these rules:', '', ...block].join('\n');
  assert.ok(findings(without).includes('8 docker-user/after-return'), findings(without).join('; '));
  // a comment of a plain script is no prose: the script's commands decide
  assert.ok(findings(['# flush DOCKER-USER first', ...block.slice(1, -1)].join('\n')).includes('4 docker-user/after-return'));
});

test('an explanation block that quotes a rule of the script above is a copy, not a rule behind the script\'s final DROP (holdout 44, pt docker-protected notes)', () => {
  const text = [
    '```bash',
    'sudo iptables -F DOCKER-USER',
    'sudo iptables -A DOCKER-USER -s 173.245.48.0/20 -j ACCEPT',
    'sudo iptables -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    'sudo iptables -A DOCKER-USER -j DROP',
    '```',
    '',
    '## Explanation',
    '',
    '```bash',
    'sudo iptables -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '# this rule keeps both directions of a connection working',
    '```',
  ].join('\n');
  assert.ok(!findings(text).includes('11 rules/shadowed'), findings(text).join('; '));
  assert.ok(all(text).includes('11 info rules/duplicate'), all(text).join('; '));
  // a rule of the later block that repeats nothing above is still behind the DROP if both blocks are run: said as
  // info since session 18 (a guide's code blocks are often alternatives: holdout 52's "wrong order" example)
  const other = text.replace('sudo iptables -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n#', 'sudo iptables -A DOCKER-USER -s 10.0.0.0/8 -j ACCEPT\n#');
  assert.ok(all(other).includes('11 info rules/shadowed'), all(other).join('; '));
});

test('a bare `iptables -X` on a Docker host: one finding that says iptables refuses it while FORWARD jumps to Docker\'s chains (kernel-checked), no second chain-not-empty warning (holdout 44, qfw)', () => {
  const text = ['#!/bin/bash', 'docker ps >/dev/null', 'iptables -I DOCKER-USER -i eth0 -s 203.0.113.7 -j DROP', 'iptables -F INPUT', 'iptables -X'].join('\n');
  assert.deepEqual(findings(text), ['5 rules/wipes-docker']);
  const message = lintRules(text).diagnostics.find((d) => d.code === 'rules/wipes-docker')?.message ?? '';
  assert.match(message, /refuses the whole command/);
  assert.match(message, /no chain is deleted/);
});

// Round F (holdouts 46–47, measured once at 5b44f29 before the changes below)

test('a README\'s option list (`--net=host     Put the container in the host\'s network`) is text, not a rule with unknown options (holdout 46, huntprod fwbase)', () => {
  const text = ['You always want these flags:', '', '    --net=host       Put the container in the host\'s network', '                     namespace (so it can see the interfaces)', '', '    --privileged     Run the container with a subset of root\'s', '                     capabilities'].join('\n');
  assert.deepEqual(findings(text), []);
  // a rule specification with its chain in the same kind of text is still read and judged
  assert.deepEqual(findings('*filter\n-A DOCKER-USER --net=host -j DROP\nCOMMIT\n'), ['2 syntax/unknown-option']);
});

test('`iptables -S FORWARD` output (one chain, its policy) jumps to chains declared in the part not shown: said, not flagged (holdout 46, nova-network host)', () => {
  const text = ['berlioz ~ # iptables -S FORWARD', '-P FORWARD ACCEPT', '-A FORWARD -j nova-filter-top', '-A FORWARD -j nova-network-FORWARD', '-A FORWARD -o docker0 -j ACCEPT'].join('\n');
  assert.deepEqual(findings(text), []);
  assert.ok(all(text).includes('3 info syntax/unknown-target'), all(text).join('; '));
  // with a second chain's rules the listing is not one chain's: an undeclared jump target stays a warning
  assert.ok(findings(`${text}\n-A INPUT -j nova-api-INPUT`).includes('3 syntax/unknown-target'));
});

test('a REJECT after `-i docker0` and `-i hassio` are let through takes only other networks\' egress: explained, and hassio is not taken for the external interface (holdout 46, Home Assistant community)', () => {
  const text = ['iptables -A DOCKER-USER -i lo -j RETURN', 'iptables -A DOCKER-USER -i docker0 -j RETURN', 'iptables -A DOCKER-USER -i hassio -j RETURN', 'iptables -A DOCKER-USER -p tcp --dport 443 -j RETURN', 'iptables -A DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN', 'iptables -A DOCKER-USER -j REJECT', 'iptables -D DOCKER-USER -j RETURN'].join('\n');
  const egress = lintRules(text).diagnostics.filter((d) => d.code === 'docker-user/cuts-egress');
  assert.deepEqual(egress.map((d) => `${d.span.line + 1} ${d.severity}`), ['6 info']);
  assert.match(egress[0].message, /docker0 and hassio/);
  assert.doesNotMatch(egress[0].message, /→ hassio/);
  // docker0 alone let through: Compose projects' br-… networks are cut, still a warning
  const docker0Only = text.split('\n').filter((l) => !l.includes('hassio')).join('\n');
  assert.ok(findings(docker0Only).includes('5 docker-user/cuts-egress'), findings(docker0Only).join('; '));
});

test('a rule a script writes into Docker\'s own nat DOCKER chain (a DNAT, a REDIRECT) is flushed when Docker rebuilds it (holdout 47, osrm and wazuh notes)', () => {
  assert.deepEqual(findings('iptables -t nat -I DOCKER -p tcp --dport 5000 -j DNAT --to-destination 172.17.0.5:5000\n'), ['1 swarm/not-docker-user']);
  assert.ok(findings('sudo iptables -t nat -I DOCKER 3 -p tcp --dport 443 -j REDIRECT --to-port 9999\n').includes('1 swarm/not-docker-user'));
  // Docker's own shapes re-created by a script, and deletes, are not
  assert.deepEqual(findings('iptables -t nat -A DOCKER -i docker0 -j RETURN\niptables -t nat -A DOCKER ! -i docker0 -p tcp --dport 80 -j DNAT --to-destination 172.17.0.2:80\niptables -t nat -D DOCKER -p tcp --dport 5000 -j DNAT --to-destination 172.17.0.4:5000\n'), []);
});

test('`iptables -R DOCKER x … -j ACCEPT` with placeholders is judged for what it means, and gets no fix that would replace another chain\'s rule x (holdout 47, onlyoffice notes)', () => {
  const text = 'iptables -R DOCKER x -p tcp -m tcp -s x.x.x.x/xx -d 172.17.0.2 --dport 80 -j ACCEPT\n';
  const d = lintRules(text).diagnostics.find((x) => x.code === 'swarm/not-docker-user');
  assert.ok(d, all(text).join('; '));
  assert.deepEqual(d.fixes, []);
});

test('restarting the iptables service right before restarting Docker is no wipe: Docker recreates its rules at once (holdout 47, onlyoffice notes)', () => {
  const text = ['docker run -d -p 80:80 onlyoffice/documentserver', 'systemctl disable firewalld', 'systemctl restart iptables', 'systemctl restart docker'].join('\n');
  assert.deepEqual(findings(text), []);
  assert.ok(findings(text.replace('systemctl restart docker', 'echo done')).includes('3 rules/wipes-docker'));
});

test('a text that starts a Compose stack and then reaches http://localhost:3000 publishes 3000: an INPUT DROP of it never sees that traffic (holdout 47, runbook and CPS lab)', () => {
  const text = ['docker-compose up -d', 'curl -f http://localhost:3000/api/health', '', '# incident: isolate', 'iptables -I INPUT -p tcp --dport 3000 -j DROP'].join('\n');
  assert.deepEqual(findings(text), ['5 swarm/input-published-port']);
  assert.match(lintRules(text).diagnostics.find((d) => d.code === 'swarm/input-published-port')?.message ?? '', /`docker-compose up` starts the stack/);
  // without the stack started in the text, nothing says 3000 is a container's
  assert.deepEqual(findings(text.replace('docker-compose up -d', 'npm start')), []);
});

test('a Markdown blockquote\'s `> ` before a command is the quote\'s marker, not a redirection (holdout 47, trading journal README)', () => {
  const text = ['> Restrict 443 to Cloudflare IPs:', '> ```bash', '> iptables -I DOCKER-USER -i eth0 -p tcp --dport 443 -s 173.245.48.0/20 -j RETURN', '> iptables -I DOCKER-USER -p tcp --dport 443 -j DROP', '> ```'].join('\n');
  assert.ok(findings(text).includes('4 docker-user/cuts-egress'), findings(text).join('; '));
  // `> /tmp/log` and `> out.txt` still truncate a file
  assert.deepEqual(findings('> /tmp/fw.log\n> out.txt\n'), []);
});

test('an ACCEPT a script inserts into Docker\'s DOCKER-FORWARD naming a host interface is the user\'s, flushed by Docker: not taken for Docker\'s own shape (holdout 45, Traefik 8080 fix note)', () => {
  const text = 'sudo iptables -t filter -I DOCKER-FORWARD -i eth0.5 -o docker_gwbridge -p tcp --dport 8080 -d 172.18.0.5 -j ACCEPT\n';
  assert.deepEqual(findings(text), ['1 swarm/not-docker-user']);
  // Docker's own shapes (only its bridges named), re-created by a script, are not
  assert.deepEqual(findings('iptables -A DOCKER-FORWARD -i docker0 -j ACCEPT\niptables -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT\n'), []);
});

test('`docker run -p ${local_port}:80` with `local_port=8050` publishes 8050 (to 80): INPUT rules and a DOCKER-USER --dport 8050 are judged with it (holdout 43, nextcloud run.sh)', () => {
  const text = ['local_port=8050', 'docker run -d --name nc -p ${local_port}:80 dock_nextcloud', 'sudo iptables -A INPUT -p tcp --dport 8050 -j DROP', 'sudo iptables -I DOCKER-USER -p tcp -i eno1 --dport 8050 -j REJECT'].join('\n');
  assert.deepEqual(findings(text), ['3 swarm/input-published-port', '4 swarm/match-after-dnat']);
  // a variable given two values says nothing of which one is published
  assert.deepEqual(findings(text.replace('local_port=8050', 'local_port=8050\nlocal_port=9000')), []);
});

test('an INPUT DROP whose own comment calls the port a container\'s (`# Block app container`) never sees that traffic; a rule for containers reaching the host is INPUT\'s (holdout 45, security guide)', () => {
  const text = ['iptables -A INPUT -p tcp --dport 443 -j ACCEPT  # Web container', 'iptables -A INPUT -p tcp --dport 8080 -j DROP   # Block app container'].join('\n');
  assert.deepEqual(findings(text), ['2 swarm/input-published-port']);
  assert.ok(all(text).includes('1 info swarm/input-published-port'));
  // containers asking the host's DNS, and a comment that names no container, are not
  assert.deepEqual(findings('iptables -A INPUT -i docker0 -p udp --dport 53 -j ACCEPT # containers use the host resolver\niptables -A INPUT -p tcp --dport 2375 -j DROP # docker API\n'), []);
});
