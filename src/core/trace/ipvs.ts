/** IPVS at LOCAL_IN / LOCAL_OUT: the service a packet hits (FWM or VIP), one branch per real server. */
import type { IpvsService } from '../parsers/ipvsadm';
import { findFwmService, findVipService } from '../parsers/ipvsadm';
import type { Rewrite } from './netfilter';
import { endpoint, type Packet } from './packet';
import type { PreparedScenario } from './prepare';
import { dropped, leaf, mkHop, type Ctx, type Cursor } from './hops';
import { lookupRoute } from './routing';
import type { TracePath } from './types';
import { postrouting } from './walk';
import { own } from '../record';

export function ipvsLookup(c: Cursor, p: Packet): IpvsService | 'none' | 'unknown' {
  const t = c.ns.ipvs;
  if (!t) return p.mark !== 0 && c.ns.info.kind !== 'host' ? 'unknown' : 'none';
  if (t.status !== 'ok') return p.mark !== 0 ? 'unknown' : 'none';
  return (p.mark !== 0 ? findFwmService(t, p.mark) : undefined) ?? findVipService(t, p.proto, p.dst, p.dport) ?? 'none';
}

export function ipvsStep(ctx: Ctx, c: Cursor, p: Packet, path: TracePath, svc: IpvsService | 'unknown', at: 'LOCAL_IN' | 'LOCAL_OUT'): TracePath {
  if (svc === 'unknown') {
    const t = c.ns.ipvs;
    const hop = mkHop(ctx, c, 'ipvs', `IPVS (${at}): state unknown`, p, { verdict: 'UNKNOWN' });
    hop.detail.push(
      t ? `${t.reason ?? `ipvsadm status ${t.status}`}` : `no ipvsadm output captured for ${c.ns.info.name}`,
      `the packet carries mark 0x${p.mark.toString(16)}, which an IPVS FWM service would pick up; without IPVS state the backend cannot be named`,
    );
    if (t?.status === 'absent') hop.detail.push('IPVS absent in this kernel: Swarm VIP / routing-mesh load balancing cannot work here');
    path.hops.push(hop);
    return leaf(path, { kind: 'unknown', node: c.node.model.name, namespace: c.ns.info.name, reason: hop.detail[0] });
  }
  const label = svc.protocol === 'FWM' ? `FWM ${svc.fwmark} (0x${(svc.fwmark ?? 0).toString(16)})` : `${svc.protocol} ${endpoint(svc.vip ?? svc.host ?? '?', svc.port)}`;
  const hop = mkHop(ctx, c, 'ipvs', `IPVS ${label} ${svc.scheduler} (${at})`, p, { verdict: svc.realServers.length ? 'FORWARD' : 'DROP' });
  hop.detail.push(`${c.ns.ipvsSource ?? 'ipvsadm'}:${svc.line} ${svc.protocol === 'FWM' ? `FWM  ${svc.fwmark} ${svc.scheduler}` : label} ${svc.flags.join(' ')}`.trim());
  const rs = svc.realServers;
  hop.detail.push(rs.length === 0 ? 'no real servers: IPVS drops the connection' : `${schedulerSentence(svc)}: any of ${rs.map((r) => `${r.host}${r.port !== undefined ? `:${r.port}` : ''} (${r.forward} w${r.weight})`).join(', ')}`);
  path.hops.push(hop);
  if (rs.length === 0) {
    hop.drop = `IPVS service ${label} has no real servers`;
    return dropped(path, c, hop);
  }
  const picked = ctx.req.backend ? rs.filter((r) => r.host === ctx.req.backend || r.address === ctx.req.backend) : rs;
  if (picked.length === 0) hop.detail.push(`backend ${ctx.req.backend} is not among the real servers`);
  for (const r of picked) {
    const sub: TracePath = { hops: [], branches: [] };
    const label2 = `${r.host}${r.port ? `:${r.port}` : ''}`;
    path.branches.push({ label: `IPVS → ${label2}`, path: sub });
    const cc: Cursor = { ...c, history: [...c.history], forwarded: [...c.forwarded] };
    const resolved = r.address ? undefined : resolveBackendName(ctx.sc, r.host);
    if (!r.address && !resolved) {
      const h = mkHop(ctx, cc, 'unknown', `backend ${r.host}: address unknown`, p, { verdict: 'UNKNOWN' });
      h.detail.push(`ipvsadm printed a name${r.truncated ? ' cut at its column width' : ''}, not an address (capture with ipvsadm -Ln to follow this backend)`);
      sub.hops.push(h);
      leaf(sub, { kind: 'unknown', node: cc.node.model.name, namespace: cc.ns.info.name, reason: `backend ${r.host}: address unknown` });
      continue;
    }
    const addr = (r.address ?? resolved?.ip) as string;
    const from = endpoint(p.dst, p.dport);
    const q: Packet = { ...p, dst: addr, dport: r.port && r.port !== 0 ? r.port : p.dport, ipvs: true, ipvsInfo: { vaddr: svc.vip, vport: svc.port, vproto: p.proto, fwmark: svc.fwmark, method: r.forward }, ct: { ...p.ct, status: [...p.ct.status, 'DNAT'] } };
    const rw: Rewrite = { kind: 'IPVS', from, to: endpoint(q.dst, q.dport), rule: `${label} → ${label2} ${r.forward}` };
    cc.history.push({ node: cc.node.model.name, ns: cc.ns.info.name, rw });
    const route = lookupRoute(cc.ns, q.dst);
    const rh = mkHop(ctx, cc, 'routing', route ? `IPVS ${r.forward} to ${endpoint(q.dst, q.dport)} via ${route.dev}` : `IPVS: no route to ${q.dst}`, q, { verdict: route ? 'FORWARD' : 'DROP', rewrites: [rw] });
    if (resolved) rh.detail.push(`ipvsadm printed the name ${r.host}${r.truncated ? ' (cut)' : ''}; ${resolved.how}`);
    if (route) rh.detail.push(`route ${route.route}`);
    sub.hops.push(rh);
    if (!route) {
      rh.drop = `no route to backend ${q.dst}`;
      dropped(sub, cc, rh);
      continue;
    }
    postrouting(ctx, cc, { ...q, outIface: route.dev }, route, sub);
  }
  return path;
}

