// Trace options (arrival interface, conntrack state, TCP flags, mark) and the verdicts / exit codes that tell
// delivered, reply dropped, forwarded out, dropped and undecidable apart. ipspace scenario (IPVS state from captured
// ipvsadm output; this kernel has no IPVS): client 203.0.113.10 → published 192.168.33.2:8080, DNATed to
// 172.18.0.2:8080 in nat PREROUTING (DOCKER-INGRESS), then filter FORWARD → DOCKER-USER.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseDump } from '../../src/core/trace/parseDump';
import { loadScenarioDir } from '../../src/core/trace/scenarioDir';
import { prepareScenario, trace, withWhatIf } from '../../src/core/trace/tracer';
import { classifyTrace, EXIT_CODES } from '../../src/core/trace/verdict';
import type { TraceRequest, TraceResult } from '../../src/core/trace/types';
import { traceCommand } from '../../src/cli/trace';

const FIX = join(__dirname, '..', 'fixtures', 'trace');
const base = prepareScenario(loadScenarioDir(join(FIX, 'ipspace')), parseDump);
const req: TraceRequest = { from: '203.0.113.10', to: '192.168.33.2:8080', proto: 'tcp' };

function run(dockerUser: string, r: Partial<TraceRequest> = {}): TraceResult {
  const w = withWhatIf(base, parseDump, dockerUser, 'what-if t.rules');
  return trace(w.prepared, { ...req, ...r });
}
const fwdVerdict = (t: TraceResult): string | undefined => t.path.hops.find((h) => h.kind === 'netfilter' && h.title.startsWith('FORWARD'))?.verdict;

describe('trace options', () => {
  it('--ct-state ESTABLISHED: nat is not traversed, the first packet\'s DNAT binding still applies', () => {
    const t = trace(base, { ...req, ctState: 'ESTABLISHED' });
    const pre = t.path.hops.find((h) => h.kind === 'netfilter' && h.title.startsWith('PREROUTING'));
    assert.ok(pre?.detail.some((d) => /conntrack applies its bindings: DNAT 192\.168\.33\.2:8080 → 172\.18\.0\.2:8080/.test(d)), JSON.stringify(pre?.detail));
    assert.deepEqual(pre?.rewrites.map((r) => `${r.kind} ${r.to}`), ['DNAT 172.18.0.2:8080']);
    assert.equal(pre?.rules.filter((r) => r.table === 'nat').length, 0, 'no nat rule is traversed by a non-first packet');
    assert.equal(t.summary.filter((s) => s.startsWith('delivered')).length, 3);
  });
  it('--ct-state against a DOCKER-USER that lets only replies through', () => {
    const only = '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n-A DOCKER-USER -j DROP\n';
    assert.equal(fwdVerdict(run(only)), 'DROP');
    assert.equal(fwdVerdict(run(only, { ctState: 'ESTABLISHED' })), 'ACCEPT');
  });
  it('--tcp-flags: a SYN-only drop does not hit an ACK', () => {
    const syn = '-A DOCKER-USER -p tcp --tcp-flags SYN,ACK SYN -j DROP\n-A DOCKER-USER -j RETURN\n';
    assert.equal(fwdVerdict(run(syn)), 'DROP'); // default NEW: SYN
    assert.equal(fwdVerdict(run(syn, { ctState: 'ESTABLISHED', tcpFlags: ['ACK'] })), 'ACCEPT');
    assert.equal(fwdVerdict(run(syn, { tcpFlags: ['SYN', 'ACK'] })), 'ACCEPT');
  });
  it('--mark: the packet\'s mark as it enters netfilter', () => {
    const mark = '-A DOCKER-USER -m mark --mark 0x1/0x1 -j DROP\n-A DOCKER-USER -j RETURN\n';
    assert.equal(fwdVerdict(run(mark)), 'ACCEPT');
    assert.equal(fwdVerdict(run(mark, { mark: 0x101 })), 'DROP');
  });
  it('--in-iface: the arrival interface of an external client', () => {
    const iface = '-A DOCKER-USER -i eth1 -j DROP\n-A DOCKER-USER -j RETURN\n';
    const dflt = run(iface);
    const enter = dflt.path.hops[0];
    assert.equal(enter.iface?.in, 'eth1', 'default: the interface holding 192.168.33.2');
    assert.equal(fwdVerdict(dflt), 'DROP');
    const other = run(iface, { inIface: 'eth9' });
    assert.equal(other.path.hops[0].iface?.in, 'eth9');
    assert.equal(fwdVerdict(other), 'ACCEPT');
    assert.ok(other.notes.some((n) => /--in-iface eth9: node1 has no such interface/.test(n)));
  });
});

