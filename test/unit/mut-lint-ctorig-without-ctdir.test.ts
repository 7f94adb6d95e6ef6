/**
 * docker-user/ctorig-without-ctdir (src/core/lint/rules/ctorigWithoutCtdir.ts): `--ctorig*` on a DROP/REJECT/jump
 * without `--ctdir ORIGINAL` also matches the replies (a connection's original tuple is shared by both directions).
 * Expected answers written from conntrack's semantics before running the linter: a reply is never in state NEW, so
 * a rule that only matches NEW (`--ctstate NEW`) cannot hit one (not reported since these tests; it was).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFix, at, dump, raw } from './mut-lint-helpers';

const CODE = 'docker-user/ctorig-without-ctdir';
const msg = (t: string): string => `--ctorig* matches the connection's original tuple, which reply packets share: without --ctdir ORIGINAL this ${t} also hits the replies (e.g. a container answering an allowed client). Add --ctdir ORIGINAL, or accept RELATED,ESTABLISHED before it.`;

test('ctorig-without-ctdir: the conntrack match is pointed at; DROP, REJECT and a jump are reported with their target; the fix appends --ctdir ORIGINAL to it', () => {
  // the docs' own example (rule docs), then the other targets
  const lines = [
    'iptables -I DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 ! -s 203.0.113.0/24 -j DROP',
    'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 8081 --ctdir ORIGINAL -j DROP', // has --ctdir
    'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 8082 -j ACCEPT', // lets through: harmless
    'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdst 192.168.1.5 -j REJECT',
    'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigsrc 10.0.0.0/8 -j LOG', // only logs
    'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigsrcport 53 -j MYCHAIN',
    'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdstport 8085 -j RETURN',
    'iptables -t nat -I PREROUTING -p tcp -m conntrack --ctorigdstport 8084 -j DROP', // not the filter table
    'iptables -D DOCKER-USER -p tcp -m conntrack --ctorigdstport 8086 -j DROP',
  ];
  const text = `${lines.join('\n')}\n`;
  const ds = raw(text, CODE);
  assert.deepEqual(at(ds), ['1:39-51', '4:31-43', '6:31-43']);
  assert.deepEqual(ds.map((d) => d.message), [msg('DROP'), msg('REJECT'), msg('MYCHAIN')]);
  assert.equal(ds[0].severity, 'warning');
  assert.deepEqual(ds[0].fixes.map((f) => f.title), ['Add --ctdir ORIGINAL']);
  const fixed = 'iptables -I DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL ! -s 203.0.113.0/24 -j DROP';
  assertFix(text, ds[0], 0, text.replace(lines[0], fixed), undefined, fixed);
  const fixed4 = 'iptables -I DOCKER-USER -p tcp -m conntrack --ctorigdst 192.168.1.5 --ctdir ORIGINAL -j REJECT';
  assertFix(text, ds[1], 0, text.replace(lines[3], fixed4), undefined, fixed4);
});

test('ctorig-without-ctdir: a rule that only matches NEW never sees a reply (a Cloudflare-only DOCKER-USER hook on GitHub, code index id 71039277818)', () => {
  const text = 'iptables -I DOCKER-USER -i eth0 -p tcp -m conntrack --ctstate NEW -m conntrack --ctorigdstport 80:443 -m multiport --dports 80,443 -j PCB-CF\niptables -I DOCKER-USER -i eth0 -p tcp --syn -m conntrack --ctorigdstport 8080 -j DROP\n';
  assert.deepEqual(at(raw(text, CODE)), []);
});

test('ctorig-without-ctdir: only until RELATED,ESTABLISHED is accepted in the chain (not by a DROP of it); a dump gets no fix', () => {
  const text = `*filter
:DOCKER-USER - [0:0]
-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP
-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j DROP
-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8082 -j DROP
-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN
-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8081 -j DROP
-A DOCKER-USER -m conntrack --ctstate ESTABLISHED --ctorigdstport 8083 -j DROP
-A DOCKER-USER -j RETURN
COMMIT
`;
  const ds = raw(text, CODE);
  assert.deepEqual(at(ds), ['3:30-42', '5:30-42']);
  assert.deepEqual(ds[0].fixes.map((f) => f.title), ['Add --ctdir ORIGINAL']);
  // a chain whose ESTABLISHED accept is an ACCEPT counts too
  const acc = text.replace('--ctstate RELATED,ESTABLISHED -j RETURN', '--ctstate RELATED,ESTABLISHED -j ACCEPT');
  assert.deepEqual(at(raw(acc, CODE)), ['3:30-42', '5:30-42']);
  const dd = raw(dump('-A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP'), CODE);
  assert.deepEqual(at(dd), ['7:30-42']);
  assert.deepEqual(dd[0].fixes, []);
});
