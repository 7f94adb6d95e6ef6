/**
 * Text shapes of session 14, each cut from the spent holdout set named in the test (holdouts 37–39, measured once
 * before these changes: docs/lint-holdout37.md … 39.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { all, findings } from './lint-findings';


test('a command without -t is the filter table\'s even where Docker\'s DNAT rules quoted as -S lines make the text\'s table nat (holdout 37, zh-iptables-notes)', () => {
  const text = [
    '```shell',
    '-A DOCKER ! -i br-449595784b72 -p tcp -m tcp --dport 36381 -j DNAT --to-destination 192.168.176.2:6379',
    '```',
    '```shell',
    'iptables -I DOCKER -p tcp --dport 6379 -j DROP',
    'iptables -I INPUT -s 123.45.6.7 -j DROP',
    '```',
  ].join('\n');
  assert.deepEqual(findings(text), ['5 swarm/not-docker-user']);
  // the quoted DNAT line itself is still read as the nat table's (no filter-table refusal of DNAT)
  assert.ok(!findings(text).some((f) => f.startsWith('2 ')));
});

test('`iptables -P $chain ACCEPT` in a loop: which chain is known only when the script runs, not an error (holdout 37, zh-ealyce)', () => {
  const text = 'for chain in INPUT FORWARD OUTPUT; do\n    iptables -P $chain ACCEPT\ndone\n';
  assert.deepEqual(findings(text), []);
  assert.ok(all(text).includes('2 info syntax/bad-policy'), all(text).join('; '));
  // a literal user chain still has no policy
  assert.deepEqual(findings('iptables -N MINE\niptables -P MINE DROP\n'), ['2 syntax/bad-policy']);
});

test('`-I $CHAIN $(($# + 1))`: a computed position is unknown, not position 1 (holdout 37, zh-allow-ips)', () => {
  const text = [
    '#!/bin/bash',
    'CHAIN=DOCKER-USER',
    'for ip in "$@"; do',
    '    sudo iptables -I $CHAIN 1 -s "$ip" -p tcp --dport $PORT -j ACCEPT',
    'done',
    'sudo iptables -I $CHAIN $(($# + 1)) -p tcp --dport $PORT -j DROP',
  ].join('\n');
  assert.ok(!findings(text).some((f) => f.includes('insert-order')), findings(text).join('; '));
  // a literal -I without a position still lands above the exception
  assert.ok(findings(text.replace('$(($# + 1)) ', '')).includes('6 rules/insert-order'));
});

test('rule specifications quoted without `-A CHAIN` outside a *table section are not judged, not errors (holdout 38, mailcow node docs)', () => {
  const text = [
    'Docker publishes mailcow\'s ports past `ufw`, so the rules live in a chain DOCKER-USER jumps to:',
    '```',
    '-o br-mailcow ! -i br-mailcow -p tcp --dport 25 -m set --match-set mailexpert-eop4 src -j RETURN',
    '-o br-mailcow ! -i br-mailcow -p tcp --dport 25 -j DROP',
    '```',
  ].join('\n');
  assert.deepEqual(findings(text), []);
  assert.ok(all(text).includes('4 info syntax/no-chain'), all(text).join('; '));
  // inside a *filter section iptables-restore refuses such a line
  assert.deepEqual(findings('*filter\n-o br-mailcow -p tcp --dport 25 -j DROP\nCOMMIT\n'), ['2 syntax/no-chain']);
});

test('an IP ban inserted on top lands above the services\' accepts on purpose: no insert-order; a policy DROP still does (holdout 37 zh-iptables-notes, holdout 18 trafficjam-17)', () => {
  const ban = ['iptables -A INPUT -p tcp --dport 22 -j ACCEPT', 'iptables -A INPUT -p tcp --dport 80 -j ACCEPT', 'iptables -I INPUT -s 123.45.6.7 -j DROP', 'iptables -I INPUT -s 124.45.0.0/16 -j DROP'].join('\n');
  assert.deepEqual(findings(ban), []);
  // an accept for one source inside the banned range is an exception the ban now hides
  assert.deepEqual(findings('iptables -A INPUT -s 123.45.6.9 -p tcp --dport 22 -j ACCEPT\niptables -I INPUT -s 123.45.6.0/24 -j DROP\n'), ['2 rules/insert-order']);
  const policy = ['iptables -I DOCKER-USER -s 192.168.1.1/24 -d 172.17.0.0/16 -j ACCEPT', 'iptables -I DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', 'iptables -I DOCKER-USER -s 172.17.0.0/16 -d 192.168.1.1/24 -j DROP'].join('\n');
  assert.ok(findings(policy).includes('3 rules/insert-order'), findings(policy).join('; '));
});

test('a unit line a script writes into a service (`printf "…ExecStartPost=/sbin/iptables -P FORWARD ACCEPT" | tee docker.service.d/…`, `sed -i "13i ExecStartPost=…"`) runs each time the service starts (holdout 39, aws-kubeadm, zh-k8s-offline)', () => {
  const text = [
    'printf "[Service]\\nExecStartPost=/sbin/iptables -P FORWARD ACCEPT" |  sudo tee /etc/systemd/system/docker.service.d/10-iptables.conf',
    'sed -i "13i ExecStartPost=/usr/sbin/iptables -P FORWARD ACCEPT" /usr/lib/systemd/system/docker.service',
  ].join('\n');
  assert.deepEqual(findings(text), ['1 rules/wipes-docker', '2 rules/wipes-docker']);
  // the finding points at the line as written
  assert.equal(lintRules(text).diagnostics.find((d) => d.code === 'rules/wipes-docker')?.span.start, 0);
  // a unit line printed into a file that is not a unit is text
  assert.deepEqual(findings('echo "ExecStartPost=/sbin/iptables -P FORWARD ACCEPT" > notes.txt\n'), []);
});

test('a heading that starts with the binary and `-w` (`iptables -w Rate Limiting (UDP)`) is text, as it is without `-w` (holdout 38 ramnode-pelican, found by the metamorphic test)', () => {
  assert.deepEqual(findings('iptables Rate Limiting (UDP)\n'), []);
  assert.deepEqual(findings('iptables -w Rate Limiting (UDP)\n'), []);
  // a wait time and a command after `-w` are still a call
  assert.deepEqual(findings('iptables -w 5 -I DOCKER-USER -j DORP\n'), ['1 syntax/target-typo']);
});

test('a root prompt copied with the command (`[root@vultr ~]# iptables -F`, `root@node1:~# …`) is the command (holdout 41, rke-1481)', () => {
  assert.deepEqual(findings('[root@vultr ~]# iptables -F\nroot@node1:~# iptables -X\n'), ['1 rules/wipes-docker', '2 rules/wipes-docker']);
  // an e-mail address that starts a sentence is not a prompt
  assert.deepEqual(findings('admin@example.com wrote: iptables -F is bad\n'), []);
});

test('inline code a report says was run (`ran `iptables -F``, `fixed by executing `iptables -F -t nat``) is a command; one a sentence supposes is not (holdout 41, rancher-30080, rancher-5550)', () => {
  assert.deepEqual(findings('Hey! on a lark ran `iptables -F` and now it\'s working\n'), ['1 rules/wipes-docker']);
  assert.deepEqual(findings('The issue was fixed by executing `iptables -F -t nat` on the Rancher agent.\n'), ['1 rules/wipes-docker']);
  assert.deepEqual(findings('If you ran `iptables -F`, Docker\'s rules are gone.\nNever ran `iptables -F` here.\nSee `iptables -F` in the man page.\n'), []);
});

test('a listing call with its output pasted on the same line is not judged; `-L` with a rule specification still is an error (holdout 35, networklessons, after the prompt change)', () => {
  assert.deepEqual(findings('vmware@docker:~$ sudo iptables -L [sudo] password for vmware: Chain INPUT (policy ACCEPT) target prot opt source destination\n'), []);
  assert.deepEqual(findings('iptables -L INPUT -p tcp\n'), ['1 syntax/unexpected-token']);
});

test('`iptables -N X 2>/dev/null || true` says the chain may exist: no chain-exists (holdout 40, awg-easy)', () => {
  assert.deepEqual(findings('iptables -N MINE 2>/dev/null || true\niptables -N MINE 2>/dev/null || true\niptables -A FORWARD -j MINE\niptables -A MINE -j RETURN\n'), []);
  assert.deepEqual(findings('iptables -N MINE\niptables -N MINE\niptables -A FORWARD -j MINE\niptables -A MINE -j RETURN\n'), ['2 syntax/chain-exists']);
});

test('a text that ends inside a quote or inside a rule was cut there: no syntax error for the cut (holdouts 40 es-n8n, 41 rancher-30080)', () => {
  assert.deepEqual(findings('iptables -I DOCKER-USER -i eth0 -p tcp --dport 5678 -j DROP\nfind ./backups -name "n8n-backup-*.tar\n'), []);
  const cut = ['echo "*filter', ':FILTERS - [0:0]', '-A FILTERS -m state --state NEW -m tcp -p tcp --dport 80 -j ACCEPT', '-A FILTERS -m state --state NEW -m tcp -'].join('\n');
  assert.ok(!findings(cut).some((f) => f.startsWith('4 syntax/')), findings(cut).join('; '));
  assert.ok(all(cut).includes('4 info lint/truncated'), all(cut).join('; '));
  // a quote that a later line closes, or a broken rule before the end, is still an error
  assert.ok(findings('iptables -A INPUT -p tcp -\niptables -A INPUT -j ACCEPT\n').some((f) => f.startsWith('1 syntax/')));
});

test("an ACCEPT of the default bridge's subnet inserted at the top of FORWARD skips DOCKER-USER as `-o docker0` does (holdout 42, minikube deploy note)", () => {
  const text = 'sudo iptables -I FORWARD -s 172.17.0.0/16 -j ACCEPT\nsudo iptables -I FORWARD -d 172.17.0.0/16 -j ACCEPT\n';
  assert.deepEqual(findings(text), ['2 swarm/not-docker-user']);
  // from the subnet: the containers' egress skips DOCKER-USER, said as for `-i docker0`
  assert.ok(all(text).includes('1 info swarm/not-docker-user'), all(text).join('; '));
  // another network's range is not Docker's
  assert.deepEqual(findings('sudo iptables -I FORWARD -d 10.8.0.0/24 -j ACCEPT\n'), []);
});

test('an IP ban, at its edges: a ban may name the interface it arrives on; a negated source or any other condition makes it a policy (insertOrder.ts banAbove)', () => {
  const accept = 'iptables -A INPUT -p tcp --dport 22 -j ACCEPT\n';
  assert.deepEqual(findings(`${accept}iptables -I INPUT -i eth0 -s 203.0.113.7 -j DROP\n`), []);
  assert.deepEqual(findings(`${accept}iptables -I INPUT ! -s 203.0.113.0/24 -j DROP\n`), ['2 rules/insert-order']);
  assert.deepEqual(findings(`${accept}iptables -I INPUT -s 203.0.113.7 -p tcp -j DROP\n`), ['2 rules/insert-order']);
  assert.deepEqual(findings(`${accept}iptables -I INPUT -i eth0 -j DROP\n`), ['2 rules/insert-order']);
});
