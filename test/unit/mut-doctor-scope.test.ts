/**
 * What the doctor's checks share (scope.ts: networks in scope, gossip names, running tasks; rules.ts: reading
 * MARK/DNAT rules), on the snapshot of the real 3-node lab (test/fixtures/doctor/lab-clean.json) and on captured
 * iptables outputs (the shared seeds). Expected answers come from elsewhere in the same capture: the embedded
 * DNS's own answers for `tasks.<service>`, the cluster peer list, the seeds' README facts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorInput, DoctorNode } from '../../src/core/doctor';
import type { Rule } from '../../src/core/iptables/model';
import { markValue, matchArg, parseTable, showRule, targetArg } from '../../src/core/doctor/rules';
import { gossipNameOf, gossipNameToNode, haveTaskList, inSubnet, networkOn, nodeAddr, nodeByAddr, overlayNamespace, overlayNetworks, peerViews, runningTasks, stripPrefix, taskIdOfEndpointName } from '../../src/core/doctor/scope';
import { FIXTURES, seed } from '../helpers';

const lab = (): DoctorNode[] => (JSON.parse(readFileSync(join(FIXTURES, 'doctor', 'lab-clean.json'), 'utf8')) as { nodes: DoctorNode[] }).nodes;
const node = (nodes: DoctorNode[], name: string) => nodes.find((n) => n.name === name) ?? assert.fail(name);
const TEST_ID = 'qru7ngt575p9svz968elx7f8b';
const INGRESS_ID = 'jmfcxcaq7jtmijisz50xjtbxi';

test('overlayNetworks on the lab: the two overlays once each (three nodes list them), bridges and host left out; by name, full id or id prefix', () => {
  const nodes = lab();
  assert.deepEqual(overlayNetworks({ nodes }), [
    { id: INGRESS_ID, name: 'ingress', subnets: ['10.0.0.0/24'], ingress: true, encrypted: false },
    { id: TEST_ID, name: 'swarmnet-test', subnets: ['10.231.0.0/24'], ingress: false, encrypted: false },
  ]);
  for (const want of ['swarmnet-test', TEST_ID, 'qru7ngt5']) assert.deepEqual(overlayNetworks({ nodes, network: want }).map((n) => n.id), [TEST_ID], want);
  assert.deepEqual(overlayNetworks({ nodes, network: 'swarmnet' }), [], 'a name prefix is not a name');
  assert.deepEqual(overlayNetworks({ nodes, network: 'jmfcx' }).map((n) => n.name), ['ingress']);
  assert.equal(overlayNetworks({ nodes, network: '' }).length, 2);
});

test('overlayNetworks: the first node that lists a network gives its name and subnets; an encrypted overlay says so', () => {
  const nodes = lab();
  const n2 = node(nodes, 'node2').model.networks.find((n) => n.id === TEST_ID) ?? assert.fail('net');
  n2.name = 'renamed-on-node2';
  n2.subnets = [{ subnet: '10.99.0.0/24' }];
  n2.encrypted = true;
  const net = overlayNetworks({ nodes }).find((n) => n.id === TEST_ID);
  assert.equal(net?.name, 'swarmnet-test');
  assert.deepEqual(net?.subnets, ['10.231.0.0/24']);
  assert.equal(net?.encrypted, false);
  node(nodes, 'node1').model.networks = node(nodes, 'node1').model.networks.filter((n) => n.id !== TEST_ID);
  assert.deepEqual(overlayNetworks({ nodes }).find((n) => n.id === TEST_ID), { id: TEST_ID, name: 'renamed-on-node2', subnets: ['10.99.0.0/24'], ingress: false, encrypted: true });
});

test('networkOn, overlayNamespace (1- and the first 10 characters of the id), nodeAddr, nodeByAddr on the lab', () => {
  const nodes = lab();
  const n3 = node(nodes, 'node3');
  assert.equal(networkOn(n3, TEST_ID)?.name, 'swarmnet-test');
  assert.equal(networkOn(n3, TEST_ID.slice(0, 12)), undefined);
  assert.equal(overlayNamespace(n3, TEST_ID)?.name, '1-qru7ngt575');
  assert.equal(overlayNamespace(n3, INGRESS_ID)?.name, '1-jmfcxcaq7j');
  assert.equal(overlayNamespace(n3, 'zzzzzzzzzzzzzzzzzzzzzzzzz'), undefined);
  assert.equal(nodeAddr(n3), '198.18.0.3');
  assert.equal(nodeByAddr({ nodes }, '198.18.0.2')?.name, 'node2');
  assert.equal(nodeByAddr({ nodes }, '198.18.0.9'), undefined);
  delete n3.model.swarm;
  assert.equal(nodeAddr(n3), undefined);
});

test('gossip names on the lab: each /clusterpeers name maps to the node with that address, and back', () => {
  const nodes = lab();
  const input: DoctorInput = { nodes };
  assert.deepEqual(
    [...gossipNameToNode(input)].map(([name, n]) => `${name} ${n.name}`).sort(),
    ['18cf9a3ce65c node1', '6c6491854f0d node2', 'ae6267d2f745 node3'],
  );
  assert.equal(gossipNameOf(input, node(nodes, 'node2')), '6c6491854f0d');
  // a peer at an address no gathered node has, and a peer without a name, map to nothing
  node(nodes, 'node1').gossip?.clusterPeers?.push({ name: 'gone00000000', ip: '198.18.0.77' }, { name: '', ip: '198.18.0.3' });
  assert.equal(gossipNameToNode(input).size, 3);
  // a node no peer entry names has no gossip name
  const extra = { ...node(nodes, 'node3'), name: 'node4', model: { ...node(nodes, 'node3').model, swarm: { ...node(nodes, 'node3').model.swarm!, nodeAddr: '198.18.0.4' } } };
  assert.equal(gossipNameOf({ nodes: [...nodes, extra] }, extra), undefined);
});

test('gossip names: two gathered nodes with the same address (the same node reached twice) → the name goes to the first; nodes without gossip or address add nothing', () => {
  const nodes = lab();
  const twin: DoctorNode = { ...node(nodes, 'node2'), name: 'node2-again', gossip: undefined };
  const m = gossipNameToNode({ nodes: [nodes[0], nodes[1], twin, nodes[2]] });
  assert.equal(m.get('6c6491854f0d')?.name, 'node2');
  const noAddr: DoctorNode = { ...node(nodes, 'node1'), name: 'x', model: { ...node(nodes, 'node1').model, swarm: undefined } };
  assert.equal(gossipNameToNode({ nodes: [noAddr, ...nodes] }).get('18cf9a3ce65c')?.name, 'node1');
});

test('stripPrefix and inSubnet', () => {
  assert.equal(stripPrefix('10.231.0.4/24'), '10.231.0.4');
  assert.equal(stripPrefix('10.231.0.4'), '10.231.0.4');
  assert.equal(inSubnet('10.231.0.4/24', '10.231.0.0/24'), true);
  assert.equal(inSubnet('10.231.0.4', '10.231.0.0/24'), true);
  assert.equal(inSubnet('10.0.0.4/24', '10.231.0.0/24'), false);
  assert.equal(inSubnet('<nil>', '10.231.0.0/24'), false);
});

test('runningTasks on the lab: exactly the addresses the embedded DNS answered for tasks.web and tasks.echo on swarmnet-test, each with its service and node', () => {
  const nodes = lab();
  const net = overlayNetworks({ nodes, network: 'swarmnet-test' })[0];
  const dnsSays = (name: string) => node(nodes, 'node2').dns?.find((q) => q.name === name)?.addresses ?? assert.fail(name);
  const tasks = runningTasks({ nodes }, net);
  assert.deepEqual(tasks.filter((t) => t.service === 'web').map((t) => t.ip).sort(), [...dnsSays('tasks.web')].sort());
  assert.deepEqual(tasks.filter((t) => t.service === 'echo').map((t) => t.ip).sort(), [...dnsSays('tasks.echo')].sort());
  assert.equal(tasks.length, 9);
  assert.deepEqual(
    tasks.find((t) => t.ip === '10.231.0.16'),
    { id: '0nx1sl9sb73ta9pzxx9s01gxj', service: 'web', nodeId: 'odxocxsog500k413ymnghz1t0', ip: '10.231.0.16' },
  );
  // on ingress: only web's tasks have an address there
  const ingress = overlayNetworks({ nodes, network: 'ingress' })[0];
  assert.deepEqual(runningTasks({ nodes }, ingress).map((t) => t.ip).sort(), ['10.0.0.11', '10.0.0.12', '10.0.0.13', '10.0.0.6', '10.0.0.8', '10.0.0.9']);
});

test('runningTasks: a task not running is left out; a worker\'s (stale) service list is not read; two managers listing the same task give it once', () => {
  const nodes = lab();
  const net = overlayNetworks({ nodes, network: 'swarmnet-test' })[0];
  const web = node(nodes, 'node1').model.services.find((s) => s.name === 'web') ?? assert.fail('web');
  web.tasks[0].state = 'shutdown';
  assert.equal(runningTasks({ nodes }, net).length, 8);
  assert.ok(!runningTasks({ nodes }, net).some((t) => t.id === web.tasks[0].id));
  // node2 is a worker: a service list there (as an old snapshot could have) is not the manager's
  node(nodes, 'node2').model.services = [{ ...web, name: 'ghost', tasks: [{ id: 'g'.repeat(25), nodeId: 'n', state: 'running', addresses: ['10.231.0.200/24'] }] }];
  assert.ok(!runningTasks({ nodes }, net).some((t) => t.service === 'ghost'));
  // node3 promoted: it lists the same services; no task twice
  node(nodes, 'node3').model.swarm = { ...node(nodes, 'node3').model.swarm!, controlAvailable: true };
  node(nodes, 'node3').model.services = structuredClone(node(nodes, 'node1').model.services);
  const ids = runningTasks({ nodes }, net).map((t) => t.id);
  assert.equal(ids.length, 8);
  assert.equal(new Set(ids).size, 8);
});

test('haveTaskList: true with a manager among the nodes, false with workers only (or no swarm at all)', () => {
  const nodes = lab();
  assert.equal(haveTaskList({ nodes }), true);
  assert.equal(haveTaskList({ nodes: nodes.slice(1) }), false);
  const noSwarm: DoctorNode = { ...nodes[1], model: { ...nodes[1].model, swarm: undefined } };
  assert.equal(haveTaskList({ nodes: [noSwarm] }), false);
});

test('taskIdOfEndpointName: the 25-character task id after the last dot of a real endpoint name; anything else is no task', () => {
  assert.equal(taskIdOfEndpointName('web.1.w9zcpgbjf3vbvrnexdyxiyxao'), 'w9zcpgbjf3vbvrnexdyxiyxao');
  assert.equal(taskIdOfEndpointName('echo.fx8hd9t3qzs1htcnrkg6c2uas.lrfq463zi2uncjg2c1s2vpvk5'), 'lrfq463zi2uncjg2c1s2vpvk5');
  assert.equal(taskIdOfEndpointName('ingress-endpoint'), undefined);
  assert.equal(taskIdOfEndpointName('web.1.w9zcpgbjf3vbvrnexdyxiyxa'), undefined, '24 characters');
  assert.equal(taskIdOfEndpointName('web.1.w9zcpgbjf3vbvrnexdyxiyxaoo'), undefined, '26 characters');
  assert.equal(taskIdOfEndpointName('web.1.W9ZCPGBJF3VBVRNEXDYXIYXAO'), undefined, 'upper case');
  assert.equal(taskIdOfEndpointName('web-1-w9zcpgbjf3vbvrnexdyxiyxao'), undefined, 'no dot before the id');
});

test('rules on captured mangle outputs: the MARK value of -S (--set-xmark 0x100/0xffffffff) and -nvL (MARK set 0x12c) rules, the dport, the VIP destination', () => {
  const s = parseTable(seed('ipspace-ingress_sbox.mangle.S.txt'), 'mangle');
  assert.deepEqual(s.map((r) => [r.chain, matchArg(r, 'dport'), markValue(r), r.destination?.value]), [
    ['PREROUTING', '8080', 256, undefined],
    ['INPUT', undefined, 256, '10.0.0.6/32'],
  ]);
  assert.equal(targetArg(s[0], 'set-xmark', 'set-mark'), '0x100/0xffffffff');
  assert.equal(targetArg(s[0], 'set-mark'), undefined);
  const l = parseTable(seed('schoolofdevops-task.mangle.nvL.OUTPUT.txt'), 'mangle');
  assert.deepEqual(l.map((r) => [r.destination?.value, markValue(r)]), [
    ['10.0.0.5/32', 256],
    ['10.0.0.8/32', 257],
    ['10.0.0.13/32', 259],
  ]);
  assert.equal(showRule(l[0]), '0     0 MARK       all  --  *      *       0.0.0.0/0            10.0.0.5             MARK set 0x100');
});

test('rules: --set-mark is read as well as --set-xmark; a negated --dport is no dport; a non-MARK rule has no mark; the DNAT target of a captured DOCKER-INGRESS', () => {
  const r = parseTable('-A PREROUTING -p tcp -m tcp ! --dport 22 -j MARK --set-mark 7\n-A OUTPUT -j MARK --set-xmark 0x10\n', 'mangle');
  assert.equal(matchArg(r[0], 'dport'), undefined);
  assert.equal(markValue(r[0]), 7);
  assert.equal(markValue(r[1]), 16);
  const nat = parseTable(seed('neuvector-host.nat.DOCKER-INGRESS.nvL.txt'), 'nat');
  assert.equal(nat[0].target?.name, 'DNAT');
  assert.equal(matchArg(nat[0], 'dport'), '1080');
  assert.equal(targetArg(nat[0], 'to-destination'), '172.18.0.2:1080');
  assert.equal(markValue(nat[0]), undefined);
  assert.equal(targetArg(nat[1], 'to-destination'), undefined, 'RETURN has no options');
  assert.equal(markValue(nat[1]), undefined);
});

test('markValue of a MARK rule without a set value, or with one that is not an integer, is undefined', () => {
  const rule = (args?: string[]): Rule => ({ ...parseTable('-A OUTPUT -j MARK --set-mark 1\n', 'mangle')[0], target: { name: 'MARK', goto: false, options: args ? [{ name: 'set-mark', negated: false, args }] : [] } }) as Rule;
  assert.equal(markValue(rule(['5'])), 5);
  assert.equal(markValue(rule()), undefined);
  assert.equal(markValue(rule([''])), undefined);
  assert.equal(markValue(rule(['1.5'])), undefined);
  assert.equal(markValue(rule(['x/0xff'])), undefined);
});

test('stripPrefix of a bare prefix is empty; runningTasks reads a network with two subnets and skips a node with no swarm information', () => {
  assert.equal(stripPrefix('/24'), '');
  const nodes = lab();
  const net = { ...overlayNetworks({ nodes, network: 'swarmnet-test' })[0], subnets: ['10.99.0.0/24', '10.231.0.0/24'] };
  const bare: DoctorNode = { ...nodes[1], model: { ...nodes[1].model, swarm: undefined } };
  assert.equal(runningTasks({ nodes: [bare, ...nodes] }, net).length, 9);
});

test('rules: the dport among other options of the match; a rule without a target has no target option and no mark; CONNMARK --set-mark is no packet mark', () => {
  const r = parseTable('-A PREROUTING -p tcp -m tcp --sport 1000 --dport 8080 -j CONNMARK --set-mark 0x1\n-A INPUT -s 10.0.0.1/32\n', 'mangle');
  assert.equal(matchArg(r[0], 'dport'), '8080');
  assert.equal(matchArg(r[0], 'sport'), '1000');
  assert.equal(targetArg(r[0], 'set-mark'), '0x1');
  assert.equal(markValue(r[0]), undefined);
  assert.equal(targetArg(r[1], 'set-mark'), undefined);
  assert.equal(markValue(r[1]), undefined);
  assert.equal(parseTable('-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080\n', 'nat')[0].table, 'nat');
});

/*
 * peerViews: who lists whom in a network's /networkpeers, among the nodes whose overlay namespace is there. On the
 * lab's snapshot, changed the way the real lab changed when 7946 was blocked (a node drops another from its list)
 * or as the gatherer leaves things (a diagnostic server not read, an answer that was no peer list).
 */
