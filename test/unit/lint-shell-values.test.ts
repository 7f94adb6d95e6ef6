/**
 * Script variables with literal values (src/core/lint/shellValues.ts): rules written with `"$net"` / `"$port"` are
 * judged like the rules the shell runs. The cases are cut from holdout 4's sets (docs/lint-holdout.md): the Forgejo
 * deploy script (`for port in 80 443` → a DROP of the web ports without an interface), the OCI rebuild (`for net in
 * 172.16.0.0/12 …` RETURNs before a web-port DROP) and bambu-auto-block (`for net in "${TRUSTED_SOURCES[@]}"`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { ruleInstances, scriptValues } from '../../src/core/lint/shellValues';
import { Linter } from '../../src/core/lint/engine';

const egress = (text: string) => lintRules(text).diagnostics.filter((d) => d.code === 'docker-user/cuts-egress').map((d) => [d.span.line + 1, d.severity]);

test('script values: assignments, arrays (over lines, with comments), loops over words and over an array; anything computed is unknown', () => {
  const v = scriptValues([
    'PORT=443',
    'export EXT_IF="eth0"',
    'NETS=(',
    '  "10.0.0.0/8"   # office',
    '  172.16.0.0/12',
    ')',
    'for n in "${NETS[@]}"; do iptables -A DOCKER-USER -s "$n" -j RETURN; done',
    'for p in 80 443; do echo "$p"; done',
    'WAN=$(ip route | awk \'/default/ {print $5}\')',
    'read -r CIDR',
    'for x in $(cat /etc/cidrs); do :; done',
    'for p in 8080; do :; done',
  ].join('\n'));
  assert.deepEqual(v.get('PORT'), { values: ['443'], reused: false });
  assert.deepEqual(v.get('EXT_IF'), { values: ['eth0'], reused: false });
  assert.deepEqual(v.get('NETS'), { values: ['10.0.0.0/8', '172.16.0.0/12'], reused: false });
  assert.deepEqual(v.get('n'), { values: ['10.0.0.0/8', '172.16.0.0/12'], reused: false });
  // `p` is looped over twice with other words: its values are known, not which holds at a rule
  assert.deepEqual(v.get('p'), { values: ['80', '443', '8080'], reused: true });
  assert.equal(v.get('WAN'), 'unknown');
  assert.equal(v.get('CIDR'), 'unknown');
  assert.equal(v.get('x'), 'unknown');
});

test('rule instances: one rule per combination of values, also of a variable that is part of a word; none when a variable is unknown', () => {
  const text = 'for port in 80 443; do\n  for net in 10.0.0.0/8 192.168.0.0/16; do\n    iptables -A DOCKER-USER -s "$net" -p tcp --dport "$port" -j RETURN\n  done\ndone\niptables -A DOCKER-USER -d "${LOCALHOST}"/8 -j DROP\niptables -A DOCKER-USER -s "$OTHER" -j DROP\nLOCALHOST="127.0.0.1"\niptables -A DOCKER-USER -s $(cat allowed) -j DROP\n';
  const l = new Linter();
  l.lint(text);
  const values = scriptValues(text);
  const inst = ruleInstances(l.ruleAt(2)!, values);
  assert.ok(inst);
  assert.equal(inst.certain, true);
  assert.deepEqual(inst.rules.map((r) => `${r.source?.value} ${r.matches[0].options[0].args[0]}`).sort(), ['10.0.0.0/8 443', '10.0.0.0/8 80', '192.168.0.0/16 443', '192.168.0.0/16 80']);
  // (egress-allowlist's `-d ${LOCALHOST}/8`, holdout 11)
  assert.deepEqual(ruleInstances(l.ruleAt(5)!, values)?.rules.map((r) => r.destination?.value), ['127.0.0.1/8']);
  assert.equal(ruleInstances(l.ruleAt(6)!, values), undefined);
  assert.equal(ruleInstances(l.ruleAt(8)!, values), undefined);
});

test('cuts-egress through loop variables: a DROP of the web ports in a loop is found; container sources RETURNed in a loop first are seen', () => {
  // Forgejo: the ports are a loop's words, the allowed sources come from a file (unknown, taken for outside clients)
  const forgejo = 'iptables -F DOCKER-USER\niptables -I DOCKER-USER -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN\nfor port in 80 443; do\n  for cidr in "${V4_CIDRS[@]}"; do\n    iptables -I DOCKER-USER -p tcp --dport "$port" -s "$cidr" -j RETURN\n  done\n  iptables -A DOCKER-USER -p tcp --dport "$port" -j DROP\ndone\n';
  assert.deepEqual(egress(forgejo), [[7, 'warning']]);
  // the same DROP on a loop over ports nobody connects out to: the info every port-bound DROP gets is not given for a variable
  assert.deepEqual(egress(forgejo.replace('80 443', '8080 9000')), []);
  // OCI: the containers' sources are returned first, by a loop over literal subnets
  const oci = 'iptables -F DOCKER-USER\nfor net in 172.16.0.0/12 192.168.0.0/16 10.0.0.0/8; do\n  iptables -A DOCKER-USER -s "$net" -j RETURN\ndone\niptables -A DOCKER-USER -p tcp -m multiport --dports 80,443 -j DROP\n';
  assert.deepEqual(egress(oci), []);
  // without the container pool in the loop, the DROP takes the containers' web egress
  assert.deepEqual(egress(oci.replace('172.16.0.0/12 192.168.0.0/16 ', '')), [[5, 'warning']]);
  // bambu: the loop runs over an array of literal sources that holds Docker's pool
  const bambu = 'TRUSTED=(\n  "192.168.1.0/24"\n  "172.16.0.0/12"\n)\nTCP_PORTS="80,443"\niptables -F DOCKER-USER\nfor net in "${TRUSTED[@]}"; do\n  iptables -A DOCKER-USER -s "$net" -j RETURN\ndone\niptables -A DOCKER-USER -p tcp -m multiport --dports "$TCP_PORTS" -j DROP\n';
  assert.deepEqual(egress(bambu), []);
  assert.deepEqual(egress(bambu.replace('  "172.16.0.0/12"\n', '')), [[9, 'warning']]);
});

test('a protocol that is a shell variable: no syntax error for its ports; judged per value when the script gives them', () => {
  const syntax = (text: string) => lintRules(text).diagnostics.filter((d) => d.code.startsWith('syntax/') && d.severity !== 'info');
  assert.deepEqual(syntax('iptables -I DOCKER-USER -p "$PROTO" --dport 53 -j ACCEPT\niptables -I DOCKER-USER -p $PROTO -m multiport --dports 53,80 -j ACCEPT\n'), []);
  // holdout 4, the renderer: `for proto in udp tcp` around a DNS rule
  assert.deepEqual(egress('for proto in udp tcp; do\n  iptables -I DOCKER-USER -p "$proto" --dport 53 -j DROP\ndone\n'), [[2, 'warning']]);
  // unknown values: no judgment either way
  assert.deepEqual(egress('iptables -I DOCKER-USER -p "$PROTO" --dport 53 -j DROP\n'), []);
  // a restore line is not a shell line: `-p $P` stays an error there
  assert.ok(lintRules('*filter\n-A DOCKER-USER -p $P --dport 1 -j DROP\nCOMMIT\n').diagnostics.some((d) => d.code === 'syntax/unknown-protocol'));
});
