/** swarm/cuts-control-plane: INPUT/OUTPUT rules or policies that drop Swarm traffic between nodes. */
import type { Severity } from '../../diagnostics';
import type { Rule } from '../../iptables/model';
import type { LintRule } from '../rule';
import type { Flow } from '../flows';
import { NODE, PEER, externalInterfaces, packet, walkChain } from '../flows';
import { isEsp } from '../facts';
import { parseCidr } from '../net';
import type { Pass } from '../pass';
import { aboutSwarm, add, docLine, isMine, lineSpan } from '../pass';

function addrOf(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  if (!c) return undefined;
  const host = c.prefix >= 31 ? c.lo : c.lo + 1;
  return [host >>> 24, (host >>> 16) & 255, (host >>> 8) & 255, host & 255].join('.');
}

/** Peers: the context's, else the sources the file accepts in INPUT (the cluster subnet), else a sample address. */
function peers(p: Pass): { list: string[]; known: boolean } {
  const ctxPeers = (p.pc.ctx?.peerAddresses ?? []).filter((a) => parseCidr(a));
  if (ctxPeers.length) return { list: ctxPeers, known: true };
  const input = p.ruleset.tables.get('filter')?.chains.get('INPUT')?.rules ?? [];
  const accepted = input.filter((r) => r.target?.name === 'ACCEPT' && r.source && !r.source.negated).map((r) => addrOf(r.source?.value ?? '')).filter((a): a is string => !!a);
  return accepted.length ? { list: [...new Set(accepted)].slice(0, 4), known: true } : { list: [PEER], known: false };
}

/** The rule blocks this Swarm port by name (`--dport 2377 -j DROP`): deliberate unless other nodes are known to exist. */
function explicit(p: Pass, rule: Rule, port: number | undefined): boolean {
  return port !== undefined && (p.facts.get(rule)?.dstPorts ?? []).some((d) => !d.o.negated && d.set?.some(([lo, hi]) => lo <= port && port <= hi && hi - lo < 16));
}

function flows(p: Pass, ext: string[]): Flow[] {
  const sp = p.pc.swarm;
  const esp = p.pc.encrypted || /encrypted/i.test(p.text) || p.ruleset.rules.some(isEsp);
  const list: [string, number | undefined, string][] = [
    ['tcp', sp.control, `TCP ${sp.control} (cluster management: managers' API and Raft)`],
    ['tcp', sp.gossip, `TCP ${sp.gossip} (node gossip)`],
    ['udp', sp.gossip, `UDP ${sp.gossip} (node gossip)`],
    ['udp', sp.data, `UDP ${sp.data} (VXLAN overlay data plane)`],
  ];
  if (esp) list.push(['esp', undefined, 'ESP, IP protocol 50 (encrypted overlays)']);
  const out: Flow[] = [];
  for (const [proto, port, what] of list) {
    for (const e of ext) {
      out.push({ name: what, hook: 'INPUT', critical: true, pkt: packet({ src: '', dst: NODE, proto, sport: port ? 40002 : undefined, dport: port, in: e }) });
      out.push({ name: what, hook: 'OUTPUT', critical: true, pkt: packet({ src: NODE, dst: '', proto, sport: port ? 40002 : undefined, dport: port, out: e }) });
    }
  }
  // the replies to this node's own connections to the managers and to its peers' gossip
  for (const port of [sp.control, sp.gossip]) {
    for (const e of ext) {
      out.push({ name: `replies from TCP ${port} to this node's own connections (they arrive on an ephemeral port)`, hook: 'INPUT', critical: true, pkt: packet({ src: '', dst: NODE, proto: 'tcp', sport: port, dport: 40004, in: e, state: 'ESTABLISHED', reply: true }) });
    }
  }
  return out;
}

