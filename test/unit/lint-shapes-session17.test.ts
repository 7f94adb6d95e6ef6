/**
 * Text shapes of session 17: the two false positives of blind round G (holdouts 48–49, measured once in session 16
 * before these changes: docs/lint-holdout48.md, 49.md) that were the linter's own mistakes, each cut from the set
 * named in the test, with a control that keeps the finding where it is right.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { all, findings } from './lint-findings';

test('`for ipt in iptables ip6tables; do $ipt -F DOCKER-USER …` flushes the IPv6 chain too: the ip6tables rules appended after it are not behind Docker\'s RETURN (holdout 48, ko-home-server docker-user-fw)', () => {
  const script = (loop: string, body: string[]) => [
    'set -eu',
    'IFACE="enp6s0"',
    `for ipt in ${loop}; do`,
    ...body,
    'done',
    'iptables  -A DOCKER-USER -i "$IFACE" -j DROP',
    'ip6tables -A DOCKER-USER -i "$IFACE" -j DROP',
    'iptables  -A DOCKER-USER -j RETURN',
    'ip6tables -A DOCKER-USER -j RETURN',
  ].join('\n');
  const flushed = ['    $ipt -N DOCKER-USER 2>/dev/null || true', '    $ipt -F DOCKER-USER', '    $ipt -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN'];
  assert.deepEqual(findings(script('iptables ip6tables', flushed)), []);
  // the same loop with "${ipt}" written braced and quoted
  assert.deepEqual(findings(script('iptables ip6tables', flushed.map((l) => l.replace('$ipt', '"${ipt}"')))), []);
  // controls: a loop over iptables only leaves the IPv6 chain as Docker made it (up to 28.2.1: its RETURN first)
  assert.deepEqual(findings(script('iptables', flushed)), ['9 docker-user/after-return']);
  // and a loop over both families that does not flush: Docker's RETURN stays in front of the ip6tables appends
  assert.ok(findings(script('iptables ip6tables', [flushed[0], flushed[2]])).includes('7 docker-user/after-return'));
});

test('the same rule in two snippets of an issue thread, prose between them, is said as info, not a duplicate to delete (holdout 49, ufw-docker#75)', () => {
  const thread = [
    'red-gecko27 · description · 2022-07-08',
    '-A DOCKER-USER -j RETURN -s 10.0.0.0/8',
    '-A DOCKER-USER -j RETURN -s 172.16.0.0/12',
    '-A DOCKER-USER -j RETURN -s 192.168.0.0/16',
    '',
    'These lines expose containers on public wifi...',
    '',
    'red-gecko27 · comment · 2022-07-11',
    'Solved:',
    '',
    '`',
    '# -A DOCKER-USER -j RETURN -s 10.0.0.0/8',
    '-A DOCKER-USER -j RETURN -s 172.16.0.0/12',
    '# -A DOCKER-USER -j RETURN -s 192.168.0.0/16',
    '`',
  ].join('\n');
  assert.deepEqual(findings(thread), []);
  assert.ok(all(thread).includes('13 info rules/duplicate'), all(thread).join('\n'));
  // control: the same two copies with only blank lines and comments between them are one rule set: a duplicate
  const oneSet = thread.split('\n').filter((l) => !/·|expose|Solved|^`$/.test(l)).join('\n');
  assert.deepEqual(findings(oneSet), ['8 rules/duplicate']);
  // and a script's copies (commands) are not snippets, whatever its echo lines say
  const script = ['iptables -I DOCKER-USER -s 198.51.100.0/24 -j DROP', 'echo "These lines expose containers"', 'iptables -I DOCKER-USER -s 198.51.100.0/24 -j DROP'].join('\n');
  assert.deepEqual(findings(script), ['3 rules/duplicate']);
});

test('a port ACCEPT inserted at the top of FORWARD in a Docker text is explained (info), a warning where it takes what a DOCKER-USER DROP filters, and on a Swarm port a warning that it does nothing (holdouts 48 and 36)', () => {
  // holdout 48, a Russian Caddy guide (Caddy on the host, the app in a container): INPUT is right for 80/443
  const guide = ['docker compose up -d', 'iptables -I INPUT 1 -p tcp --dport 80 -j ACCEPT', 'iptables -I FORWARD 1 -p tcp --dport 80 -j ACCEPT'].join('\n');
  assert.deepEqual(findings(guide), []);
  assert.ok(all(guide).includes('3 info swarm/not-docker-user'), all(guide).join('\n'));
  // the same ACCEPT where the text's DOCKER-USER drops port 80 from outside: the DROP never sees those packets
  const bypass = [...guide.split('\n'), 'iptables -I DOCKER-USER -i eth0 -p tcp --dport 80 -j DROP'].join('\n');
  assert.deepEqual(findings(bypass), ['3 swarm/not-docker-user']);
  // a DROP of another port is not bypassed
  assert.deepEqual(findings(bypass.replace('--dport 80 -j DROP', '--dport 8080 -j DROP')), []);
  // holdout 36: VXLAN "allowed" in FORWARD: node-to-node traffic never passes FORWARD
  assert.deepEqual(findings('docker swarm init\nsudo iptables -I FORWARD -p udp --dport 4789 -j ACCEPT'), ['2 swarm/not-docker-user']);
  // one sender's packets (an allowed client; a container's own egress, holdout 34, is said by the bridge check) and a
  // text that never names Docker: nothing said
  assert.deepEqual(all('docker run -d app\niptables -I FORWARD -s 203.0.113.7 -p tcp --dport 80 -j ACCEPT'), []);
  assert.deepEqual(all('iptables -I FORWARD 1 -p tcp --dport 80 -j ACCEPT'), []);
});

test('a script that deletes its chains and loads them again with iptables-restore (holdout 51, Bangi\'s apply script): the guarded `-D` of the old jump and the jump after the restore are not errors', () => {
  const text = [
    'cat > /etc/bangi/rules.v4 <<EOF',
    '*filter',
    ':BANGI-INPUT -',
    '-A BANGI-INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
    '-A BANGI-INPUT -j DROP',
    'COMMIT',
    'EOF',
    'iptables -D INPUT -j BANGI-INPUT 2>/dev/null || true',
    'iptables -F BANGI-INPUT 2>/dev/null || true',
    'iptables -X BANGI-INPUT 2>/dev/null || true',
    'iptables-restore --noflush /etc/bangi/rules.v4',
    'iptables -C INPUT -j BANGI-INPUT 2>/dev/null || iptables -I INPUT 1 -j BANGI-INPUT',
  ].join('\n');
  assert.deepEqual(findings(text), []);
  assert.ok(all(text).includes('12 info syntax/unknown-target'), all(text).join('\n'));
  // control: without the restore the chain is gone when the jump is added (iptables: "Couldn't load target")
  assert.deepEqual(findings(text.replace('iptables-restore --noflush /etc/bangi/rules.v4', '# (no restore)')), ['12 syntax/unknown-target']);
});

test('template placeholders make a rule unknown: two Jinja loop lines are not duplicates (holdout 51, CESNET rules.v4.j2); a DROP/REJECT in a chain DOCKER-USER jumps to takes the replies too', () => {
  const text = [
    '*filter',
    ':FORWARD DROP [0:0]',
    ':FILTERS - [0:0]',
    ':DOCKER-USER - [0:0]',
    '-F DOCKER-USER',
    '-A DOCKER-USER -i eth0 -j FILTERS',
    '{% for item in firewall_open_tcp_ports %}',
    '-A FILTERS -p tcp -m tcp --dport {{ item.port }} -j ACCEPT',
    '{% endfor %}',
    '{% for item in firewall_open_udp_ports %}',
    '-A FILTERS -p tcp -m tcp --dport {{ item.port }} -j ACCEPT',
    '{% endfor %}',
    '-A FILTERS -j REJECT',
    'COMMIT',
  ].join('\n');
  assert.deepEqual(findings(text).filter((x) => !x.includes('syntax/')), ['13 docker-user/missing-established']);
  // control: an accept of replies at the top of FILTERS
  const fixed = text.replace('-A DOCKER-USER -i eth0 -j FILTERS', '-A DOCKER-USER -i eth0 -j FILTERS\n-A FILTERS -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN');
  assert.deepEqual(findings(fixed).filter((x) => !x.includes('syntax/')), []);
  // the same two lines with a literal port are a duplicate
  assert.ok(findings(text.replaceAll('{{ item.port }}', '8080')).includes('11 rules/duplicate'), findings(text.replaceAll('{{ item.port }}', '8080')).join('\n'));
});
