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
  assert.deepEqual(diags('iptables -I INPUT -p tcp --dport 80 -j ACCEPT\niptables -I INPUT -p tcp --dport 80 -j ACCEPT\n'), ['2 rules/duplicate']);
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

test('two -S listings pasted one after the other (filter, then nat) are each linted as their table: no false errors on Docker\'s own rules', () => {
  // Korean KANS study notes: `iptables -t filter -S`, then `iptables -t nat -S`
  const text = ['# $ sudo iptables -t filter -S', '-P INPUT ACCEPT', '-P FORWARD DROP', '-P OUTPUT ACCEPT', '-N DOCKER', '-N DOCKER-USER', '-A FORWARD -j DOCKER-USER', '-A FORWARD -o docker0 -j DOCKER', '-A DOCKER-USER -j RETURN', '', '# $ sudo iptables -t nat -S', '-P PREROUTING ACCEPT', '-P INPUT ACCEPT', '-P OUTPUT ACCEPT', '-P POSTROUTING ACCEPT', '-N DOCKER', '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE', '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.17.0.3:80', ''].join('\n');
  assert.deepEqual(diags(text), []);
  // a user's DROP in the filter part is still judged there
  const judged = diags(text.replace('-A DOCKER-USER -j RETURN', '-A DOCKER-USER -j DROP\n-A DOCKER-USER -j RETURN'));
  assert.ok(judged.includes('9 docker-user/cuts-egress'), judged.join(', '));
  assert.ok(judged.every((d) => !d.includes('syntax/')), judged.join(', '));
});

test('placeholders with a suffix (`<management-ip>/32`) or several words (`<backend internal IP>`) are one unknown value', () => {
  // factom's mainnet guide: read as `-s` without its address, the rest was an unconditional ACCEPT
  assert.deepEqual(diags('sudo iptables -A DOCKER-USER -s <management-ip>/32 -j ACCEPT\n'), []);
  const ds = lintRules('iptables -I DOCKER-USER 1 -s 172.20.0.0/24 -d <backend internal IP> -j ACCEPT\n').diagnostics;
  assert.deepEqual(ds.filter((d) => d.code === 'syntax/placeholder').map((d) => d.message.slice(0, 32)), ['<backend internal IP> is a place']);
  assert.deepEqual(ds.filter((d) => d.severity !== 'info'), []);
  // two redirections stay redirections
  assert.deepEqual(lintRules('iptables -S DOCKER-USER <in 2>err\n').diagnostics.filter((d) => d.code === 'syntax/placeholder'), []);
});

test('a grep pattern split by a nested quote is no iptables call; a Docker network\'s gateway is the host, so INPUT is right for it', () => {
  // holdout 5, kinjo's Cloudflare sync: `n="$(iptables -S DOCKER-USER | grep -c -- "--dport $port -j ACCEPT")"`
  assert.deepEqual(diags('  n="$(iptables -S DOCKER-USER | grep -c -- "--dport $port -j ACCEPT")"\n'), []);
  assert.deepEqual(diags('$IPT -A DOCKER-USER -p tcp --dport 80 -i eth0 -j DROP\n"$cmd" -t filter -I DOCKER-USER -i eth0 -p tcp --dport 81 -j DROP\n').filter((d) => d.includes('syntax/')), []);
  // holdout 5, Open WebUI notes: a proxy on the host at 172.18.0.1 (the bridge's address)
  assert.deepEqual(diags('iptables -A INPUT -s 172.18.0.0/16 -d 172.18.0.1/32 -p tcp --dport 7890 -j ACCEPT\n'), []);
  assert.deepEqual(diags('iptables -A INPUT -d 172.17.0.5/32 -p tcp --dport 7890 -j ACCEPT\n'), ['1 swarm/not-docker-user']);
});

