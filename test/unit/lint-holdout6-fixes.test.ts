/**
 * Judgments changed after holdouts 5 and 6 (docs/lint-holdout6.md, docs/lint-holdout.md "Holdout 5"): each case is
 * a published pattern that was misjudged, cut down to the lines that matter. Kernel facts were checked with
 * iptables 1.8.9 in a scratch network namespace (`unshare -n`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';

const diags = (text: string) => lintRules(text).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.span.line + 1} ${d.code}`);

test('getopt_long prefixes: `--line-number` and REDIRECT\'s `--to-port` are the options they abbreviate (kernel: accepted)', () => {
  // terry2010's docker-ip-filter README; moby#11508
  assert.deepEqual(diags('iptables -L DOCKER -n --line-number\n'), []);
  assert.deepEqual(diags('iptables -I PREROUTING 1 -t nat -i eth0 -p tcp --dport 29418 -j REDIRECT --to-port 29418\n'), []);
  assert.deepEqual(diags('iptables -I DOCKER-USER -m conntrack --ctorigdstport 80 --ctd ORIGINAL -j DROP\n'), []);
  // not a prefix of anything known here: still an error
  assert.deepEqual(diags('iptables -A INPUT -p tcp --dportz 22 -j ACCEPT\n'), ['1 syntax/unknown-option']);
});

test('what iptables refuses about the chain: -i in OUTPUT/POSTROUTING, -o in INPUT/PREROUTING, DROP in nat (kernel: refused)', () => {
  // a pastebin of FORWARD/OUTPUT rules; travis-ci/worker#45's review
  assert.deepEqual(diags('iptables -A OUTPUT -i docker1 -j ACCEPT\n'), ['1 syntax/bad-interface']);
  assert.deepEqual(diags('iptables -A INPUT -o eth0 -j ACCEPT\n'), ['1 syntax/bad-interface']);
  assert.deepEqual(diags('iptables -t nat -A POSTROUTING -i eth0 -j MASQUERADE\n'), ['1 syntax/bad-interface']);
  assert.deepEqual(diags('iptables -t nat -I PREROUTING -d 169.254.169.254 -j DROP\n'), ['1 syntax/unknown-target']);
  assert.deepEqual(diags('iptables -A FORWARD -i eth1 -o docker1 -j ACCEPT\niptables -A OUTPUT -o eth0 -j ACCEPT\n'), []);
});

test('duplicate: an insert past the end of the chain is refused, so it is no copy (LandChad\'s `-I INPUT 6`, then the fixed command)', () => {
  const text = '$ sudo iptables -I INPUT 6 -m state --state NEW -p tcp --dport 80 -j ACCEPT\niptables: Index of insertion too big.\n$ sudo iptables -I INPUT -m state --state NEW -p tcp --dport 80 -j ACCEPT\n';
  assert.deepEqual(diags(text), []);
  assert.deepEqual(diags('iptables -I INPUT -p tcp --dport 80 -j ACCEPT\niptables -I INPUT -p tcp --dport 80 -j ACCEPT\n'), ['1 rules/duplicate']);
});

test('not-docker-user: a FORWARD rule for another platform\'s bridge (Nomad, CNI, libvirt) is not container filtering Docker overrides', () => {
  assert.deepEqual(diags('iptables --insert FORWARD 1 --in-interface nomad --destination 169.254.169.254/32 --jump DROP\n'), []);
  assert.deepEqual(diags('iptables -I FORWARD -i virbr0 -o eth0 -j DROP\n'), []);
  assert.deepEqual(diags('iptables --insert FORWARD 1 --in-interface docker0 --destination 169.254.169.254/32 --jump DROP\n'), ['1 swarm/not-docker-user']);
});

test('ctorig-without-ctdir: a DROP of every connection to the node\'s address (no source condition, nothing returned before it) needs no --ctdir', () => {
  // a Swarm deployment guide: `--ctorigdst <PUBLIC_IP>` inserted on top
  assert.deepEqual(diags('iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdst 203.0.113.7 -j DROP\n'), []);
  // with an allowed-client exception before it, the container's replies to those clients are dropped: reported
  assert.deepEqual(diags('iptables -F DOCKER-USER\niptables -A DOCKER-USER -s 198.51.100.0/24 -j RETURN\niptables -A DOCKER-USER -p tcp -m conntrack --ctorigdst 203.0.113.7 -j DROP\n'), ['3 docker-user/ctorig-without-ctdir']);
  assert.deepEqual(diags('iptables -I DOCKER-USER -p tcp ! -s 198.51.100.0/24 -m conntrack --ctorigdst 203.0.113.7 -j DROP\n'), ['1 docker-user/ctorig-without-ctdir']);
});