describe('verdicts and exit codes', () => {
  it('delivered (0): every path delivered and its reply passes', () => {
    assert.equal(classifyTrace(trace(base, req)).verdict, 'delivered');
  });
  it('dropped (3)', () => {
    const t = run('-A DOCKER-USER -j DROP\n');
    assert.equal(classifyTrace(t).verdict, 'dropped');
    assert.equal(EXIT_CODES.dropped, 3);
  });
  it('reply dropped (4): the first packet passes, DOCKER-USER drops the reply', () => {
    const t = run('-A DOCKER-USER -m conntrack --ctstate NEW -j RETURN\n-A DOCKER-USER -j DROP\n');
    const c = classifyTrace(t);
    assert.equal(c.verdict, 'reply-dropped');
    assert.match(t.summary[0], /^delivered to .*, but the REPLY is DROPPED: reply dropped in node1\/host FORWARD by DOCKER-USER #2/);
    assert.equal(EXIT_CODES['reply-dropped'], 4);
  });
  it('the answer to a SYN is a SYN-ACK; to an ACK an ACK (kernel-differential case 77)', () => {
    const synAck = '-A DOCKER-USER -p tcp -m conntrack --ctstate ESTABLISHED --ctdir REPLY -m tcp --tcp-flags SYN,ACK SYN,ACK -j DROP\n-A DOCKER-USER -j RETURN\n';
    assert.equal(classifyTrace(run(synAck)).verdict, 'reply-dropped');
    assert.equal(classifyTrace(run(synAck, { ctState: 'ESTABLISHED', tcpFlags: ['ACK'] })).verdict, 'delivered');
  });
  it('undecidable (6): a rate limit decides', () => {
    const c = classifyTrace(run('-A DOCKER-USER -p tcp -m limit --limit 1/s -j DROP\n-A DOCKER-USER -j RETURN\n'));
    assert.equal(c.verdict, 'undecidable');
    assert.match(c.paths[0].why ?? '', /DOCKER-USER #1: unsupported match -m limit --limit 1\/s/);
  });
  it('a LOG with a rate limit before a certain DROP stays "dropped" (the may-match changes nothing)', () => {
    assert.equal(classifyTrace(run('-A DOCKER-USER -m limit --limit 1/s -j LOG\n-A DOCKER-USER -j DROP\n')).verdict, 'dropped');
  });
  it('the CLI: exit code and verdict line; --help documents them; bad options exit 2', async () => {
    let out = '';
    const io = { out: (s: string) => void (out += s), err: (s: string) => void (out += s) };
    const code = await traceCommand(['--fixtures', join(FIX, 'ipspace'), '--from', '203.0.113.10', '--to', '192.168.33.2:8080', '--ct-state', 'established', '--tcp-flags', 'ack', '--mark', '0x10'], io);
    assert.equal(code, 0, out);
    assert.match(out, /verdict: delivered \(exit 0\)\n$/);
    out = '';
    await traceCommand(['--help'], io);
    for (const w of ['--in-iface', '--ct-state', '--tcp-flags', '--mark', '3 dropped', '4 reply dropped', '5 forwarded out', '6 undecidable', '0 delivered']) assert.ok(out.includes(w), w);
    assert.equal(await traceCommand(['--fixtures', join(FIX, 'ipspace'), '--from', 'a', '--to', 'b', '--ct-state', 'OPEN'], io), 2);
    assert.equal(await traceCommand(['--fixtures', join(FIX, 'ipspace'), '--from', 'a', '--to', 'b', '--tcp-flags', 'SYN,XMAS'], io), 2);
  });
});