const NAME = { node1: '18cf9a3ce65c', node2: '6c6491854f0d', node3: 'ae6267d2f745' } as const;
type LabNode = keyof typeof NAME;
const peersOf = (nodes: DoctorNode[], observer: LabNode, id = TEST_ID) => node(nodes, observer).gossip?.networks[id] ?? assert.fail(`${observer} ${id}`);
/** `observer`'s /networkpeers for the network no longer lists `gone`. */
function dropPeer(nodes: DoctorNode[], observer: LabNode, gone: LabNode, id = TEST_ID): void {
  const g = peersOf(nodes, observer, id);
  assert.ok(g.peers?.some((p) => p.name === NAME[gone]), `${observer} listed ${gone} before`);
  g.peers = g.peers?.filter((p) => p.name !== NAME[gone]);
}
const LAB: LabNode[] = ['node1', 'node2', 'node3'];
/** missedBy of each lab node, in node order. */
const missed = (nodes: DoctorNode[], id = TEST_ID, input: DoctorInput = { nodes }) => LAB.map((n) => peerViews(input, id).missedBy(node(nodes, n)));

test('peerViews on the clean lab: every node lists every node (itself too) on both networks; nobody is missed, no pair is apart', () => {
  const nodes = lab();
  for (const id of [TEST_ID, INGRESS_ID]) {
    const v = peerViews({ nodes }, id);
    for (const a of nodes) {
      assert.equal(v.missedBy(a), 0, `${a.name} ${id}`);
      for (const b of nodes) {
        assert.equal(v.lists(a, b), true, `${a.name} lists ${b.name} on ${id}`);
        assert.equal(v.apart(a, b), false, `${a.name} ${b.name} ${id}`);
      }
    }
  }
});

