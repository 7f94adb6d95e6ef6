/**
 * Judgments changed after holdouts 13 and 14 (docs/lint-holdout13.md, docs/lint-holdout14.md): each case is a
 * published pattern that was misjudged, cut down to the lines that matter, with the expected answer written from the
 * shell's, iptables' (kernel-checked in a scratch namespace where said) and Docker's behaviour before the change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { all, findings } from './lint-findings';
import { parseRules } from '../../src/core/iptables/parse';


test('the shell\'s `:` no-op (`: "prepare" && {`) is no chain line (holdout 14, a Vagrant swarm provisioner)', () => {
  assert.deepEqual(findings('#!/bin/sh\nset -e\n: "prepare" && {\nyum -y update\n}\niptables -A INPUT -p tcp --dport 2377 -j ACCEPT\n'), []);
  // in a restore file a `:` line is a chain declaration, and `: X` a broken one
  assert.ok(findings('*filter\n: X - [0:0]\nCOMMIT\n').some((d) => d.includes('syntax/')));
});

test('`-p tcp -m multiport --dport 80,443` is multiport\'s --dports (getopt prefix; kernel: stored as `--dports 80,443`) (holdout 14, promzeus)', () => {
  assert.deepEqual(findings('iptables -A INPUT -p tcp -m multiport --dport 80,443 -j ACCEPT\n'), []);
  const rule = parseRules('iptables -A INPUT -p tcp -m multiport --dport 80,443 -j ACCEPT\n').rules[0];
  assert.deepEqual(rule.matches.map((m) => `${m.module} ${m.options.map((o) => o.name).join(',')}`), ['multiport dports']);
  // with -m tcp loaded, --dport is tcp's own: a list is refused as before
  assert.ok(findings('iptables -A INPUT -p tcp -m tcp --dport 80,443 -j ACCEPT\n').includes('1 syntax/bad-port'));
});

test('a whole rule held in a reassigned variable (`iptables -I $rule`) is no duplicate of itself (holdout 14, seanblanchfield)', () => {
  const text = 'rule="DOCKER-USER -p tcp --dport 80 -j ACCEPT"\niptables -C $rule || iptables -I $rule\nrule="DOCKER-USER -p tcp --dport 443 -j ACCEPT"\niptables -C $rule || iptables -I $rule\n';
  assert.deepEqual(findings(text), []);
});

test('in a cut dump an undeclared chain may be in the part left out: said, not flagged (holdout 14, ufw-docker#83; holdout 13, a Swarm walkthrough)', () => {
  assert.deepEqual(all('-A OUTPUT -j ufw-track-output\n-A DOCKER -d 172.29.0.2/32 ! -i br-b5785bd09d34 -o br-b5785bd09d34 -p tcp -m tcp --dport 30009 -j ACCEPT\n').filter((d) => !d.includes(' info ')), []);
  const cut = '*nat\n-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS\n-A DOCKER-INGRESS -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.18.0.2:80\n*filter\n-A FORWARD -j DOCKER-INGRESS\n-A DOCKER-INGRESS -p tcp -m tcp --dport 80 -j ACCEPT\n-A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 80 -j ACCEPT\n-A DOCKER-INGRESS -j RETURN\n';
  assert.deepEqual(findings(cut), []);
  // a user's own port DROP in DOCKER-INGRESS is still the user's
  assert.ok(findings(`${cut}-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DROP\n`).includes('9 swarm/not-docker-user'));
});

test('an unconditional jump inserted on top of FORWARD to a chain that drops filters containers too (holdout 14, promzeus: `-I FORWARD 1 -j z_FORWARD`)', () => {
  const text = 'iptables -N z_FORWARD\niptables -I FORWARD 1 -j z_FORWARD\niptables -A z_FORWARD -i eth0 -m conntrack --ctstate NEW -p tcp --dport 0:65535 -j DROP\n';
  assert.deepEqual(findings(text), ['2 swarm/not-docker-user']);
  // appended at the end it is a default deny
  assert.deepEqual(findings(text.replace('-I FORWARD 1', '-A FORWARD')), []);
});

test('`iptables -S` text: ACCEPTs after DOCKER-USER\'s RETURN are after-return, info when no running DROP takes them (holdout 13, forgefleet)', () => {
  const text = [
    '-A DOCKER-USER -i enp3s0 -p tcp -m conntrack --ctdir ORIGINAL --ctorigdst 192.168.5.104/32 --ctorigdstport 63379 -j DROP',
    '-A DOCKER-USER -j RETURN',
    '-A DOCKER-USER -p tcp --dport 55432 -j ACCEPT',
    '',
  ].join('\n');
  assert.deepEqual(all(text), ['3 info docker-user/after-return']);
});

test('after.rules text in a multi-line quoted value is data, not bare commands (holdout 13, a homelab bootstrap)', () => {
  const text = '#!/bin/bash\nAFTER_RULES="\n*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j RETURN\nCOMMIT\n"\necho "$AFTER_RULES" >> /etc/ufw/after.rules\n';
  assert.ok(!findings(text).some((d) => d.includes('syntax/not-a-command')), findings(text).join('\n'));
});

test('parameter expansions and command substitutions are unknown values, not errors (holdout 13, isolab and vmmanager6)', () => {
  assert.deepEqual(findings('sudo iptables ${rule/-A/-D} 2>/dev/null || true\n'), []);
  const cf = 'iptables -I DOCKER-USER -p tcp --dport 443 -j DROP\niptables -I DOCKER-USER -p tcp -s $(curl -sSL https://www.cloudflare.com/ips-v4 | paste -d, -s) --dport 443 -j ACCEPT\n';
  // the computed sources are taken for outside clients: the DROP still takes the containers' HTTPS egress
  assert.deepEqual(findings(cf), ['1 docker-user/cuts-egress']);
});

test('a compose network name used as an interface (`${NET:-academy-cpp-executor_default}`) is refused by iptables: IFNAMSIZ (holdout 13)', () => {
  const text = 'NET="${NET:-academy-cpp-executor_default}"\niptables -I DOCKER-USER -i "$NET" -o "$NET" -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN\niptables -D DOCKER-USER -i "$NET" -o "$NET" -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN\n';
  assert.deepEqual(findings(text), ['2 syntax/variable-value']);
  assert.deepEqual(findings(text.replace('academy-cpp-executor_default', 'br-academy')), []);
});

test('a rules file that declares Docker\'s own chains and leaves them empty flushes them on every reload (holdout 13, a Japanese reload template; kernel: a declared chain is flushed also with -n)', () => {
  const template = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER - [0:0]\n:DOCKER-ISOLATION-STAGE-1 - [0:0]\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j RETURN\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o ens33 -j MASQUERADE\n:DOCKER - [0:0]\nCOMMIT\n';
  assert.deepEqual(findings(template), ['5 rules/wipes-docker', '14 rules/wipes-docker']);
  // a snapshot of a Docker host (its jumps to Docker's chains are in it) rebuilds them when loaded
  assert.deepEqual(findings(template.replace('-A DOCKER-USER -j RETURN', '-A FORWARD -j DOCKER-USER\n-A FORWARD -o docker0 -j DOCKER\n-A DOCKER-USER -j RETURN')), []);
});

test('getopt prefixes are unique among all the names iptables knows, the commands\' and base options\' too (iptables 1.8.9 in a scratch namespace, session 20)', () => {
  const read = (r: string) => {
    const rs = parseRules(`iptables -A FORWARD ${r}\n`);
    return { options: rs.rules[0]?.matches.flatMap((m) => m.options.map((o) => `${m.module}:${o.name}`)) ?? [], errors: rs.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) };
  };
  // accepted, stored as --dports 80,443: a prefix of multiport's name, and of its alias --destination-ports
  assert.deepEqual(read('-p tcp -m multiport --dp 80,443 -j ACCEPT'), { options: ['multiport:dports'], errors: [] });
  assert.deepEqual(read('-p tcp -m multiport --destination-p 80,443 -j ACCEPT'), { options: ['multiport:dports'], errors: [] });
  // refused, "unknown option": --so is also --source, --po also --policy, and --dp also tcp's --dport when -m tcp is loaded
  for (const r of ['-p tcp -m multiport --so 80 -j ACCEPT', '-p tcp -m multiport --po 80,443 -j ACCEPT', '-p tcp -m tcp --sport 22 -m multiport --dp 80,443 -j ACCEPT', '-p tcp -m multiport --s 80 -j ACCEPT']) {
    assert.ok(read(r).errors.includes('syntax/unknown-option'), r);
  }
});
