/**
 * Text shapes of session 13, each cut from the spent holdout set named in the test: Docker's nat-table rules quoted
 * as `-S` lines in prose (no `-t nat`, no `*nat`), and argv lists a program writes over several lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findings } from './lint-findings';


test("Docker's DNAT rules quoted as `-S` lines in a post are the nat table's: no unknown-target error, no rule that never runs (holdout 29, ja-diary)", () => {
  const text = [
    '- dockerはiptablesにより2つのルールを設定する。',
    '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
    ' → <addr>=127.0.0.1を指定した場合',
    '-A DOCKER -d 127.0.0.1/32 ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    'sudo iptables -I DOCKER-USER -s 203.0.113.9 -p tcp --dport 80 -j REJECT',
  ].join('\n');
  assert.ok(!findings(text).some((f) => f.startsWith('2 ') || f.startsWith('5 ')), findings(text).join('; '));
  // a command that puts DNAT in the filter table is still refused by iptables
  assert.deepEqual(findings('iptables -A DOCKER -p tcp --dport 80 -j DNAT --to-destination 172.17.0.2:80\n'), ['1 syntax/unknown-target']);
  // and so is a nat-only target in a *filter section
  assert.ok(findings('*filter\n-A FORWARD -j MASQUERADE\nCOMMIT\n').includes('2 syntax/unknown-target'));
});

test('an argv list over several lines is the one command it is (holdout 30: director-sandbox TypeScript, ru-agent-sandbox Python)', () => {
  const ts = [
    '      await this.executeCommand([',
    '        "sudo", "iptables", "-I", "DOCKER-USER", "1", "-j", "DROP"',
    '      ]);',
    '      await this.executeCommand([',
    '        "sudo", "iptables", "-A", "DOCKER-USER", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"',
    '      ]);',
  ].join('\n');
  assert.deepEqual(findings(ts), ['2 docker-user/cuts-egress', '2 docker-user/missing-established', '5 rules/shadowed']);
  const py = [
    'subprocess.run([',
    '    "iptables", "-A", "DOCKER-USER",',
    '    "-i", "eth0",  # from outside',
    '    "-j", "DROP",',
    '], check=True)',
  ].join('\n');
  assert.deepEqual(findings(py), ['2 docker-user/after-return', '2 docker-user/missing-established']);
  // one that never closes, or holds a spread, is not read
  assert.deepEqual(findings('subprocess.run([\n    "iptables", "-A", "DOCKER-USER",\n    "-j", "DROP"\n'), []);
  assert.deepEqual(findings('subprocess.run([\n    "iptables", "-A", "DOCKER-USER",\n    *args, "-j", "DROP"])\n'), []);
  // a printed list is not run
  assert.deepEqual(findings('print([\n    "iptables", "-A", "DOCKER-USER",\n    "-j", "DROP"])\n'), []);
});

test("an installer's advice (`    -e MAIN_NODE_IP_ADDRESS='127.0.0.1'`) and a table's column underline (`--   ------   ----`) are text (holdouts 31 caprover-1099, 33 host-isolation-audit)", () => {
  assert.deepEqual(findings("In that case, add this to your installation command:\n    -e MAIN_NODE_IP_ADDRESS='127.0.0.1'   \n"), []);
  assert.deepEqual(findings('To                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW IN    Anywhere\n'), []);
});

test('a command substitution left open goes on over the next lines: no unterminated quote (holdout 33, loxilb)', () => {
  const text = 'function wait_ready {\n    Res=$(sudo k0s kubectl get pods -A |\n    while IFS= read -r line; do\n        echo "$line"\n    done)\n}\n';
  assert.deepEqual(findings(text), []);
});

test('placeholders in a restore block are unknown values, and a template the reader fills in is not run before the example after it (holdout 33, homelab-skill-note)', () => {
  const text = [
    'sudo iptables -I DOCKER-USER 1 -p tcp --dport <PORT> -j DROP',
    'sudo iptables -I DOCKER-USER 1 -i <trusted-iface> -p tcp --dport <PORT> -j ACCEPT',
    '',
    '   *filter',
    '   :DOCKER-USER - [0:0]',
    '   -A DOCKER-USER -i <trusted-iface> -p tcp --dport <PORT> -j ACCEPT',
    '   -A DOCKER-USER -p tcp --dport <PORT> -j DROP',
    '   -A DOCKER-USER -j RETURN',
    '   COMMIT',
    '',
    'sudo iptables -I DOCKER-USER 1 -p tcp --dport 8181 -j DROP',
    'sudo iptables -I DOCKER-USER 1 -i tailscale0 -p tcp --dport 8181 -j ACCEPT',
  ].join('\n');
  assert.deepEqual(findings(text).filter((f) => !f.includes('cuts-egress')), []);
  // a concrete exception written before a concrete DROP inserted above it is still said
  assert.ok(findings('iptables -I DOCKER-USER -i tailscale0 -p tcp --dport 8181 -j ACCEPT\niptables -I DOCKER-USER -p tcp --dport 8181 -j DROP\n').includes('2 rules/insert-order'));
});

test('a command and the same rule in a restore block are the live rule and its persisted copy, not a duplicate', () => {
  const text = 'iptables -I DOCKER-USER -s 10.0.0.0/8 -j RETURN\n\nThen add the same to /etc/ufw/after.rules:\n\n   *filter\n   :DOCKER-USER - [0:0]\n   -A DOCKER-USER -s 10.0.0.0/8 -j RETURN\n   COMMIT\n';
  assert.ok(!findings(text).some((f) => f.includes('duplicate')), findings(text).join('; '));
  assert.ok(findings('iptables -I DOCKER-USER -s 10.0.0.0/8 -j RETURN\niptables -I DOCKER-USER -s 10.0.0.0/8 -j RETURN\n').some((f) => f.includes('rules/duplicate')));
});

test("a machine's dump with no Docker chain at all (a tool's own rules: NetBird's wt0 guards) is output, not a proposal (holdout 31, netbird-3071)", () => {
  const dump = ['# Generated by iptables-save v1.8.7 on Mon Jan  1 00:00:00 2024', '*filter', ':INPUT ACCEPT [3265:3133907]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [2814:283965]', ':NETBIRD-RT-FWD - [0:0]',
    '-A FORWARD -o wt0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A FORWARD -i wt0 -j NETBIRD-RT-FWD', '-A FORWARD -i wt0 -j DROP', 'COMMIT', ''].join('\n');
  assert.deepEqual(findings(dump), []);
});

test("wg-easy's WG_POST_UP runs inside its container: its FORWARD rules are not the host's (holdout 32, floit-wg-easy)", () => {
  const text = 'The new WG_POST_UP variable is:\niptables -A FORWARD -i wg0 -s 10.8.0.3/32 -d 192.168.1.50/32 -j ACCEPT;\niptables -A FORWARD -i wg0 -j DROP;\n\niptables -A FORWARD -i wg0 -j DROP\n';
  assert.deepEqual(findings(text), ['5 swarm/not-docker-user']);
});

test('a bridge the text names with com.docker.network.bridge.name is a Docker bridge: `-i user_firewall -d 1.1.1.1` is egress, not a published port (holdout 31, pwncollege)', () => {
  const text = 'docker network create -o com.docker.network.bridge.name=user_firewall user_firewall\niptables -I DOCKER-USER -i user_firewall -j DROP\niptables -I DOCKER-USER -i user_firewall -d 1.1.1.1 -j ACCEPT\n';
  assert.ok(!findings(text).some((f) => f.includes('match-after-dnat')), findings(text).join('; '));
  assert.ok(findings('iptables -I DOCKER-USER -i eth0 -d 1.1.1.1 -j DROP\n').some((f) => f.includes('match-after-dnat')));
});

test('a template that gives the command as a variable (`iptables ${X} INPUT …`, X = -A/-I/-D) is an unknown rule, not 2 errors a line (holdout 34, x3framework Nix)', () => {
  const text = "  localFirewallCommands = cf: X: ''\n    iptables ${X} INPUT -p udp --dport 53 -s ${cf.LANSubnet} -j ACCEPT\n    iptables ${X} DOCKER-USER -p udp --dport 53 -j DROP\n  '';\n";
  assert.deepEqual(findings(text), []);
});

test("a plural's possessive (`Testcontainers' resource reaper`) opens no quote that would hide a later script's start (holdout 34, testcontainers)", () => {
  const text = [
    "This also killed Ryuk (Testcontainers' resource reaper).",
    'sudo iptables -I FORWARD 1 -i docker0 -j ACCEPT',
    'File: 99-docker-vpn',
    '#!/bin/bash',
    'iptables -I FORWARD 1 -i docker0 -j ACCEPT',
  ].join('\n');
  assert.ok(!findings(text).some((f) => f.includes('duplicate')), findings(text).join('; '));
});

test("the same rule in two code blocks of a Markdown guide is two snippets, not one chain run twice (holdout 34, compass)", () => {
  const block = '```bash\nsudo iptables -I DOCKER-USER -s 10.0.0.0/8 -p tcp --dport 6379 -j RETURN\n```\n';
  assert.ok(!findings(`For a VM:\n${block}\nFor a container:\n${block}`).some((f) => f.includes('duplicate')));
  // in one block, or in a script, it is one chain
  assert.ok(findings('sudo iptables -I DOCKER-USER -s 10.0.0.0/8 -j RETURN\nsudo iptables -I DOCKER-USER -s 10.0.0.0/8 -j RETURN\n').some((f) => f.includes('rules/duplicate')));
});

test("libvirt's virbr0 rules in a listing are libvirt's own, also when listed twice (holdout 35, pastebin-5w9v2rrz)", () => {
  const listing = ['Chain INPUT (policy ACCEPT 321 packets, 30752 bytes)', 'pkts bytes target prot opt in out source destination',
    '0 0 ACCEPT udp -- virbr0 * 0.0.0.0/0 0.0.0.0/0 udp dpt:53', '0 0 ACCEPT udp -- virbr0 * 0.0.0.0/0 0.0.0.0/0 udp dpt:53', ''].join('\n');
  assert.deepEqual(findings(listing), []);
});

test('a jump to a chain named from a variable (`-j "${chain}-IN"`), a PowerShell splat (`@Rule`), Docker\'s logged calls (`--wait -t nat -I …`) and a sentence after the binary in any script are not errors (holdouts 34–36)', () => {
  assert.deepEqual(findings('iptables -N "${chain}-IN"\niptables -I DOCKER-USER -j "${chain}-IN"\niptables -I DOCKER-USER -m conntrack --ctorigdstport 80 --ctdir ORIGINAL -j "${chain}-FWD"\n'), []);
  assert.deepEqual(findings('    & iptables -C $Chain @Rule 2>$null\n'), []);
  assert.deepEqual(findings('(*\n--wait -t nat -I DOCKER-INGRESS -p tcp --dport 80 -j DNAT --to-destination 172.18.0.2:80\n*)\n'), []);
  assert.deepEqual(findings('- iptables 规则被 Docker 自动修改,优先级高于常规防火墙规则。\n- iptables 命令常用的选项及各自的功能：\n'), []);
  assert.deepEqual(findings('iptables -w [-t table] COMMAND [chain] CRETIRIA -j ACTION\n'), []);
});

test("a DROP appended after the user's own unconditional DROP never runs on any Docker version: rules/shadowed, not after-return (holdout 34, docker-security-guide)", () => {
  const text = 'iptables -A DOCKER-USER -p tcp --dport 80 -j ACCEPT\niptables -A DOCKER-USER -j DROP\niptables -A DOCKER-USER -s 192.168.1.100 -j DROP\n';
  const f = findings(text);
  assert.ok(f.includes('3 rules/shadowed'), f.join('; '));
  assert.ok(!f.includes('3 docker-user/after-return'), f.join('; '));
});

test("each DROP of a guide's alternatives is judged for the replies it drops, also below a wider one (holdout 32, Docker's docs translated: `! -s 192.168.1.1`, then `! -s 192.168.1.0/24`)", () => {
  const text = '$ iptables -I DOCKER-USER -i ext_if ! -s 192.168.1.1 -j DROP\n$ iptables -I DOCKER-USER -i ext_if ! -s 192.168.1.0/24 -j DROP\n';
  assert.deepEqual(findings(text).filter((f) => f.includes('missing-established')), ['1 docker-user/missing-established', '2 docker-user/missing-established']);
  // a second copy of the same DROP never runs: it is the duplicate, not a second missing accept
  assert.deepEqual(findings('iptables -I DOCKER-USER -i eth0 -j DROP\niptables -I DOCKER-USER -i eth0 -j DROP\n').filter((f) => f.includes('missing-established')).length, 1);
});

test('a match module without the option it needs is refused by iptables (kernel oracle on holdout 32, x-yuri: `-m addrtype` alone; iptables 1.8.9 in a netns for each module)', () => {
  for (const m of ['addrtype', 'set', 'mark', 'iprange', 'owner', 'state', 'comment', 'mac', 'string', 'length', 'conntrack', 'physdev']) {
    assert.deepEqual(findings(`iptables -A INPUT -m ${m} -j ACCEPT\n`), ['1 syntax/missing-argument'], m);
  }
  assert.deepEqual(findings('iptables -A INPUT -p tcp -m multiport -j ACCEPT\n'), ['1 syntax/missing-argument']);
  // limit needs none (its defaults: 3/hour, burst 5); one of the options is enough
  assert.deepEqual(findings('iptables -A INPUT -m limit -j ACCEPT\niptables -A INPUT -m addrtype --dst-type LOCAL -j ACCEPT\niptables -A INPUT -m owner --socket-exists -j ACCEPT\n'), []);
});
