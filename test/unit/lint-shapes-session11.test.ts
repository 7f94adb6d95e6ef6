/**
 * Input shapes found by the spent blind holdouts 20 and 22 (each text cut from the published set named in the test):
 * placeholders in restore text, a here-document inside a quoted command substitution, chains declared in two
 * here-document files, a shell `case` arm's `*)`, and numbered inserts in the two arms of an `if`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { findings } from './lint-findings';
import { parseRules } from '../../src/core/iptables/parse';

/** The severities of one code's findings, in order. */
const severities = (text: string, code: string) => lintRules(text).diagnostics.filter((d) => d.code === code).map((d) => d.severity);

test('a bad address (a placeholder) is an error, and the rule keeps an unknown condition: not an unconditional ACCEPT (holdout 20)', () => {
  const text = ['*filter', ':DOCKER-USER - [0:0]', '-A DOCKER-USER -s 10.X.X.0/16 -j ACCEPT', '-A DOCKER-USER -s <ip1>,<ip2> -j ACCEPT', '-A DOCKER-USER -d YOUR_IP -j ACCEPT', '-A DOCKER-USER -j RETURN', 'COMMIT', ''].join('\n');
  // (`<ip1>,<ip2>` is a documentation placeholder: an unknown value said by an info, as on a shell line — session 13)
  assert.deepEqual(findings(text), ['3 syntax/bad-address', '5 syntax/bad-address']);
  // the value is kept as written: what it matches is unknown, not everything
  const rs = parseRules(text);
  assert.deepEqual(rs.rules.filter((r) => r.chain === 'DOCKER-USER').map((r) => r.source?.value ?? r.destination?.value), ['10.X.X.0/16', '$ip1,<ip2>', 'YOUR_IP', undefined]);
  // a real unconditional ACCEPT still is one
  assert.deepEqual(findings('*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j ACCEPT\nCOMMIT\n'), ['3 docker-user/accept-all']);
  // `! -s a,b` is refused by iptables: the error stays, and the rule is not read as `-j DROP` without conditions
  assert.deepEqual(findings('iptables -I DOCKER-USER -i eth0 ! -s 10.0.0.1,10.0.0.2 -j DROP'), ['1 syntax/bad-address']);
});

