// What-if files with their own chains (jumps, gotos, returns) and other tables, over the ipspace scenario (IPVS
// state from captured ipvsadm output; this kernel has no IPVS). Client 203.0.113.10 → 192.168.33.2:8080, DNATed
// by DOCKER-INGRESS to 172.18.0.2:8080 before filter FORWARD → DOCKER-USER.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseDump } from '../../src/core/trace/parseDump';
import { loadScenarioDir } from '../../src/core/trace/scenarioDir';
import { prepareScenario, trace, withWhatIf } from '../../src/core/trace/tracer';
import type { Hop, TraceRequest, TraceResult } from '../../src/core/trace/types';

const base = prepareScenario(loadScenarioDir(join(__dirname, '..', 'fixtures', 'trace', 'ipspace')), parseDump);
const req: TraceRequest = { from: '203.0.113.10', to: '192.168.33.2:8080', proto: 'tcp' };

function run(text: string, r: TraceRequest = req): { res: TraceResult; fwd?: Hop; notes: string[] } {
  const w = withWhatIf(base, parseDump, text, 'what-if test.rules');
  assert.deepEqual(w.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const res = trace(w.prepared, r);
  return { res, fwd: res.path.hops.find((h) => h.kind === 'netfilter' && h.title.startsWith('FORWARD')), notes: w.prepared.notes };
}
const path = (h?: Hop): string[] => (h?.rules ?? []).filter((x) => x.chain !== 'FORWARD').map((x) => `${x.chain} #${x.position} ${x.effect}`);

// The after.rules block of chaifeng/ufw-docker's README ("Solving UFW and Docker issues"), as quoted in
// github.com/crazyuploader/TIL docker/fix-ufw-security-flaw.md. iptables semantics, before running our code:
// the packet (a TCP SYN from a public address to 172.18.0.2 after DNAT) passes the empty ufw-user-forward, is no
// private source, and jumps to ufw-docker-logging-deny by the 172.16.0.0/12 SYN rule, which LOGs (rate limit:
// may-match) and DROPs it. Before this change the jump was read as RETURN and the packet was accepted.
const UFW_DOCKER = `# BEGIN UFW AND DOCKER
*filter
:ufw-user-forward - [0:0]
:ufw-docker-logging-deny - [0:0]
:DOCKER-USER - [0:0]
-A DOCKER-USER -j ufw-user-forward

-A DOCKER-USER -j RETURN -s 10.0.0.0/8
-A DOCKER-USER -j RETURN -s 172.16.0.0/12
-A DOCKER-USER -j RETURN -s 192.168.0.0/16

-A DOCKER-USER -p udp -m udp --sport 53 --dport 1024:65535 -j RETURN

-A DOCKER-USER -j ufw-docker-logging-deny -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 192.168.0.0/16
-A DOCKER-USER -j ufw-docker-logging-deny -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 10.0.0.0/8
-A DOCKER-USER -j ufw-docker-logging-deny -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 172.16.0.0/12
-A DOCKER-USER -j ufw-docker-logging-deny -p udp -m udp --dport 0:32767 -d 192.168.0.0/16
-A DOCKER-USER -j ufw-docker-logging-deny -p udp -m udp --dport 0:32767 -d 10.0.0.0/8
-A DOCKER-USER -j ufw-docker-logging-deny -p udp -m udp --dport 0:32767 -d 172.16.0.0/12

-A DOCKER-USER -j RETURN

-A ufw-docker-logging-deny -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW DOCKER BLOCK] "
-A ufw-docker-logging-deny -j DROP

COMMIT
# END UFW AND DOCKER
`;

describe('what-if with its own chains', () => {
  it('ufw-docker after.rules: the jump to ufw-docker-logging-deny is followed and the SYN dropped there', () => {
    const { res, fwd, notes } = run(UFW_DOCKER);
    assert.equal(fwd?.verdict, 'DROP');
    assert.deepEqual(path(fwd), [
      'DOCKER-USER #1 jump ufw-user-forward',
      'DOCKER-USER #8 jump ufw-docker-logging-deny',
      'ufw-docker-logging-deny #1 LOG: continue',
      'ufw-docker-logging-deny #2 DROP',
    ]);
    assert.match(res.summary.join('\n'), /DROPPED in node1\/host: filter\/ufw-docker-logging-deny rule #2/);
    assert.ok(notes.some((n) => /filter\/ufw-docker-logging-deny in host on every node added/.test(n)));
    // a private client is let through by the RETURN for 192.168.0.0/16... after the empty ufw-user-forward returns
    const ok = run(UFW_DOCKER, { ...req, from: '192.168.7.7' });
    assert.deepEqual(path(ok.fwd).slice(0, 2), ['DOCKER-USER #1 jump ufw-user-forward', 'DOCKER-USER #4 RETURN to FORWARD']);
    assert.equal(ok.fwd?.verdict, 'ACCEPT');
  });

  it('commands: -N, jump, RETURN inside the user chain, goto', () => {
    const chain = `iptables -N ALLOW-LIST
iptables -A ALLOW-LIST -s 198.51.100.0/24 -j RETURN
iptables -A ALLOW-LIST -j DROP
iptables -A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN
iptables -A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8080 -j ALLOW-LIST
iptables -A DOCKER-USER -j RETURN
`;
    const dropped = run(chain);
    assert.deepEqual(path(dropped.fwd), ['DOCKER-USER #2 jump ALLOW-LIST', 'ALLOW-LIST #2 DROP']);
    const allowed = run(chain, { ...req, from: '198.51.100.9' });
    assert.deepEqual(path(allowed.fwd).slice(0, 3), ['DOCKER-USER #2 jump ALLOW-LIST', 'ALLOW-LIST #1 RETURN to DOCKER-USER', 'DOCKER-USER #3 RETURN to FORWARD']);
    assert.equal(allowed.res.summary.filter((s) => s.startsWith('delivered')).length, 3);
    // -g: a RETURN in the goto target returns to FORWARD (the chain that jumped to DOCKER-USER), skipping DOCKER-USER #3
    const gotoText = chain.replace('-j ALLOW-LIST', '-g ALLOW-LIST').replace('iptables -A DOCKER-USER -j RETURN', 'iptables -A DOCKER-USER -j DROP');
    const viaGoto = run(gotoText, { ...req, from: '198.51.100.9' });
    assert.deepEqual(path(viaGoto.fwd).slice(0, 2), ['DOCKER-USER #2 goto ALLOW-LIST', 'ALLOW-LIST #1 RETURN to FORWARD']);
    assert.equal(viaGoto.fwd?.verdict, 'ACCEPT');
  });

  it('another table: an -I into nat PREROUTING is applied on top of the dumped chain', () => {
    const { res, notes } = run('iptables -A DOCKER-USER -j RETURN\niptables -t nat -I PREROUTING 1 -p tcp --dport 8080 -j RETURN\n');
    assert.ok(notes.some((n) => /nat\/PREROUTING in host on every node appended to/.test(n)), notes.join('\n'));
    const pre = res.path.hops.find((h) => h.kind === 'netfilter' && h.title.startsWith('PREROUTING'));
    assert.equal(pre?.rules.find((r) => r.table === 'nat')?.text, 'iptables -t nat -I PREROUTING 1 -p tcp --dport 8080 -j RETURN');
    // without DNAT the packet is for the host itself: no path to the backends
    assert.equal(res.summary.filter((s) => s.startsWith('delivered')).length === 3, false);
  });

  it('address lists become one rule per address, positions as iptables -L --line-numbers counts them', () => {
    // iptables 1.8.9 (this machine): -A X -s 10.0.0.1,10.0.0.2 -d 10.9.0.1,10.9.0.2 -j ACCEPT lists as 4 rules,
    // s1d1, s1d2, s2d1, s2d2 (kernel-differential case 115: the DROP was rule #2 of the kernel's chain)
    const { fwd } = run('iptables -A DOCKER-USER -s 198.51.100.1,203.0.113.10 -p tcp -j DROP\niptables -A DOCKER-USER -j RETURN\n');
    assert.deepEqual(path(fwd), ['DOCKER-USER #2 DROP']);
    const pairs = run('iptables -A DOCKER-USER -s 198.51.100.1,203.0.113.10 -d 10.9.0.1,172.18.0.2 -j DROP\niptables -A DOCKER-USER -j RETURN\n');
    assert.deepEqual(path(pairs.fwd), ['DOCKER-USER #4 DROP']);
    // -I inserts each at the same position: reversed (kernel-differential case 69: -I … -s a,b lists b first)
    const inserted = run('iptables -A DOCKER-USER -j RETURN\niptables -I DOCKER-USER -s 203.0.113.10,198.51.100.1 -j DROP\n');
    assert.deepEqual(path(inserted.fwd), ['DOCKER-USER #2 DROP']);
  });
});