/** Per chain: the user rules that drop a Swarm flow for every peer, and the flows the policy drops. */
function cut(p: Pass, chain: 'INPUT' | 'OUTPUT'): { byRule: Map<Rule, Set<string>>; byPolicy: Set<string> } {
  const byRule = new Map<Rule, Set<string>>();
  const byPolicy = new Set<string>();
  const c = p.ruleset.tables.get('filter')?.chains.get(chain);
  if (!c) return { byRule, byPolicy };
  const ext = externalInterfaces(c.rules);
  const { list: ps, known } = peers(p);
  for (const flow of flows(p, ext)) {
    if (flow.hook !== chain) continue;
    // VXLAN of encrypted overlays arrives decapsulated from ESP: Docker's advised `--pol none` DROP keeps it
    const ipsec = flow.pkt.proto === 'udp' && flow.pkt.dport === p.pc.swarm.data ? [false, true] : [false];
    const ds = ps.flatMap((peer) => ipsec.map((sec) => {
      const ct = flow.pkt.ct.dir === 'REPLY' ? { ...flow.pkt.ct, origDst: peer } : chain === 'INPUT' ? { ...flow.pkt.ct, origSrc: peer } : { ...flow.pkt.ct, origDst: peer };
      const pkt = chain === 'INPUT' ? { ...flow.pkt, src: peer, ct, ipsecIn: sec } : { ...flow.pkt, dst: peer, ct, ipsecOut: sec };
      return walkChain(p.ruleset, chain, pkt, chain);
    }));
    if (ds.some((d) => d.unknown || d.verdict === 'ACCEPT')) continue;
    const d = ds[0];
    if ((d.verdict === 'DROP' || d.verdict === 'REJECT') && d.rule && ds.every((x) => x.rule === d.rule) && isMine(p, d.rule)) {
      if (!known && explicit(p, d.rule, flow.pkt.dport)) continue;
      const set = byRule.get(d.rule) ?? new Set<string>();
      set.add(flow.name);
      byRule.set(d.rule, set);
    } else if ((d.verdict === 'END' || d.verdict === 'RETURN') && c.policy === 'DROP' && ds.every((x) => x.verdict === 'END' || x.verdict === 'RETURN')) byPolicy.add(flow.name);
  }
  return { byRule, byPolicy };
}

function severity(what: Set<string>, p: Pass): Severity {
  return [...what].every((w) => w.startsWith('ESP')) && !p.pc.encrypted ? 'warning' : 'error';
}

export const cutsControlPlane: LintRule = {
  code: 'swarm/cuts-control-plane',
  severity: 'error',
  description: 'INPUT/OUTPUT rules or policies that drop Swarm traffic between nodes.',
  docs: 'Swarm nodes talk to each other on 2377/tcp (managers; `--listen-addr` changes it), 7946/tcp+udp (gossip), 4789/udp (VXLAN; `--data-path-port` changes it) and ESP for encrypted overlays (all Docker versions). A DROP in INPUT/OUTPUT, or a DROP policy, that takes these from the other nodes makes nodes go down, managers lose quorum and overlay networks stop working. Reported only for text about a Swarm node (it names a Swarm port or Swarm) or with node context; evaluated for the peers the file accepts (or the context names).',
  check(p) {
    if (p.noInterfaces) return; // -nL without -v: interface conditions unknown
    if (!aboutSwarm(p)) return;
    for (const chain of ['INPUT', 'OUTPUT'] as const) {
      const { byRule, byPolicy } = cut(p, chain);
      const dir = chain === 'INPUT' ? 'from' : 'to';
      for (const [rule, what] of byRule) {
        add(p, 'swarm/cuts-control-plane', severity(what, p), `This ${rule.target?.name ?? 'DROP'} cuts Swarm traffic ${dir} the other nodes: ${[...what].join('; ')}. Accept these from the other Swarm nodes before it.`, rule.span);
      }
      const decl = p.ruleset.tables.get('filter')?.chains.get(chain)?.declLine;
      if (byPolicy.size && decl !== undefined && decl >= 0 && p.kind !== 'listing') {
        add(p, 'swarm/cuts-control-plane', severity(byPolicy, p), `Policy DROP on ${chain} with no ACCEPT for Swarm traffic ${dir} the other nodes: ${[...byPolicy].join('; ')}. Accept them from the other Swarm nodes.`, lineSpan(decl, docLine(p, decl) ?? ''));
      }
    }
  },
};
