// The tracer's routing decision (src/core/trace/routing.ts) against the kernel: the model is a scratch namespace's
// real `ip -j addr` / `ip -j route` output and the expected answers are its `ip route get` (see
// test/fixtures/trace/kernel-routes/README.md). Found here: a blackhole or unreachable route was skipped and a
// less specific route taken; the kernel drops (the longest prefix decides whatever its type).
// Also the links the walk follows (veth peers, bridges, host namespaces, the node owning an address).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIpAddrJson, parseRoutesJson } from '../../src/core/parsers/iproute';
import type { InterfaceInfo, NamespaceInfo, NodeModel } from '../../src/core/model';
import { prepareScenario } from '../../src/core/trace/prepare';
import { hostNs, iface, isBridge, lookupRoute, nodeOwning, peerOf } from '../../src/core/trace/routing';
import { parseDumpText } from '../../src/core/iptables/parse';

const dir = join(__dirname, '..', 'fixtures', 'trace', 'kernel-routes');
const diags: never[] = [];
const interfaces = parseIpAddrJson(readFileSync(join(dir, 'ip-addr.json'), 'utf8'), 'ip-addr.json', diags);
const routes = parseRoutesJson(readFileSync(join(dir, 'ip-route.json'), 'utf8'), 'ip-route.json', diags);

const nsInfo = (name: string, kind: NamespaceInfo['kind'], ifs: InterfaceInfo[], rts = routes, peers: NamespaceInfo['peers'] = {}): NamespaceInfo => ({ name, path: '', kind, containers: [], interfaces: ifs, fdb: [], neighbors: [], routes: rts, peers });
const node = (name: string, namespaces: NamespaceInfo[]): NodeModel => ({ name, networks: [], namespaces, services: [], diagnostics: [], discoveredAt: '' });
const prep = (namespaces: NamespaceInfo[]) => prepareScenario({ nodes: [{ model: node('n1', namespaces), dumps: {} }] }, (d) => parseDumpText(d.text));

describe('routing decision (kernel: ip route get)', () => {
  const ns = prep([nsInfo('host', 'host', interfaces)]).nodes[0].ns.get('host');
  assert.ok(ns);
  const get = (dst: string): string => {
    const r = lookupRoute(ns, dst);
    return r ? `${r.nextHop === dst ? '' : `via ${r.nextHop} `}dev ${r.dev} src ${r.src}` : 'no route';
  };
  it('the parsed model is the capture', () => {
    assert.deepEqual(diags, []);
    assert.equal(routes.length, 8);
    assert.deepEqual(interfaces.map((i) => i.name), ['lo', 'p0', 'd0', 'p1', 'd1']);
  });
  it('longest prefix, gateways, preferred source, default', () => {
    assert.equal(get('10.0.0.7'), 'dev d0 src 10.0.0.1');
    assert.equal(get('10.2.3.4'), 'via 10.1.0.254 dev d1 src 10.1.0.1');
    assert.equal(get('10.2.4.4'), 'via 10.0.0.254 dev d0 src 10.0.0.1');
    assert.equal(get('8.8.8.8'), 'via 10.0.0.254 dev d0 src 10.0.0.1');
    assert.equal(get('10.3.1.1'), 'via 10.0.0.253 dev d0 src 10.1.0.1');
    assert.equal(get('10.1.200.3'), 'dev d1 src 10.1.0.1');
  });
  it('blackhole and unreachable routes: no route, not the default behind them', () => {
    assert.equal(get('10.9.1.1'), 'no route');
    assert.equal(get('10.8.1.1'), 'no route');
  });
  it('another table is not consulted (no policy rules in the model)', () => {
    const withTable = prep([nsInfo('host', 'host', interfaces, [...routes, { dst: '10.4.0.0/16', gateway: '10.1.0.253', dev: 'd1', table: '100' }, { dst: '10.5.0.0/16', gateway: '10.1.0.252', dev: 'd1', table: 'main' }])]).nodes[0].ns.get('host');
    assert.ok(withTable);
    assert.equal(lookupRoute(withTable, '10.4.1.1')?.nextHop, '10.0.0.254');
    assert.equal(lookupRoute(withTable, '10.5.1.1')?.nextHop, '10.1.0.252');
  });
  it('the route text says gateway and connected', () => {
    assert.equal(lookupRoute(ns, '10.2.3.4')?.route, '10.2.3.0/24 via 10.1.0.254 dev d1');
    assert.equal(lookupRoute(ns, '10.0.0.7')?.route, '10.0.0.0/24 dev d0 (connected)');
    assert.equal(lookupRoute(ns, 'fe80::1'), undefined);
  });
  it('connected routes come from the addresses when the capture has no route list (not lo, not IPv6)', () => {
    const bare = prep([nsInfo('host', 'host', interfaces, [])]).nodes[0].ns.get('host');
    assert.ok(bare);
    assert.deepEqual(lookupRoute(bare, '10.0.0.7'), { dev: 'd0', nextHop: '10.0.0.7', route: '10.0.0.0/24 dev d0 (connected)', src: '10.0.0.1' });
    assert.equal(lookupRoute(bare, '10.1.255.1')?.route, '10.1.0.0/16 dev d1 (connected)');
    assert.equal(lookupRoute(bare, '127.0.0.5'), undefined);
    assert.equal(lookupRoute(bare, '8.8.8.8'), undefined);
    // a route without prefsrc: the source is the first address of its device
    const gw = prep([nsInfo('host', 'host', interfaces, [{ dst: 'default', gateway: '10.1.0.254', dev: 'd1' }])]).nodes[0].ns.get('host');
    assert.ok(gw);
    assert.equal(lookupRoute(gw, '8.8.8.8')?.src, '10.1.0.1');
    // a route without a device cannot be followed
    const nodev = prep([nsInfo('host', 'host', interfaces, [{ dst: 'default', gateway: '10.1.0.254' }])]).nodes[0].ns.get('host');
    assert.ok(nodev);
    assert.equal(lookupRoute(nodev, '8.8.8.8'), undefined);
  });
});

