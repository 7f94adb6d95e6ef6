/**
 * The kernel checks the netfilter steps of the ipspace golden traces (test/fixtures/trace/ipspace/golden-*.txt),
 * independently of our evaluator: node1's host rules (assembled-host.{nat,filter}.S.txt, and the what-if DOCKER-USER)
 * are loaded into a network namespace that has node1's addresses, the ingress_sbox mangle capture into a second one
 * standing for ingress_sbox (172.18.0.2), and a real TCP connection is made from a third (203.0.113.10, port
 * 40000) to 192.168.33.2:8080. What the kernel did is read back from the rule counters (iptables-save -c) and the
 * conntrack table, and compared with what each golden says. The record of these checks sits beside each golden
 * (golden-*.checks.json, kept honest by mut-golden-checks.test.ts). Needs root and `ip netns`; skips otherwise.
 * Namespaces: ts-g{r,c,s}-<pid>, removed afterwards.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const FIX = join(__dirname, '..', 'fixtures', 'trace', 'ipspace');
const R = `ts-gr-${process.pid}`;
const C = `ts-gc-${process.pid}`;
const S = `ts-gs-${process.pid}`;

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'no ip netns';
  if (spawnSync('iptables-save', ['--version']).status !== 0) return 'no iptables-save';
  if (spawnSync('conntrack', ['--version']).status !== 0) return 'no conntrack';
  return undefined;
}
const SKIP = skipReason();

const sh = (ns: string | undefined, argv: string[], input?: string): string =>
  execFileSync(ns ? 'ip' : argv[0], ns ? ['netns', 'exec', ns, ...argv] : argv.slice(1), { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

/** iptables -S lines of one table → iptables-restore input. */
function restoreOf(table: string, sLines: string): string {
  const out = [`*${table}`];
  const rules: string[] = [];
  for (const l of sLines.split('\n').map((x) => x.trim()).filter(Boolean)) {
    const p = /^-P (\S+) (\S+)$/.exec(l);
    const n = /^-N (\S+)$/.exec(l);
    if (p) out.push(`:${p[1]} ${p[2]} [0:0]`);
    else if (n) out.push(`:${n[1]} - [0:0]`);
    else if (l.startsWith('-A ')) rules.push(l);
  }
  return [...out, ...rules, 'COMMIT', ''].join('\n');
}

/** Rule text (as in iptables-save) → packet count, from `iptables-save -c`. */
function counters(ns: string, table: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of sh(ns, ['iptables-save', '-c', '-t', table]).split('\n')) {
    const x = /^\[(\d+):\d+\] (-A .*)$/.exec(l);
    if (x) m.set(x[2], Number(x[1]));
  }
  return m;
}

let server: ChildProcess | undefined;

function cleanup(): void {
  server?.kill();
  for (const ns of [R, C, S]) spawnSync('ip', ['netns', 'del', ns]);
}