test('wipes-docker: restarting the iptables service on a Docker host (moby#12294), and a -F PREROUTING in a ufw block\'s *nat; not a reload after saving the live rules', () => {
  const restart = '$ sudo yum -y install docker iptables-services\n$ sudo systemctl start docker\n$ sudo systemctl restart iptables\n';
  assert.deepEqual(diags(restart), ['3 rules/wipes-docker']);
  assert.deepEqual(diags('apt-get install -y docker.io\nnetfilter-persistent save\nnetfilter-persistent reload\n'), []);
  // for-linux#777: an after.rules block that flushes nat PREROUTING and re-adds only Docker's DOCKER jump
  const block = '*nat\n:PREROUTING ACCEPT [0:0]\n-F PREROUTING\n-A PREROUTING -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x5/0xffffffff\n-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\nCOMMIT\n*filter\n:ufw-after-input - [0:0]\nCOMMIT\n';
  assert.deepEqual(diags(block), ['3 rules/wipes-docker']);
  // not a ufw file: a whole restore file, loaded at boot (its -F adds nothing to the flush of the load)
  assert.deepEqual(diags(block.replace(':ufw-after-input - [0:0]\n', '')), []);
  // the jump to Docker's own undeclared chain is explained, not an error
  assert.match(lintRules(block).diagnostics.find((d) => d.span.line === 4)?.message ?? '', /DOCKER is Docker's own chain/);
});

test('cuts-egress: a DROP whose only address is negated (`! --source 192.168.0.0/24`, moby#34197) takes the containers\' egress too', () => {
  assert.ok(diags('iptables -I DOCKER-USER ! --source 192.168.0.0/24 -j DROP\n').includes('1 docker-user/cuts-egress'));
  assert.match(lintRules('iptables -I DOCKER-USER ! --source 192.168.0.0/24 -j DROP\n').diagnostics.find((d) => d.code === 'docker-user/cuts-egress')?.message ?? '', /only `! -s 192\.168\.0\.0\/24`/);
  // Docker's docs: with the external interface it is only incoming traffic
  assert.deepEqual(diags('iptables -I DOCKER-USER -i ext_if ! -s 192.168.1.1 -j DROP\n').filter((d) => d.includes('cuts-egress')), []);
});

test('not-docker-user: Docker\'s own nat jump narrowed by source (moby#28469) is re-inserted unconditionally by Swarm above it', () => {
  const text = '-A PREROUTING -s 192.168.0.0/16 -m addrtype --dst-type LOCAL -j DOCKER-INGRESS\n-A PREROUTING -s 10.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER-INGRESS\n';
  assert.deepEqual(diags(text), ['1 swarm/not-docker-user', '2 swarm/not-docker-user']);
  assert.deepEqual(diags('-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS\n'), []);
});

test('ip6tables: a rule appended to DOCKER-USER lands after Docker\'s RETURN in the IPv6 table too (≤ 28.2.1); IPv4-only judgments stay off', () => {
  // holdout 4, a OneUptime post on IPv6 in Docker; holdout 6, a Stardew server's Cloudflare list (IPv4 line, then its IPv6 twin)
  const text = 'sudo ip6tables -I DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\nsudo ip6tables -I DOCKER-USER -s fd00::/8 -j ACCEPT\nsudo ip6tables -A DOCKER-USER -i eth0 -j DROP\n';
  const ds = lintRules(text).diagnostics.filter((d) => d.severity !== 'info');
  assert.deepEqual(ds.map((d) => `${d.span.line + 1} ${d.code}`), ['3 docker-user/after-return']);
  assert.match(ds[0].message, /^ip6tables: /);
  const twins = 'iptables -A DOCKER-USER -p tcp --dport 24642 -j DROP\nip6tables -A DOCKER-USER -p tcp --dport 24642 -j DROP\n';
  assert.deepEqual(diags(twins).filter((d) => d.includes('after-return')), ['1 docker-user/after-return', '2 docker-user/after-return']);
  // no IPv6 findings from addresses the IPv4 parser cannot read, and none after a flush of the IPv6 chain
  assert.deepEqual(diags('ip6tables -F DOCKER-USER\nip6tables -A DOCKER-USER -s 2001:db8::/32 -j RETURN\nip6tables -A DOCKER-USER -i eth0 -j DROP\n'), []);
});

test('cuts-egress: the final DROP of an egress allow list (some container egress accepted by port first) is explained as info, not flagged', () => {
  // holdout 5, a Tailscale home server's restore-docker-user.sh
  const list = 'iptables -F DOCKER-USER\niptables -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\niptables -A DOCKER-USER -i br+ -p udp --dport 53 -j ACCEPT\niptables -A DOCKER-USER -i docker0 -p tcp -m multiport --dports 80,443 -j ACCEPT\niptables -A DOCKER-USER -j DROP\n';
  const ds = lintRules(list).diagnostics.filter((d) => d.code === 'docker-user/cuts-egress');
  assert.deepEqual(ds.map((d) => [d.span.line + 1, d.severity]), [[5, 'info']]);
  assert.match(ds[0].message, /ends an egress allow list/);
  // accepting only published ports (no container egress) before it: the DROP takes all egress, a warning
  assert.ok(diags('iptables -F DOCKER-USER\niptables -A DOCKER-USER -p tcp --dport 80 -j ACCEPT\niptables -A DOCKER-USER -j DROP\n').includes('3 docker-user/cuts-egress'));
});

test('holdout 8: commands typed inside a container\'s interactive shell are not the host\'s (gluetun#171); a geoip match in -S output is known', () => {
  const inside = 'docker run -it --rm --cap-add=NET_ADMIN alpine:3.11\napk add iptables\niptables --flush\niptables -P FORWARD ACCEPT\nexit\niptables -P FORWARD ACCEPT\n';
  assert.deepEqual(diags(inside), ['6 rules/wipes-docker']);
  assert.deepEqual(diags('-A INPUT -p tcp -m geoip ! --source-country CH,DE -m tcp --dport 443 -j DROP\n').filter((d) => d.includes('syntax/')), []);
  // a rule iptables refuses for its shape is not judged further (a bad value, often a placeholder, still is)
  assert.ok(diags('-A FORWARD -p tcp --dport 25 ! -s 127.0.0.0/8,111.11.11.11/32 -j DROP\n').includes('1 syntax/bad-address'));
  assert.deepEqual(diags('iptables -A FORWARD -i eth0 -o docker0 -s 1.2.3.4 -s 5.6.7.8 -j DROP\n'), ['1 syntax/multiple-targets']);
  assert.ok(diags('iptables -A DOCKER -s public_address_ipv4 -j REJECT\n').includes('1 swarm/not-docker-user'));
});

test('holdout 7: comma lists of interfaces, bottom-up scripts whose catch-all is bound to an interface, Docker\'s own gwbridge DROP, $(…) words, heredoc files, case arms', () => {
  assert.deepEqual(diags('iptables -I DOCKER-USER -i eth0,wlan0 -j DROP\n'), ['1 rules/interface-wildcard']);
  const bottomUp = 'iptables -I DOCKER-USER -i eth0 -j DROP\niptables -I DOCKER-USER -i eth0 -s 100.64.0.0/10 -j ACCEPT\niptables -I DOCKER-USER -m mac --mac-source 00:11:22:33:44:55 -j DROP\n';
  assert.deepEqual(diags(bottomUp).filter((d) => d.includes('insert-order')), []);
  assert.deepEqual(diags('iptables -F FORWARD\niptables -A FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP\n').filter((d) => d.includes('not-docker-user')), []);
  // `-d $(ip route | awk '/docker0/ { print $9 }')`: one word, its value unknown
  assert.deepEqual(diags("iptables -I DOCKER-USER -s 172.20.0.0/24 -d $(ip route | awk '/docker0/ { print $9 }') -p tcp --dport 22 -j DROP\n").filter((d) => d.includes('syntax/')), []);
  // the exception is in after.rules (a heredoc), the DROP in a script the text writes afterwards: no order between them
  const files = "cat >> /etc/ufw/after.rules <<'EOF'\n*filter\n-A DOCKER-USER -s 172.21.0.0/24 -d 172.21.0.0/24 -j ACCEPT\nCOMMIT\nEOF\ncat > /usr/local/bin/sec.sh <<'EOF'\niptables -I DOCKER-USER -s 172.21.0.0/24 -j DROP\nEOF\n";
  assert.deepEqual(diags(files).filter((d) => d.includes('insert-order')), []);
  // one arm of a case runs, never both: no "shadowed" from the ON arm's DROP onto the OFF arm's RETURN
  const arms = 'case "$1" in\n  ON)\n    iptables -F DOCKER-USER\n    iptables -A DOCKER-USER -j DROP\n    ;;\n  OFF)\n    iptables -A DOCKER-USER -j RETURN\n    ;;\nesac\n';
  assert.deepEqual(diags(arms).filter((d) => d.includes('shadowed')), []);
  assert.ok(diags(arms.replace('    ;;\n  OFF)\n', '')).some((d) => d.includes('shadowed')));
});

test('holdouts 9–10: policy counters of `iptables -S -v`, a RETURN inserted first is no bottom-up proof, `-m "${proto}"` in a loop', () => {
  // kernel-checked: `iptables -P INPUT DROP -c 5 10` is accepted; `iptables -S -v` prints `-P INPUT DROP -c 0 0`
  assert.deepEqual(diags('-P INPUT DROP -c 2122 102096\n-P FORWARD DROP -c 0 0\n'), []);
  assert.deepEqual(diags('iptables -N X\niptables -F X -c 1 2\n'), ['2 syntax/unexpected-token']);
  // homelabarr: flush, RETURN inserted first, exceptions inserted, an unconditional DROP inserted last lands on top
  const onTop = 'iptables -F DOCKER-USER\niptables -I DOCKER-USER -j RETURN\niptables -I DOCKER-USER -s 192.168.1.0/24 -j ACCEPT\niptables -I DOCKER-USER -p tcp --dport 443 -j ACCEPT\niptables -I DOCKER-USER -j DROP\n';
  assert.ok(diags(onTop).includes('5 rules/insert-order'), diags(onTop).join(', '));
  assert.deepEqual(diags(onTop).filter((d) => d.includes('shadowed')), []);
  assert.deepEqual(diags('for proto in tcp udp; do\n  iptables -I DOCKER-USER -i eth0 -p "${proto}" -m "${proto}" --dport 9000 -j DROP\ndone\n').filter((d) => d.includes('syntax/')), []);
});
