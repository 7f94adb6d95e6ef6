/**
 * docker-user/cuts-egress (src/core/lint/rules/cutsEgress.ts): port-bound denies in DOCKER-USER without an interface
 * (the "block port X" one-liners of Docker-hardening guides and ufw-docker issue threads), which of them take the
 * containers' DNS / HTTP / HTTPS (a warning) or only another port (an info), and the set allow-lists before a
 * default deny. Expected answers written from what each rule matches for a container's own outgoing connection
 * (in: a Docker bridge, out: the external interface) before running the linter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, raw } from './mut-lint-helpers';

const CODE = 'docker-user/cuts-egress';
const found = (text: string): string[][] => raw(text, CODE).map((d) => [at([d])[0], d.severity, d.message]);
const client = (verb: string, ports: string, what: string, flow: string, ext = 'eth0'): string => `This ${verb} of ${ports} has no interface condition: besides incoming traffic it takes your containers' own ${what} connections to other hosts (e.g. container egress docker0 → ${ext} ${flow}), so package installs, API calls and certificate renewals fail. If only incoming traffic is meant, limit it to the external interface (-i ${ext}).`;
const other = (verb: string, ports: string, flow: string): string => `Besides incoming traffic to ${ports}, this ${verb} (no interface condition) also takes your containers' own connections to ${ports} on other hosts, e.g. container egress docker0 → eth0 ${flow}. If only incoming traffic is meant, limit it to the external interface (-i eth0).`;
const all = (verb: string, assumed: string, ext = 'eth0'): string => `This ${verb} has no interface or address condition: besides incoming traffic it takes every connection your containers open to the outside (and its replies), e.g. container egress docker0 → ${ext} tcp/443${assumed}. Limit it to the external interface (-i ${ext}) and accept RELATED,ESTABLISHED before it.`;

test('cuts-egress: a deny of DNS, HTTP or HTTPS without an interface takes every container\'s own connections there (warning)', () => {
  const cases: [string, string][] = [
    ['iptables -I DOCKER-USER -p udp --dport 53 -j DROP', client('DROP', 'port 53', 'DNS', 'udp/53')],
    ['iptables -I DOCKER-USER -p tcp --dport 53 -j REJECT', client('REJECT', 'port 53', 'DNS', 'tcp/53')],
    ['iptables -I DOCKER-USER -p tcp --dport 80 -j DROP', client('DROP', 'port 80', 'HTTP', 'tcp/80')],
    ['iptables -I DOCKER-USER -p tcp --dport 443 -j DROP', client('DROP', 'port 443', 'HTTPS', 'tcp/443')],
    ['iptables -I DOCKER-USER -p tcp -m multiport --dports 80,443 -j DROP', client('DROP', 'ports 80,443', 'HTTP', 'tcp/80')],
    ['iptables -I DOCKER-USER -p tcp --dport 400:500 -j DROP', client('DROP', 'ports 400:500', 'HTTPS', 'tcp/443')],
  ];
  for (const [line, message] of cases) assert.deepEqual(found(`${line}\n`), [[`1:0-${line.length}`, 'warning', message]], line);
});

test('cuts-egress: a deny of another port without an interface also takes the containers\' connections to it (info: a remote database may be meant)', () => {
  const cases: [string, string][] = [
    ['iptables -I DOCKER-USER -p tcp --dport 5432 -j DROP', other('DROP', 'port 5432', 'tcp/5432')],
    ['iptables -I DOCKER-USER -p udp --dport 5000 -j REJECT', other('REJECT', 'port 5000', 'udp/5000')],
    ['iptables -I DOCKER-USER -p tcp --dport 5000:5010 -j DROP', other('DROP', 'ports 5000:5010', 'tcp/5000')],
    ['iptables -I DOCKER-USER -p tcp --destination-port 5000 -j DROP', other('DROP', 'port 5000', 'tcp/5000')],
    ['iptables -I DOCKER-USER -p tcp -m multiport --destination-ports 5000,6000 -j DROP', other('DROP', 'ports 5000,6000', 'tcp/5000')],
    ['iptables -A DOCKER-USER -p 6 --dport 8080 -j DROP', other('DROP', 'port 8080', 'tcp/8080')],
  ];
  for (const [line, message] of cases) assert.deepEqual(found(`${line}\n`), [[`1:0-${line.length}`, 'info', message]], line);
  // a negated port ("everything but SSH") is a default deny: every connection
  assert.deepEqual(found('iptables -I DOCKER-USER -p tcp ! --dport 22 -j DROP\n'), [['1:0-51', 'warning', all('DROP', '')]]);
  // the ports a loop fills in are judged like the literal ones; an unknown variable is not judged
  assert.deepEqual(found('for port in 80 443; do iptables -I DOCKER-USER -p tcp --dport $port -j DROP; done\n').map((f) => f[1]), ['warning']);
  assert.deepEqual(found('iptables -I DOCKER-USER -p tcp --dport $PORT -j DROP\n'), []);
});

test('cuts-egress: not a candidate: an address or interface condition, a target that does not deny', () => {
  for (const quiet of [
    'iptables -A DOCKER-USER -p tcp --dport 8080 -s 198.51.100.4 -j DROP',
    'iptables -A DOCKER-USER -p tcp --dport 8080 -d 198.51.100.4 -j DROP',
    'iptables -A DOCKER-USER -p tcp --dport 8080 -o eth0 -j DROP',
    'iptables -A DOCKER-USER -p tcp --dport 8080 -i eth0 -j REJECT',
    'iptables -A DOCKER-USER -p tcp --dport 8080 -j LOG',
    'iptables -A DOCKER-USER -p tcp --dport 8080 -j ACCEPT',
    'iptables -A DOCKER-USER -p tcp --dport 8080 -j RETURN',
  ]) assert.deepEqual(found(`${quiet}\n`), [], quiet);
});

test('cuts-egress: a default deny after source-set allow-lists (ipset whitelist / Cloudflare ranges guides) says what it assumes of the sets', () => {
  assert.deepEqual(found('iptables -A DOCKER-USER -m set --match-set whitelist src -j ACCEPT\niptables -A DOCKER-USER -j DROP\n'), [
    ['2:0-31', 'warning', all('DROP', " (assuming whitelist holds outside addresses, not your containers')")],
  ]);
  assert.deepEqual(found('iptables -A DOCKER-USER -m set --match-set cf src -j ACCEPT\niptables -A DOCKER-USER -m set --match-set allow src -j RETURN\niptables -A DOCKER-USER -j REJECT\n'), [
    ['3:0-33', 'warning', all('REJECT', " (assuming cf, allow hold outside addresses, not your containers')")],
  ]);
  // a destination set is no allow-list of clients; a negated set is not either
  assert.deepEqual(found('iptables -A DOCKER-USER -m set --match-set whitelist dst -j ACCEPT\niptables -A DOCKER-USER -j DROP\n'), []);
  assert.deepEqual(found('iptables -A DOCKER-USER -m set ! --match-set whitelist src -j ACCEPT\niptables -A DOCKER-USER -j DROP\n'), []);
  // the external interface the file names is the one suggested
  assert.deepEqual(found('iptables -I DOCKER-USER -i ens3 -p tcp --dport 22 -j ACCEPT\niptables -A DOCKER-USER -j DROP\n'), [['2:0-31', 'warning', all('DROP', '', 'ens3')]]);
});