before(async () => {
  if (SKIP) return;
  cleanup();
  for (const ns of [R, C, S]) sh(undefined, ['ip', 'netns', 'add', ns]);
  sh(undefined, ['ip', 'link', 'add', 'eth1', 'netns', R, 'type', 'veth', 'peer', 'name', 'c0', 'netns', C]);
  sh(undefined, ['ip', 'link', 'add', 'docker_gwbridge', 'netns', R, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', S]);
  for (const [ns, cmds] of [
    [R, [['ip', 'addr', 'add', '192.168.33.2/24', 'dev', 'eth1'], ['ip', 'addr', 'add', '203.0.113.1/24', 'dev', 'eth1'], ['ip', 'addr', 'add', '172.18.0.1/16', 'dev', 'docker_gwbridge'], ['ip', 'link', 'set', 'eth1', 'up'], ['ip', 'link', 'set', 'docker_gwbridge', 'up'], ['ip', 'route', 'add', '198.51.100.0/24', 'dev', 'eth1'], ['sysctl', '-qw', 'net.ipv4.ip_forward=1']]],
    [C, [['ip', 'addr', 'add', '203.0.113.10/24', 'dev', 'c0'], ['ip', 'link', 'set', 'c0', 'up'], ['ip', 'route', 'add', 'default', 'via', '203.0.113.1']]],
    [S, [['ip', 'addr', 'add', '172.18.0.2/16', 'dev', 'eth1'], ['ip', 'link', 'set', 'eth1', 'up'], ['ip', 'route', 'add', 'default', 'via', '172.18.0.1']]],
  ] as const) {
    sh(ns, ['ip', 'link', 'set', 'lo', 'up']);
    for (const c of cmds) sh(ns, [...c]);
  }
  sh(S, ['iptables-restore'], restoreOf('mangle', readFileSync(join(FIX, 'ipspace-ingress_sbox.mangle.S.txt'), 'utf8')));
  // ingress_sbox stand-in: IPVS would take the packet here (this kernel has no IPVS); a listener answers instead.
  server = spawn('ip', ['netns', 'exec', S, process.execPath, '-e', "require('net').createServer((s) => s.end('sandbox')).listen(8080, '172.18.0.2', () => console.log('up'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ok, no) => {
    server?.stdout?.once('data', () => ok());
    server?.once('exit', (c) => no(new Error(`listener exited ${c}`)));
  });
});
after(() => {
  if (!SKIP) cleanup();
});

/** Loads node1's host rules (DOCKER-USER replaced when `dockerUser` is given), then one TCP connection. */
function connectThrough(dockerUser: string | undefined, from = '203.0.113.10'): { reply: string; nat: Map<string, number>; filter: Map<string, number>; conntrack: string } {
  const nat = restoreOf('nat', readFileSync(join(FIX, 'assembled-host.nat.S.txt'), 'utf8'));
  let filterS = readFileSync(join(FIX, 'assembled-host.filter.S.txt'), 'utf8');
  if (dockerUser !== undefined) filterS = `${filterS.split('\n').filter((l) => !l.startsWith('-A DOCKER-USER')).join('\n')}\n${dockerUser}`;
  sh(R, ['iptables-restore'], nat + restoreOf('filter', filterS));
  spawnSync('ip', ['netns', 'exec', R, 'conntrack', '-F'], { stdio: 'ignore' });
  if (from !== '203.0.113.10') sh(C, ['ip', 'addr', 'replace', `${from}/32`, 'dev', 'c0']);
  const client = `const s = require('net').connect({ host: '192.168.33.2', port: 8080, localAddress: '${from}', localPort: 40000 });
let got = ''; s.on('data', (d) => (got += d)); s.on('end', () => { console.log(got || 'empty'); process.exit(0); });
s.on('error', (e) => { console.log('error ' + e.code); process.exit(0); }); setTimeout(() => { console.log('timeout'); process.exit(0); }, 3000);`;
  const reply = sh(C, [process.execPath, '-e', client]).trim();
  const conntrack = spawnSync('ip', ['netns', 'exec', R, 'conntrack', '-L', '-p', 'tcp'], { encoding: 'utf8' }).stdout;
  if (from !== '203.0.113.10') sh(C, ['ip', 'addr', 'del', `${from}/32`, 'dev', 'c0']);
  return { reply, nat: counters(R, 'nat'), filter: counters(R, 'filter'), conntrack };
}

test('kernel vs golden-published-8080.txt hops 2, 4, 7 and the DNAT: PREROUTING → DOCKER-INGRESS DNAT to 172.18.0.2:8080, FORWARD: DOCKER-USER RETURN then DOCKER-INGRESS ACCEPT, ingress_sbox MARK 0x100', { skip: SKIP }, () => {
  const golden = readFileSync(join(FIX, 'golden-published-8080.txt'), 'utf8');
  const r = connectThrough(undefined);
  assert.equal(r.reply, 'sandbox', 'the connection reached 172.18.0.2:8080 (the ingress_sbox stand-in)');
  // hop 2: the first packet only goes through nat: exactly these two rules, once; PREROUTING's second jump never
  assert.equal(r.nat.get('-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS'), 1);
  assert.equal(r.nat.get('-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080'), 1);
  assert.equal(r.nat.get('-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER'), 0);
  assert.match(golden, / 2\. node1\/host netfilter: PREROUTING \(nat\) \[ACCEPT\]\n.*\n.*nat\/PREROUTING #1: .*→ jump DOCKER-INGRESS\n.*\* nat\/DOCKER-INGRESS #1: .*→ DNAT 192\.168\.33\.2:8080 → 172\.18\.0\.2:8080\n/);
  // the DNAT, as conntrack recorded it: original 192.168.33.2:8080, reply from 172.18.0.2:8080
  assert.match(r.conntrack, /src=203\.0\.113\.10 dst=192\.168\.33\.2 sport=40000 dport=8080 .*src=172\.18\.0\.2 dst=203\.0\.113\.10 sport=8080 dport=40000/);
  // hop 4: every forwarded packet went DOCKER-USER (RETURN) → DOCKER-INGRESS, where it was accepted; none went further
  assert.ok((r.filter.get('-A FORWARD -j DOCKER-USER') ?? 0) > 0);
  assert.ok((r.filter.get('-A DOCKER-USER -j RETURN') ?? 0) > 0);
  assert.ok((r.filter.get('-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT') ?? 0) > 0);
  assert.equal(r.filter.get('-A FORWARD -j DOCKER-ISOLATION-STAGE-1'), 0, 'no packet got past DOCKER-INGRESS');
  assert.equal(r.filter.get('-A DOCKER-INGRESS -j RETURN'), 0);
  assert.match(golden, / 4\. node1\/host netfilter: FORWARD \(filter\) \[ACCEPT\]\n.*\n.*filter\/FORWARD #1: .*→ jump DOCKER-USER\n.*filter\/DOCKER-USER #1: -A DOCKER-USER -j RETURN .*→ RETURN to FORWARD\n.*filter\/FORWARD #2: -A FORWARD -j DOCKER-INGRESS .*\n.*\* filter\/DOCKER-INGRESS #1: -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT .*→ ACCEPT\n/);
  // hop 7: the real ingress_sbox mangle capture marks the packet 0x100
  const mangle = counters(S, 'mangle');
  assert.ok((mangle.get('-A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x100/0xffffffff') ?? 0) > 0);
  assert.match(golden, / 7\. node1\/ingress_sbox netfilter: PREROUTING \(mangle, nat\) \[ACCEPT\]\n\s+packet: TCP 203\.0\.113\.10:40000 → 172\.18\.0\.2:8080 mark 0x100\n/);
});

test('kernel vs golden-whatif-docker-user-drop.txt hop 4: the proposed DOCKER-USER drops 203.0.113.10 at rule #3 (--ctorigdst/--ctorigdstport), and lets 198.51.100.7 through rule #2', { skip: SKIP }, () => {
  const golden = readFileSync(join(FIX, 'golden-whatif-docker-user-drop.txt'), 'utf8');
  const whatIf = readFileSync(join(FIX, 'whatif-docker-user-drop.rules'), 'utf8').split('\n').filter((l) => l.startsWith('-A ')).join('\n');
  const drop = '-A DOCKER-USER -p tcp -m conntrack --ctorigdst 192.168.33.2 --ctorigdstport 8080 -j DROP';
  const r = connectThrough(whatIf);
  assert.equal(r.reply, 'timeout', 'dropped: no answer');
  assert.ok((r.filter.get(drop) ?? 0) > 0, 'the kernel dropped it with rule #3');
  assert.equal(r.filter.get('-A DOCKER-USER -s 198.51.100.0/24 -p tcp -m conntrack --ctorigdstport 8080 -j RETURN'), 0);
  assert.equal(r.filter.get('-A FORWARD -j DOCKER-INGRESS'), 0, 'nothing reached FORWARD #2');
  assert.match(golden, /\* filter\/DOCKER-USER #3: -A DOCKER-USER -p tcp -m conntrack --ctorigdst 192\.168\.33\.2 --ctorigdstport 8080 -j DROP .*→ DROP\n/);
  const ok = connectThrough(whatIf, '198.51.100.7');
  assert.equal(ok.reply, 'sandbox');
  assert.ok((ok.filter.get('-A DOCKER-USER -s 198.51.100.0/24 -p tcp -m conntrack --ctorigdstport 8080 -j RETURN') ?? 0) > 0);
  assert.equal(ok.filter.get(drop), 0);
});