test('peerViews, one side only: node1 no longer lists node3 on swarmnet-test while node3 still lists node1 → the pair is apart (both ways round), node3 is missed by one node; ingress untouched', () => {
  const nodes = lab();
  dropPeer(nodes, 'node1', 'node3');
  const [n1, n2, n3] = LAB.map((n) => node(nodes, n));
  const v = peerViews({ nodes }, TEST_ID);
  assert.equal(v.lists(n1, n3), false);
  assert.equal(v.lists(n3, n1), true);
  assert.equal(v.apart(n1, n3), true, 'the observer that leaves the other out comes first');
  assert.equal(v.apart(n3, n1), true, 'the observer that leaves the other out comes second');
  assert.equal(v.apart(n1, n2), false);
  assert.equal(v.apart(n2, n3), false);
  assert.deepEqual(missed(nodes), [0, 0, 1]);
  assert.equal(peerViews({ nodes }, INGRESS_ID).apart(n1, n3), false, 'another network\'s list is not read');
  assert.deepEqual(missed(nodes, INGRESS_ID), [0, 0, 0]);
});

test('peerViews in the state CI met (node1 and node2 dropped node3, node3 dropped node2): node3 is missed by two nodes, node2 by one, node1 by none', () => {
  const nodes = lab();
  dropPeer(nodes, 'node1', 'node3');
  dropPeer(nodes, 'node2', 'node3');
  dropPeer(nodes, 'node3', 'node2');
  assert.deepEqual(missed(nodes), [0, 1, 2]);
  const [n1, n2, n3] = LAB.map((n) => node(nodes, n));
  const v = peerViews({ nodes }, TEST_ID);
  assert.deepEqual([v.apart(n1, n2), v.apart(n1, n3), v.apart(n2, n3)], [false, true, true]);
});