describe('links', () => {
  const veth = (ifindex: number, name: string, extra: Partial<InterfaceInfo> = {}): InterfaceInfo => ({ ifindex, name, flags: [], addresses: [], kind: 'veth', ...extra });
  const br: InterfaceInfo = { ifindex: 3, name: 'br0', flags: [], addresses: [{ family: 'inet', address: '10.0.9.1', prefixLen: 24 } as InterfaceInfo['addresses'][number]], kind: 'bridge' };
  const sc = prepareScenario(
    {
      nodes: [
        { model: node('n1', [nsInfo('host', 'host', interfaces), nsInfo('ov', 'overlay', [br, veth(4, 'veth0', { master: 'br0' })], [], { 4: { namespace: 'task', ifindex: 9, name: 'eth0' } }), nsInfo('task', 'task', [veth(9, 'eth0')], [], { 9: { namespace: 'ov', ifindex: 4, name: 'veth0' } })]), dumps: {} },
        { model: node('n2', [nsInfo('other', 'host', [{ ifindex: 2, name: 'eth0', flags: [], addresses: [{ family: 'inet', address: '198.18.0.3', prefixLen: 24 } as InterfaceInfo['addresses'][number]] }])]), dumps: {} },
      ],
    },
    (d) => parseDumpText(d.text),
  );
  const [n1, n2] = sc.nodes;
  it('veth peers by ifindex (or name), bridges by kind or by having ports', () => {
    const ov = n1.ns.get('ov');
    const task = n1.ns.get('task');
    assert.ok(ov && task);
    assert.equal(peerOf(n1, ov, iface(ov, 'veth0') as InterfaceInfo)?.ns, task);
    assert.equal(peerOf(n1, task, iface(task, 'eth0') as InterfaceInfo)?.iface.name, 'veth0');
    assert.equal(peerOf(n1, ov, br), undefined);
    assert.equal(isBridge(ov, br), true);
    assert.equal(isBridge(ov, { ...br, kind: undefined }), true, 'a device with ports is a bridge');
    assert.equal(isBridge(ov, iface(ov, 'veth0') as InterfaceInfo), false);
    assert.equal(iface(ov, 'nosuch'), undefined);
  });
  it('host namespace by name or kind; the node owning an address (never by loopback)', () => {
    assert.equal(hostNs(n1)?.info.name, 'host');
    assert.equal(hostNs(n2)?.info.name, 'other');
    assert.equal(nodeOwning(sc, '10.1.0.1'), n1);
    assert.equal(nodeOwning(sc, '198.18.0.3'), n2);
    assert.equal(nodeOwning(sc, '127.0.0.1'), undefined);
    assert.equal(nodeOwning(sc, '10.0.9.1'), undefined, 'an address of a non-host namespace');
  });
});
