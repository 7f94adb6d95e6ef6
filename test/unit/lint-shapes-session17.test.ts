/**
 * Text shapes of session 17: the two false positives of blind round G (holdouts 48–49, measured once in session 16
 * before these changes: docs/lint-holdout48.md, 49.md) that were the linter's own mistakes, each cut from the set
 * named in the test, with a control that keeps the finding where it is right.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { all, findings } from './lint-findings';

/** The messages of a text's errors and warnings (the family prefix of IPv6 findings included). */
const lintRules_ip6 = (text: string): string[] => lintRules(text).diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message);

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

test('round H, holdout 50: a wrapper called from another function is read at its call; a DROP naming ESTABLISHED with --ctorigdstport takes replies; one finding per line for a loop over both families', () => {
  // openjobslots deploy script: ensure_rule "$bin" (… "$@") called inside harden()
  const wrapper = [
    'ensure_rule() {',
    '  local bin="$1"',
    '  shift',
    '  "$bin" -N DOCKER-USER >/dev/null 2>&1 || true',
    '  if "$bin" -C DOCKER-USER "$@" >/dev/null 2>&1; then',
    '    return 0',
    '  fi',
    '  "$bin" -I DOCKER-USER "$@"',
    '}',
    'harden() {',
    '  local port="$1"',
    '  ensure_rule iptables -p tcp -m conntrack --ctorigdstport "$port" -j DROP',
    '}',
    'harden 8081',
  ].join('\n');
  assert.deepEqual(findings(wrapper), ['12 docker-user/ctorig-without-ctdir']);
  // axora: `--ctstate NEW,ESTABLISHED,RELATED -j DROP` on the original port, for iptables and ip6tables through $tool
  const loop = ['for tool in iptables ip6tables; do', '  $tool -I DOCKER-USER 1 -i ens3 -p tcp -m conntrack --ctorigdstport 5432 --ctstate NEW,ESTABLISHED,RELATED -j DROP', 'done'].join('\n');
  assert.deepEqual(findings(loop), ['2 docker-user/ctorig-without-ctdir']);
  // with --ctstate NEW only it sees no reply
  assert.deepEqual(findings(loop.replace('NEW,ESTABLISHED,RELATED', 'NEW')), []);
  // ip6tables alone is judged too (the finding says which family)
  const v6 = lintRules_ip6('ip6tables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 8081 -j DROP');
  assert.ok(v6.some((m) => m.startsWith('ip6tables: --ctorig')), v6.join('\n'));
});

test('round H, holdout 50: a DROP that takes replies through --ctorigdstport is said once (ctorig-without-ctdir, not also missing-established); a template exception holding every condition of the DROP inserted after it is an insert-order slip', () => {
  // netflow README: Docker's docs' shape without --ctdir
  assert.deepEqual(findings('iptables -I DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 443 ! -s 192.168.1.0/24 -j DROP'), ['1 docker-user/ctorig-without-ctdir']);
  // Polish Azure guide: allow the App Service addresses (placeholders), then the DROP, both with -I
  const guide = ['sudo iptables -I DOCKER-USER -p tcp --dport 3306 -s <AZURE_IP_1> -j ACCEPT', 'sudo iptables -I DOCKER-USER -p tcp --dport 3306 -j DROP'].join('\n');
  assert.deepEqual(findings(guide).filter((x) => !x.includes('syntax/')), ['2 rules/insert-order']);
});

test('round H, holdout 51: a script that writes its docker-compose.yml in a here-document runs its firewall on the host, and the compose file\'s ports are published', () => {
  const text = [
    'iptables -F',
    'iptables -A INPUT -p tcp --dport 27017 -j DROP',
    'cat <<EOF > docker-compose.yml',
    'services:',
    '  mongodb:',
    '    image: mongo:6.0',
    '    ports:',
    '      - "27017:27017"',
    '      - "127.0.0.1:6379:6379"',
    'EOF',
    'docker compose up -d',
  ].join('\n');
  assert.deepEqual(findings(text), ['1 rules/wipes-docker', '2 swarm/input-published-port']);
  // a port bound to loopback is not reachable from outside: an INPUT rule for it is not about a published port
  assert.deepEqual(findings(text.replace('--dport 27017', '--dport 6379')), ['1 rules/wipes-docker']);
  // iptables lines inside the compose file's YAML (a service's command) still run in its container
  const inside = ['services:', '  vpn:', '    image: alpine', '    command: iptables -F'].join('\n');
  assert.ok(all(inside).some((x) => x.includes('syntax/not-iptables')) && findings(inside).length === 0, all(inside).join('\n'));
});