test('peerViews: a node\'s own list is no view of it: node3 caught leaving swarmnet-test (NetworkDB\'s LeaveNetwork drops the node from its own list first) is missed by nobody', () => {
  const nodes = lab();
  dropPeer(nodes, 'node3', 'node3');
  const [n1, n2, n3] = LAB.map((n) => node(nodes, n));
  const v = peerViews({ nodes }, TEST_ID);
  assert.equal(v.lists(n3, n3), false);
  assert.deepEqual(missed(nodes), [0, 0, 0]);
  assert.deepEqual([v.apart(n1, n3), v.apart(n2, n3)], [false, false]);
});

test('peerViews: a node whose overlay namespace for the network is gone (its last task there left) takes no part: its stale list counts for nothing, it is apart from nobody; the others leaving it out still count', () => {
  const nodes = lab();
  const [n1, n2, n3] = LAB.map((n) => node(nodes, n));
  n3.model.namespaces = n3.model.namespaces.filter((ns) => ns.name !== '1-qru7ngt575');
  assert.equal(overlayNamespace(n3, TEST_ID), undefined);
  dropPeer(nodes, 'node3', 'node2'); // node3's list, read as it left, has lost node2
  let v = peerViews({ nodes }, TEST_ID);
  assert.equal(v.lists(n3, n2), false);
  assert.deepEqual(missed(nodes), [0, 0, 0], 'node3\'s view of node2 is not counted');
  assert.deepEqual([v.apart(n2, n3), v.apart(n3, n2)], [false, false]);
  // the others drop node3 as well: it is missed by both, but still apart from no one (it takes no part)
  dropPeer(nodes, 'node1', 'node3');
  dropPeer(nodes, 'node2', 'node3');
  v = peerViews({ nodes }, TEST_ID);
  assert.deepEqual(missed(nodes), [0, 0, 2]);
  assert.deepEqual([v.apart(n1, n3), v.apart(n3, n1), v.apart(n1, n2)], [false, false, false]);
  // on ingress node3 still takes part
  dropPeer(nodes, 'node1', 'node3', INGRESS_ID);
  assert.equal(peerViews({ nodes }, INGRESS_ID).apart(n1, n3), true);
  assert.deepEqual(missed(nodes, INGRESS_ID), [0, 0, 1]);
});