test('a here-document inside a quoted command substitution (`v="$(cat <<EOF` … `EOF` `)"`) is no unterminated quote (holdout 22)', () => {
  const text = [
    'f() {',
    '  bloc4="$(cat <<FIN',
    '*filter',
    ':DOCKER-USER - [0:0]',
    '-A DOCKER-USER -j RETURN',
    'COMMIT',
    'FIN',
    ')"',
    '  echo "$bloc4" > /etc/ufw/after.rules',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(findings(text), []);
  // a quote that is really left open is still said
  assert.ok(findings('iptables -A INPUT -m comment --comment "open -j ACCEPT\n').some((f) => f.endsWith('syntax/unterminated-quote')));
});

test('the same chain declared in two here-document files is no duplicate declaration; twice in one file still is (holdout 22)', () => {
  const block = (v: string) => [`${v}="$(cat <<FIN`, '*filter', ':DOCKER-USER - [0:0]', '-F DOCKER-USER', '-A DOCKER-USER -i eth0 -s 192.168.1.0/24 -j RETURN', '-A DOCKER-USER -j RETURN', 'COMMIT', 'FIN', ')"'];
  assert.deepEqual(findings([...block('bloc4'), ...block('bloc6'), ''].join('\n')), []);
  const once = ['cat > /etc/ufw/after.rules <<EOF', '*filter', ':DOCKER-USER - [0:0]', ':DOCKER-USER - [0:0]', '-A DOCKER-USER -j RETURN', 'COMMIT', 'EOF', ''].join('\n');
  assert.deepEqual(findings(once), ['4 syntax/chain-exists']);
});

test('a `case` arm `*)` is not a *table line: chain lines of a here-document without *table are a fragment, said as info (holdout 22)', () => {
  const text = [
    'case "$1" in',
    'start)',
    '  ( echo \'*filter\'',
    '    cat <<EOF',
    ':dufw-forward - [0:0]',
    '-A DOCKER-USER -j dufw-forward',
    '-A dufw-forward -j DOCKER-ISOLATION-STAGE-1',
    'EOF',
    '    echo COMMIT ) | iptables-restore -n',
    '  ;;',
    '*)',
    '  echo "usage: $0 start" ;;',
    'esac',
    '',
  ].join('\n');
  const d = lintRules(text).diagnostics.filter((x) => x.span.line === 4);
  assert.deepEqual(d.map((x) => `${x.severity} ${x.code}`), ['info lint/fragment']);
});

test('numbered inserts in the two arms of an `if` do not both count: no insert-order from positions that depend on the arm (holdout 20)', () => {
  const arms = [
    'iptables -N DOCKER-USER 2>/dev/null || true',
    'iptables -F DOCKER-USER',
    'iptables -A DOCKER-USER -j RETURN',
    'iptables -I DOCKER-USER 1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    'if [ "$USE_TAILSCALE" = "true" ]; then',
    '  iptables -I DOCKER-USER 2 -i tailscale0 -p tcp -m multiport --dports 3000,9000 -j ACCEPT',
    'else',
    '  iptables -I DOCKER-USER 2 -s 10.0.0.0/8 -p tcp -m multiport --dports 3000,9000 -j ACCEPT',
    'fi',
    'iptables -I DOCKER-USER 3 ! -o br-company -j DROP',
    '',
  ];
  assert.ok(!findings(arms.join('\n')).some((f) => f.endsWith('rules/insert-order')));
  // without the if, both inserts run, the DROP at 3 lands above the first one: said
  const straight = arms.filter((l) => !/^(if|else|fi)\b/.test(l)).join('\n');
  assert.ok(findings(straight).includes('7 rules/insert-order'));
});

test('a FORWARD filter bound to an address in a text that never names Docker is explained, not flagged; on ports alone, or in a Docker text, it is flagged (holdouts 18, 21)', () => {
  const sev = (text: string) => severities(text, 'swarm/not-docker-user');
  // LXD (canonical/lxd#4470) and an AKS node (Azure/AgentBaker#375)
  assert.deepEqual(sev('iptables -I FORWARD -s 10.0.3.15 -d 192.168.1.0/24 -j REJECT'), ['info']);
  assert.deepEqual(sev('iptables -I FORWARD -d 168.63.129.16 -p tcp --dport 80 -j DROP'), ['info']);
  // published-port filtering in FORWARD (holdout 9's NFQUEUE), and the same address rule in a Docker text
  assert.deepEqual(sev('sudo iptables -I FORWARD -p tcp --dport 25565 -j NFQUEUE --queue-num 1'), ['warning']);
  assert.deepEqual(sev('# after docker starts\niptables -I FORWARD -d 168.63.129.16 -p tcp --dport 80 -j DROP'), ['warning']);
});

test('anti-spoofing of the loopback address in FORWARD (`-s ::1/128`, `-s 127.0.0.0/8`) filters no container traffic (holdout 22)', () => {
  const codes = (text: string) => lintRules(text).diagnostics.map((d) => d.code);
  assert.ok(!codes('# docker host\nip6tables -A FORWARD -s ::1/128 -j DROP').includes('swarm/not-docker-user'));
  assert.ok(!codes('# docker host\niptables -A FORWARD -s 127.0.0.0/8 -j DROP').includes('swarm/not-docker-user'));
  assert.ok(codes('# docker host\niptables -A FORWARD -s 10.9.0.0/16 -j DROP').includes('swarm/not-docker-user'));
});

test('an ACCEPT of everything routed to a Docker bridge, with no DROP above it, is accept-all (holdouts 22, 24: containerlab#781, a "Docker internal communication" block)', () => {
  const all = (text: string) => lintRules(text).diagnostics.filter((d) => d.code === 'docker-user/accept-all').map((d) => `${d.span.line + 1} ${d.severity}`);
  assert.deepEqual(all('sudo iptables -I DOCKER-USER -o br-73aa9d6ee745 -j ACCEPT'), ['1 warning']);
  assert.deepEqual(all('iptables -A DOCKER-USER -o br-+ -j ACCEPT\niptables -A DOCKER-USER -i eth0 -j DROP'), ['1 warning']);
  // from the bridge (container egress), between two bridges, or with a port: not everything routed to the containers
  assert.deepEqual(all('iptables -A DOCKER-USER -i docker0 -j ACCEPT\niptables -A DOCKER-USER -i docker0 -o docker0 -j ACCEPT\niptables -A DOCKER-USER -o docker0 -p tcp --dport 80 -j ACCEPT'), []);
  // below a DROP, written before it or inserted above it later: the DROP decides first
  assert.deepEqual(all('iptables -A DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP\niptables -A DOCKER-USER -o docker0 -j ACCEPT'), []);
  assert.deepEqual(all('iptables -I DOCKER-USER -o docker0 -j ACCEPT\niptables -I DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP'), []);
});

test('rule lines of a dump pasted without any *table, -P, :CHAIN or -N line are an excerpt: a jump to an undeclared chain is said as info (holdout 24, garutilorenzo/iptables-docker#1)', () => {
  const sev = (text: string) => severities(text, 'syntax/unknown-target');
  assert.deepEqual(sev(' [86636:107539495] -A FORWARD -j default-standard-rules\n[0:0] -A FORWARD -o br-7669491af7b0 -j DOCKER\n'), ['info']);
  assert.deepEqual(sev('-A FORWARD -j default-standard-rules\n'), ['info']);
  // a listing that shows its policies is machine output: with no Docker chain in it (`iptables -S FORWARD` of a host
  // whose other chains were not asked for) it is output, not a proposal, and the missing chain is said as info (session
  // 13); in a script it stays a warning
  assert.deepEqual(sev('-P FORWARD DROP\n-A FORWARD -j default-standard-rules\n'), ['info']);
  assert.deepEqual(sev('iptables -A FORWARD -j default-standard-rules\n'), ['warning']);
});

test('a command continued onto the next line (`… \\` newline `    -j MASQUERADE`) is read whole: no table inferred from its second line, its errors kept, its ip6tables family kept (metamorphic "continuation")', () => {
  // the second line of a nat command is no -S line: the text stays the filter table's script
  const nat = 'iptables -F\niptables -P FORWARD ACCEPT\niptables -t nat -A POSTROUTING -s 10.8.0.0/24 -o eth0 \\\n    -j MASQUERADE\n';
  assert.deepEqual(findings(nat), ['1 rules/wipes-docker', '2 rules/wipes-docker']);
  // the errors of a continued command are its own, not a lost continuation's
  assert.deepEqual(findings('iptables -t nat -I POSTROUTING -s 172.18.0.0/16 \\\n    -j SNAT --to-source WAN_IP_OF_ETH1\n'), ['2 syntax/missing-target-option', '2 syntax/bad-address']);
  // an ip6tables command continued: judged as the IPv6 rule it is
  assert.deepEqual(findings('ip6tables -A DOCKER-USER -p tcp --dport 8080 \\\n    -j DROP\n'), findings('ip6tables -A DOCKER-USER -p tcp --dport 8080 -j DROP\n'));
  assert.deepEqual(findings('ip6tables -A DOCKER-USER -p tcp --dport 8080 \\\n    -j DROP\n'), ['1 docker-user/after-return']);
});

test('a second *filter / *nat section replaces that table, as iptables-restore loads it: its chain lines are no redeclaration (holdout 25; kernel: the second section alone remains)', () => {
  const text = ['*filter', ':INPUT ACCEPT [0:0]', ':FOO - [0:0]', '-A INPUT -j FOO', '-A FOO -s 10.0.0.1 -j DROP', 'COMMIT', '*filter', ':INPUT ACCEPT [0:0]', ':FOO - [0:0]', '-A FOO -s 10.0.0.2 -j DROP', 'COMMIT', ''].join('\n');
  assert.deepEqual(findings(text), ['9 rules/unused-chain']);
  const rs = parseRules(text);
  assert.deepEqual(rs.tables.get('filter')?.chains.get('FOO')?.rules.map((r) => r.source?.value), ['10.0.0.2']);
  assert.deepEqual(rs.tables.get('filter')?.chains.get('INPUT')?.rules, []);
  // twice in one section is still an error
  assert.deepEqual(findings('*filter\n:FOO - [0:0]\n:FOO - [0:0]\nCOMMIT\n'), ['3 syntax/chain-exists']);
});

test('a template field (`{{ ansible_default_ipv4.interface }}`, `{{.DBHost}}`) is one word of unknown value; a table from a variable makes the rule unknown (holdout 25)', () => {
  const save = ['*filter', ':DOCKER-USER - [0:0]', '-A DOCKER-USER -i {{ ansible_default_ipv4.interface }} -p tcp --dport 22 -j DROP', '-A DOCKER-USER -s {{ item }} -j ACCEPT', '-A DOCKER-USER -j RETURN', 'COMMIT', ''].join('\n');
  assert.deepEqual(findings(save), []);
  assert.equal(parseRules(save).rules[0].inInterface?.value, '${{ ansible_default_ipv4.interface }}');
  assert.deepEqual(findings('iptables -I DOCKER-USER -s {{ item }} -j ACCEPT\n'), []);
  // `-t ${table}` in a loop over tables: not an unknown table, an unknown rule (said as info)
  const loop = lintRules('for table in nat filter; do\n  iptables -S DOCKER -t ${table}\ndone\n').diagnostics.filter((d) => d.span.line === 1);
  assert.deepEqual(loop.map((d) => `${d.severity} ${d.code}`), ['info syntax/no-command']);
  assert.deepEqual(findings('iptables -t natt -A X -j DROP\n'), ['1 syntax/unknown-table']);
});

test('`-i !eth0` (the old negation spelling) is a literal name "!eth0" that no interface has (holdout 25; kernel: `-S` prints `-i !eth0`)', () => {
  const all = lintRules('iptables -A DOCKER-USER -i !eth0 -j RETURN\niptables -A DOCKER-USER ! -i eth0 -j RETURN\n').diagnostics.filter((d) => d.code === 'rules/interface-wildcard');
  assert.deepEqual(all.map((d) => `${d.span.line + 1} ${d.severity}`), ['1 warning']);
  assert.match(all[0].message, /"!eth0" is taken as an interface name.*! -i eth0/);
  // a template field after it reads as written
  assert.match(lintRules('iptables -A DOCKER-USER -i !{{ iface }} -j RETURN\n').diagnostics.find((d) => d.code === 'rules/interface-wildcard')?.message ?? '', /"!\{\{ iface \}\}"/);
});

test('a jump written into a rule the text cannot place (`-R DOCKER 1 … -j X`) still uses chain X (holdout 25, shawyeok gist)', () => {
  const text = 'iptables -N CUSTOM_REDIS\niptables -A CUSTOM_REDIS -p tcp --dport 6379 -s 172.31.101.37 -j ACCEPT\niptables -R DOCKER 1 -p tcp -d 172.17.0.2 --dport 6379 -j CUSTOM_REDIS\n';
  assert.ok(!findings(text).some((f) => f.endsWith('rules/unused-chain')));
  // a deletion is no jump
  assert.ok(findings('iptables -N C\niptables -A C -j DROP\niptables -D FORWARD -j C\n').includes('1 rules/unused-chain'));
});

test('`-P FORWARD DROP` is the policy Docker sets itself: said as info; `-P FORWARD ACCEPT` stays a warning (holdouts 18, 20, 25)', () => {
  const sev = (text: string) => severities(text, 'rules/wipes-docker');
  assert.deepEqual(sev('iptables -P FORWARD DROP\n'), ['info']);
  assert.deepEqual(sev('iptables -P FORWARD ACCEPT\n'), ['warning']);
});

test('an -L listing pasted with the prompt and command that printed it is read as a listing (holdout 25, koalamon gist)', () => {
  const text = ['worker1:~# iptables -L -n -v', 'Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)', ' pkts bytes target     prot opt in     out     source               destination', '    0     0 DOCKER-USER  all  --  *      *       0.0.0.0/0            0.0.0.0/0', '    0     0 REJECT     tcp  --  enp2s0 *       0.0.0.0/0            0.0.0.0/0            tcp dpt:27017 reject-with icmp-port-unreachable', ''].join('\n');
  const r = lintRules(text);
  assert.equal(r.kind, 'listing');
  assert.equal(r.ruleCount, 2);
  assert.deepEqual(r.diagnostics.filter((d) => d.span.line === 0).map((d) => `${d.severity} ${d.code}`), ['info syntax/bad-list-line']);
});

test('a restore text that declares :DOCKER-USER flushes it as it loads (with --noflush too, kernel-checked): its appended rules are not after Docker\'s RETURN (holdout 23)', () => {
  const text = "cat > /etc/iptables/docker-user.rules << 'EOF'\n*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -m state --state RELATED,ESTABLISHED -j RETURN\n-A DOCKER-USER -m set ! --match-set ip_allow src -j DROP\n-A DOCKER-USER -j RETURN\nCOMMIT\nEOF\niptables-restore -n < /etc/iptables/docker-user.rules\niptables -I INPUT -j FILTERS\n";
  assert.ok(!findings(text).some((f) => f.endsWith('docker-user/after-return')), findings(text).join());
  // appended by commands, without the declaration, they are
  assert.ok(findings('iptables -I INPUT -p tcp --dport 22 -j ACCEPT\niptables -A DOCKER-USER -m set ! --match-set ip_allow src -j DROP\n').includes('2 docker-user/after-return'));
});

test('copies of a rule in a file a here-document writes and in the script, or for iptables-legacy and the nft backend, are no duplicates (holdout 23)', () => {
  const heredoc = "cat >> /etc/ufw/after6.rules <<'EOF'\n*filter\n-A DOCKER-USER -i eth0 -j DROP\nCOMMIT\nEOF\niptables -I DOCKER-USER -i eth0 -j DROP\niptables -I DOCKER-USER -i eth0 -j DROP\n";
  assert.deepEqual(findings(heredoc).filter((f) => f.endsWith('rules/duplicate')), ['7 rules/duplicate']);
  const backends = 'iptables-legacy -A FORWARD -i wg0 -j ACCEPT\niptables -A FORWARD -i wg0 -j ACCEPT\n';
  assert.deepEqual(findings(backends).filter((f) => f.endsWith('rules/duplicate')), []);
  assert.deepEqual(findings(backends.replace('iptables-legacy', 'iptables')).filter((f) => f.endsWith('rules/duplicate')), ['2 rules/duplicate']);
});

test('`! -s X` and `-s X` (the same words, a variable too) never match the same packet: no insert-order (holdout 23, mempool README)', () => {
  const text = 'iptables -I DOCKER-USER -p tcp -s "$PG_ALLOWED_IP" --dport 5432 -j RETURN\niptables -I DOCKER-USER -p tcp ! -s "$PG_ALLOWED_IP" --dport 5432 -j DROP\n';
  assert.ok(!findings(text).some((f) => f.endsWith('rules/insert-order')));
  assert.ok(findings(text.replace('! -s "$PG_ALLOWED_IP"', '-i eth0')).includes('2 rules/insert-order'));
});

test('a ctorig DROP that also matches the container\'s port (`--dport 80`) never sees a reply: no ctorig-without-ctdir (holdout 23)', () => {
  const has = (t: string) => findings(t).some((f) => f.endsWith('docker-user/ctorig-without-ctdir'));
  assert.ok(!has('iptables -I DOCKER-USER -p tcp --dport 80 -m conntrack --ctorigdstport 8080 -j DROP\n'));
  // a destination port in the ephemeral range may be a reply's
  assert.ok(has('iptables -I DOCKER-USER -p tcp --dport 40000:60000 -m conntrack --ctorigdstport 8080 -j DROP\n'));
  assert.ok(has('iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 8080 -j DROP\n'));
});

test('container egress to the link-local metadata address (`-i docker+ -d 169.254.169.254`) is no host address after DNAT (holdout 23, ECS user data)', () => {
  assert.deepEqual(findings('iptables --insert DOCKER-USER 1 --in-interface docker+ --destination 169.254.169.254/32 --jump DROP\n'), []);
  assert.deepEqual(findings('iptables -I DOCKER-USER -i eth0 -d 203.0.113.7 -p tcp --dport 443 -j DROP\n'), ['1 swarm/match-after-dnat']);
});

test('`${toString cfg.port}` (a Nix string) is one word; `run iptables …` (a dry-run wrapper) is an iptables command (holdout 23)', () => {
  assert.deepEqual(findings('iptables -A INPUT -p udp --dport ${toString cloudData.wireguard.port} -j ACCEPT\n'), []);
  assert.deepEqual(parseRules('iptables -A INPUT -p tcp --dport ${PORT:-8080 } -j ACCEPT\n').rules[0].matches[0].options[0].args, ['${PORT:-8080 }']);
  assert.deepEqual(findings('run iptables -I DOCKER-USER 1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\nrun iptables -I DOCKER-USER 2 -j DROP\n'), ['2 docker-user/cuts-egress']);
});

test('Markdown around commands (`**Important**:`, `* a bullet`) is no *table line; `*filtre` alone still is an unknown table (holdout 26)', () => {
  assert.deepEqual(findings('**Wichtige Einstellungen:**\n* **Local deployment** bullets\niptables -A INPUT -p tcp --dport 22 -j ACCEPT\n'), []);
  assert.deepEqual(findings('*filtre\n-A INPUT -j ACCEPT\nCOMMIT\n').filter((f) => f.endsWith('unknown-table')), ['1 syntax/unknown-table']);
});

test('`:DOCKER-USER [0:0]` (no policy field) declares a user chain; a builtin chain needs its policy (holdout 26; kernel: iptables-restore 1.8.9 takes the first, refuses `:INPUT [0:0]`)', () => {
  const text = (decl: string) => `*filter\n${decl}\n-A DOCKER-USER -s 10.0.0.0/8 -j RETURN\n-A DOCKER-USER -j RETURN\nCOMMIT\n`;
  assert.deepEqual(findings(text(':DOCKER-USER [0:0]')), []);
  assert.deepEqual(findings(text(':DOCKER-USER - [0:0]\n:INPUT [0:0]')), ['3 syntax/bad-policy']);
});

test('`-s 0.0.0.0/0 -d 0.0.0.0/0` is no condition: a catch-all RETURN is no exception the DROPs inserted above it hide (holdout 27)', () => {
  const text = 'iptables -F DOCKER-USER\niptables -A DOCKER-USER -s 0.0.0.0/0 -d 0.0.0.0/0 -j RETURN\niptables -I DOCKER-USER -s 10.10.1.0/24 -d 10.10.2.0/24 -j DROP\n';
  assert.ok(!findings(text).some((f) => f.endsWith('rules/insert-order')), findings(text).join());
  // a real exception above which a DROP is inserted still is one
  assert.ok(findings(text.replace('-s 0.0.0.0/0 -d 0.0.0.0/0', '-s 10.10.1.5')).includes('3 rules/insert-order'));
});

test('the pre-1.4.3 negation after the option (`-i ! eth0`, `--dport ! 80`) is refused by iptables 1.8.9 ("Bad argument"): an error (holdout 27, kernel oracle)', () => {
  const errs = (t: string) => parseRules(t).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.span.start}-${d.span.end}`);
  assert.deepEqual(errs('iptables -A DOCKER-USER -i ! tailscale0 -j DROP'), ['syntax/unexpected-token 27-28']);
  assert.deepEqual(errs('iptables -A INPUT -p tcp --dport ! 80 -j DROP'), ['syntax/unexpected-token 33-34']);
  assert.match(parseRules('iptables -A X -s ! 10.0.0.1 -j DROP').diagnostics[0].message, /^"-s ! …" is the old spelling of a negation: iptables 1\.8 refuses it; write "! -s …"$/);
  assert.deepEqual(errs('iptables -A DOCKER-USER ! -i tailscale0 -j DROP'), []);
});