/** Maps a name printed by ipvsadm (without -n, possibly cut) to an address using the models' network/service task lists. */
function resolveBackendName(sc: PreparedScenario, host: string): { ip: string; how: string } | undefined {
  for (const n of sc.nodes) {
    for (const net of n.model.networks) {
      for (const svc of net.services) {
        for (const t of svc.tasks) {
          if (t.name === host || t.name.startsWith(host) || host.startsWith(`${t.name}.`)) {
            return { ip: t.endpointIp.split('/')[0], how: `resolved to ${t.endpointIp} from network ${net.name} service ${svc.name} task ${t.name} (docker network inspect --verbose)` };
          }
        }
      }
      const ep = net.endpoints.find((e) => e.ipv4 && (e.name === host || host.startsWith(`${e.name}.`) || e.containerId.startsWith(host.split('.')[0])));
      if (ep?.ipv4) return { ip: ep.ipv4.split('/')[0], how: `resolved to ${ep.ipv4} from the endpoints of network ${net.name}` };
    }
  }
  return undefined;
}

function schedulerSentence(s: IpvsService): string {
  const names: Record<string, string> = { rr: 'round robin', wrr: 'weighted round robin', lc: 'least connection', wlc: 'weighted least connection', sh: 'source hashing', dh: 'destination hashing' };
  const persist = s.persistentTimeout !== undefined ? `, persistent ${s.persistentTimeout}s per client` : '';
  return `scheduler ${s.scheduler}${own(names, s.scheduler) ? ` (${own(names, s.scheduler) ?? ''})` : ''}${persist}; the connection goes to one backend, which one depends on scheduler state`;
}