test('peerViews: what was not read says nothing (undefined, never "not listed"): a diagnostic server that was off, a network the node\'s gossip has no entry for, a /networkpeers answer that was no list', () => {
  const nodes = lab();
  const [n1, n2, n3] = LAB.map((n) => node(nodes, n));
  n2.gossip = undefined;
  n2.gossipSkipped = 'the diagnostic server is off ("network-diagnostic-port" is not set in /etc/docker/daemon.json): gossip checks skipped';
  delete (n3.gossip ?? assert.fail('node3 gossip')).networks[TEST_ID];
  peersOf(nodes, 'node1', INGRESS_ID).peers = undefined;
  const v = peerViews({ nodes }, TEST_ID);
  for (const b of nodes) {
    assert.equal(v.lists(n2, b), undefined, `node2 (not read) about ${b.name}`);
    assert.equal(v.lists(n3, b), undefined, `node3 (no entry) about ${b.name}`);
  }
  // node2 and node3 still have their gossip names (from node1's cluster peer list): node1's view of them is read
  assert.equal(v.lists(n1, n2), true);
  assert.equal(v.lists(n1, n3), true);
  assert.deepEqual(missed(nodes), [0, 0, 0]);
  assert.deepEqual([v.apart(n1, n2), v.apart(n1, n3), v.apart(n2, n3)], [false, false, false]);
  const vi = peerViews({ nodes }, INGRESS_ID);
  assert.equal(vi.lists(n1, n3), undefined, 'node1\'s ingress answer was no peer list');
  assert.equal(vi.lists(n3, n1), true);
  assert.deepEqual(missed(nodes, INGRESS_ID), [0, 0, 0]);
  assert.equal(vi.apart(n1, n3), false);
});

