/** The reply of a delivered packet: conntrack undoes the translations, and every FORWARD it crossed must let it back. */
import { evaluateHook } from './netfilter';
import { describePacket, endpoint, newPacket, type Packet } from './packet';
import { mkHop, type Ctx, type Cursor } from './hops';
import type { Hop } from './types';

export function replyHop(ctx: Ctx, c: Cursor, delivered: Packet): Hop {
  const hop = mkHop(ctx, c, 'reply', 'reply path (conntrack)', delivered, { verdict: 'ACCEPT' });
  const rev = [...c.history].reverse().filter((h) => h.rw.kind !== 'MARK');
  hop.detail.push(`reply ${endpoint(delivered.dst, delivered.dport)} → ${endpoint(delivered.src, delivered.sport)} retraces the path; conntrack undoes the translations in reverse:`);
  for (const h of rev) hop.detail.push(`  ${h.node}/${h.ns}: un-${h.rw.kind} ${h.rw.to} → ${h.rw.from}`);
  if (rev.length === 0) hop.detail.push('  (no address translation on the way in)');
  // Forwarding namespaces must let the reply through (ctstate ESTABLISHED).
  for (const f of c.forwarded) {
    if (!f.ns.rules) continue;
    const fp = f.pkt;
    // the answer to a TCP SYN is a SYN-ACK (kernel-differential case 77: a --tcp-flags SYN SYN rule takes it)
    const syn = fp.proto === 'tcp' && (fp.tcpFlags ?? (fp.ct.state === 'NEW' ? ['SYN'] : [])).includes('SYN');
    const replyPkt: Packet = {
      ...newPacket({ src: fp.dst, dst: fp.src, proto: fp.proto, sport: fp.dport, dport: fp.sport, inIface: fp.outIface }),
      outIface: fp.inIface,
      tcpFlags: fp.proto === 'tcp' ? (syn ? ['SYN', 'ACK'] : ['ACK']) : undefined,
    };
    // the connection's NAT status as it stands after the whole forward path (SNAT/MASQUERADE come after FORWARD)
    const here = (h: { node: string; ns: string }): boolean => h.node === f.node.model.name && h.ns === f.ns.info.name;
    const snat = c.history.some((h) => here(h) && (h.rw.kind === 'SNAT' || h.rw.kind === 'MASQUERADE')) && !fp.ct.status.includes('SNAT');
    const status = snat ? [...fp.ct.status, 'SNAT'] : fp.ct.status;
    replyPkt.ct = { state: 'ESTABLISHED', origSrc: fp.ct.origSrc, origDst: fp.ct.origDst, origSport: fp.ct.origSport, origDport: fp.ct.origDport, dir: 'REPLY', status };
    const r = evaluateHook(f.ns.rules, 'FORWARD', replyPkt, f.ns.env);
    const decided = r.decidedBy;
    const by = decided ? (decided.kind === 'policy' ? `policy ${decided.policy}` : `${decided.chain} #${decided.position}: ${decided.text}`) : 'no rule';
    hop.detail.push(`${f.node.model.name}/${f.ns.info.name} FORWARD for the reply ${describePacket(replyPkt)} (${replyPkt.inIface ?? '?'} → ${replyPkt.outIface ?? '?'}, ctstate ESTABLISHED): ${r.verdict} by ${by}`);
    if (r.verdict !== 'ACCEPT') {
      hop.verdict = 'DROP';
      hop.drop = `reply dropped in ${f.node.model.name}/${f.ns.info.name} FORWARD by ${by}`;
    }
  }
  return hop;
}