test('peerViews: a node no cluster peer entry names (no gossip name) is neither listed nor left out by anyone: lists is undefined, missedBy 0, apart from nobody', () => {
  const nodes = lab();
  const n3 = node(nodes, 'node3');
  const node4: DoctorNode = { ...n3, name: 'node4', gossip: undefined, model: { ...n3.model, swarm: { ...n3.model.swarm!, nodeAddr: '198.18.0.4' } } };
  const all = [...nodes, node4];
  const v = peerViews({ nodes: all }, TEST_ID);
  assert.ok(overlayNamespace(node4, TEST_ID), 'node4 takes part');
  assert.equal(gossipNameOf({ nodes: all }, node4), undefined);
  for (const o of nodes) {
    assert.equal(v.lists(o, node4), undefined, o.name);
    assert.equal(v.apart(o, node4), false, o.name);
  }
  assert.equal(v.missedBy(node4), 0);
  assert.deepEqual(missed(nodes, TEST_ID, { nodes: all }), [0, 0, 0]);
});

test('peerViews: a node with a second cluster peer entry at its address (an old name of a restarted daemon, not yet declared dead) is looked for under the name gossipNameOf gives it, the first', () => {
  const nodes = lab();
  node(nodes, 'node1').gossip?.clusterPeers?.push({ name: '0a1b2c3d4e5f', ip: '198.18.0.3' });
  const n3 = node(nodes, 'node3');
  assert.equal(gossipNameOf({ nodes }, n3), NAME.node3);
  const v = peerViews({ nodes }, TEST_ID);
  assert.equal(v.lists(node(nodes, 'node1'), n3), true);
  assert.deepEqual(missed(nodes), [0, 0, 0]);
  assert.equal(v.apart(node(nodes, 'node1'), n3), false);
});
