/**
 * The NetworkDB reader on REAL answers of the lab engines' diagnostic server (dockerd 20.10, captured with curl
 * on each node's 127.0.0.1:2000 into test/fixtures/doctor/networkdb-lab.json), judged against an independent
 * reading of the same tables: `docker network inspect --verbose` (moby decodes endpoint_table itself), `docker
 * inspect` of the tasks (service id, container id) and the cluster peer list (owner name → node address).
 * Byte-level cases (varint limits, other wire types, truncation) are written from the protobuf encoding spec,
 * starting from the real records' bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../../src/core/diagnostics';
import { decodeEndpointRecord, decodePeerRecord, parsePeers, parseTable, protoFields } from '../../src/core/doctor/networkdb';
import { FIXTURES } from '../helpers';

interface Capture {
  networks: Record<string, string>;
  nodes: Record<string, Record<string, string>>;
  dockerVerbose: Record<string, Record<string, { VIP: string; Ports: string[]; Tasks: { Name: string; EndpointID: string; EndpointIP: string; Info: { 'Host IP': string } }[] }>>;
  dockerServiceIds: Record<string, string>;
  dockerTasks: Record<string, { slot: number; service: string; containerId: string }>;
}
const CAP = JSON.parse(readFileSync(join(FIXTURES, 'doctor', 'networkdb-lab.json'), 'utf8')) as Capture;
const NODES = ['node1', 'node2', 'node3'];
const ep = (net: string) => `/gettable?nid=${CAP.networks[net]}&tname=endpoint_table&json`;
const op = (net: string) => `/gettable?nid=${CAP.networks[net]}&tname=overlay_peer_table&json`;
const rawEntries = (body: string) => (JSON.parse(body) as { details: { entries: { key: string; value: string; owner: string }[] } }).details.entries;
/** The owner names by address, from /clusterpeers as node1 printed it. */
const ownerIp = new Map(rawEntries(CAP.nodes.node1['/clusterpeers?json']).map((e) => [(e as unknown as Record<string, string>)['-=name'], (e as unknown as Record<string, string>).ip]));
/** Docker's MAC for an overlay address: 02:42 and the four address bytes (what the captured FDB rows show). */
const macOf = (ip: string) => `02:42:${ip.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).join(':')}`;

test('lab endpoint_table on every node: each row decodes to what docker network inspect --verbose says (name, service, VIP, address, owner), service ids and the task alias as docker inspect says', () => {
  for (const net of ['swarmnet-test', 'ingress']) {
    // expected, per endpoint id, from docker's own reading
    const want = new Map<string, { name: string; service: string; vip: string; ip: string; host: string }>();
    for (const [service, s] of Object.entries(CAP.dockerVerbose[net])) for (const t of s.Tasks) want.set(t.EndpointID, { name: t.Name, service, vip: s.VIP, ip: t.EndpointIP, host: t.Info['Host IP'] });
    for (const node of NODES) {
      const diags: Diagnostic[] = [];
      const rows = parseTable(CAP.nodes[node][ep(net)], `endpoint_table ${net}`, decodeEndpointRecord, diags);
      assert.deepEqual(diags, []);
      assert.ok(rows);
      assert.deepEqual(rows.map((r) => r.key).sort(), [...want.keys()].sort(), `${node} ${net}: the same endpoints as docker`);
      for (const r of rows) {
        const w = want.get(r.key) ?? assert.fail(r.key);
        assert.equal(r.value.name, w.name);
        assert.equal(r.value.serviceName, w.service);
        assert.equal(r.value.virtualIp, w.vip); // "<nil>" for the ingress-endpoint rows, as docker prints it too
        assert.equal(r.value.endpointIp, w.ip);
        assert.equal(ownerIp.get(r.owner), w.host, `${r.key}: owner ${r.owner}`);
        assert.equal(r.value.serviceDisabled, false);
        if (w.service) {
          assert.equal(r.value.serviceId, CAP.dockerServiceIds[w.service]);
          const task = CAP.dockerTasks[w.name.split('.')[2]] ?? assert.fail(w.name);
          // libnetwork's task alias is the container's short id
          assert.deepEqual(r.value.taskAliases, [task.containerId.slice(0, 12)]);
        } else {
          assert.equal(r.value.serviceId, '');
          assert.deepEqual(r.value.taskAliases, []);
        }
      }
    }
  }
});

test('lab overlay_peer_table on every node: each task row gives docker\'s address (with its /24), the MAC docker derives from it, lower case, and the task node\'s VTEP', () => {
  for (const net of ['swarmnet-test', 'ingress']) {
    const tasks = new Map(Object.values(CAP.dockerVerbose[net]).flatMap((s) => s.Tasks.map((t) => [t.EndpointID, t] as const)));
    for (const node of NODES) {
      const diags: Diagnostic[] = [];
      const rows = parseTable(CAP.nodes[node][op(net)], `overlay_peer_table ${net}`, decodePeerRecord, diags) ?? assert.fail('rows');
      assert.deepEqual(diags, []);
      assert.equal(rows.length, rawEntries(CAP.nodes[node][op(net)]).length);
      let matched = 0;
      for (const r of rows) {
        assert.match(r.value.endpointIp, /^\d+\.\d+\.\d+\.\d+\/24$/);
        assert.equal(r.value.endpointMac, macOf(r.value.endpointIp.split('/')[0]));
        assert.equal(ownerIp.get(r.owner), r.value.tunnelEndpointIp, 'the owner is the node whose VTEP the row names');
        const t = tasks.get(r.key);
        if (!t) continue; // the load-balancer endpoints (lb-<net>) are peers too, not tasks
        matched++;
        assert.equal(r.value.endpointIp, `${t.EndpointIP}/24`);
        assert.equal(r.value.tunnelEndpointIp, t.Info['Host IP']);
      }
      assert.equal(matched, tasks.size);
    }
  }
});

test('a real ingress endpoint record: its ingress_ports field (a nested PortConfig) is skipped by the record reader, and read on its own gives target 80, published 8080 (a two-byte varint)', () => {
  const b64 = rawEntries(CAP.nodes.node1[ep('ingress')]).find((e) => e.value.startsWith('Ch93ZWIu'))?.value ?? assert.fail('a web row');
  const fields = protoFields(Buffer.from(b64, 'base64')) ?? assert.fail('fields');
  assert.deepEqual(fields.map((f) => [f.no, f.wire]), [[1, 2], [2, 2], [3, 2], [4, 2], [5, 2], [6, 2], [8, 2]]);
  const port = fields.find((f) => f.no === 6)?.bytes ?? assert.fail('ingress_ports');
  // PortConfig: protocol tcp (0) is left out, target_port = 3, published_port = 4
  assert.deepEqual(protoFields(port), [
    { no: 3, wire: 0, varint: 80 },
    { no: 4, wire: 0, varint: 8080 },
  ]);
  assert.equal(decodeEndpointRecord(b64)?.virtualIp, '10.0.0.5');
});

/** A real record's bytes (web.1 on swarmnet-test), to append fields to. */
const WEB1 = 'Ch93ZWIuMS53OXpjcGdiamYzdmJ2cm5leGR5eGl5eGFvEgN3ZWIaGThsb2k1eGFtamkzMTF3bThsOHphdWRka2wiCjEwLjIzMS4wLjIqCjEwLjIzMS4wLjRCDDE3YjBjMjc1MDk3Ng==';
const withBytes = (b64: string, ...extra: number[]) => Buffer.concat([Buffer.from(b64, 'base64'), Buffer.from(extra)]).toString('base64');

test('EndpointRecord service_disabled (field 9, a bool varint): 1 is true, 0 false, absent false', () => {
  assert.equal(decodeEndpointRecord(withBytes(WEB1, 0x48, 0x01))?.serviceDisabled, true);
  assert.equal(decodeEndpointRecord(withBytes(WEB1, 0x48, 0x00))?.serviceDisabled, false);
  assert.equal(decodeEndpointRecord(WEB1)?.serviceDisabled, false);
  // a varint 1 in another field is not service_disabled
  assert.equal(decodeEndpointRecord(withBytes(WEB1, 0x50, 0x01))?.serviceDisabled, false);
});

test('EndpointRecord aliases (field 7) are not task aliases (field 8); several task aliases are all kept, in order', () => {
  const alias = [...Buffer.from('db')];
  const r = decodeEndpointRecord(withBytes(WEB1, 0x3a, alias.length, ...alias, 0x42, 2, ...Buffer.from('t2')));
  assert.deepEqual(r?.taskAliases, ['17b0c2750976', 't2']);
  assert.equal(r?.name, 'web.1.w9zcpgbjf3vbvrnexdyxiyxao');
});

test('protobuf wire types: fixed64 (1) and fixed32 (5) fields are skipped whole, the next field is still read; groups (3, 4) and wire types 6, 7 are refused', () => {
  // field 1 = "a", then field 2 fixed64, field 3 fixed32, field 4 varint 150 (two bytes: 0x96 0x01)
  const buf = Buffer.from([0x0a, 1, 0x61, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1d, 1, 2, 3, 4, 0x20, 0x96, 0x01]);
  assert.deepEqual(protoFields(buf), [
    { no: 1, wire: 2, bytes: Buffer.from('a') },
    { no: 4, wire: 0, varint: 150 },
  ]);
  for (const wire of [3, 4, 6, 7]) assert.equal(protoFields(Buffer.from([(1 << 3) | wire, 0])), undefined, `wire type ${wire}`);
});

test('protobuf truncation: a varint cut short, a length past the end, a fixed32/fixed64 cut short are refused; a length ending exactly at the end is read', () => {
  assert.equal(protoFields(Buffer.from([0x08, 0x96])), undefined, 'varint value cut short');
  assert.equal(protoFields(Buffer.from([0x88])), undefined, 'tag cut short');
  assert.equal(protoFields(Buffer.from([0x0a, 0x82])), undefined, 'length cut short');
  assert.equal(protoFields(Buffer.from([0x0a, 3, 0x61, 0x62])), undefined, 'length one past the end');
  assert.deepEqual(protoFields(Buffer.from([0x0a, 2, 0x61, 0x62])), [{ no: 1, wire: 2, bytes: Buffer.from('ab') }]);
  assert.equal(protoFields(Buffer.from([0x0d, 1, 2, 3])), undefined, 'fixed32 cut short');
  assert.equal(protoFields(Buffer.from([0x09, 1, 2, 3, 4, 5, 6, 7])), undefined, 'fixed64 cut short');
  assert.deepEqual(protoFields(Buffer.from([])), []);
});

test('protobuf varints: ten bytes is the longest (2^63 reads), an eleventh is refused; a field number above 15 takes a two-byte tag', () => {
  const ten = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
  assert.deepEqual(protoFields(Buffer.from([0x08, ...ten])), [{ no: 1, wire: 0, varint: 2 ** 63 }]);
  assert.equal(protoFields(Buffer.from([0x08, 0x80, ...ten])), undefined);
  // the reader does not resume after an eleven-byte varint: what follows (here a well-formed field 1 = 1) is not read as fields
  assert.equal(protoFields(Buffer.from([0x08, 0x80, ...ten, 0x08, 0x01])), undefined, 'eleven-byte value, then a field');
  assert.equal(protoFields(Buffer.from([0x80, ...ten.slice(0, 9), 0x80, 0x00, 0x08, 0x01])), undefined, 'eleven-byte tag, then a field');
  assert.equal(protoFields(Buffer.from([0x0a, 0x80, ...ten.slice(0, 9), 0x80, 0x00, 0x08, 0x01])), undefined, 'eleven-byte length, then a field');
  // field 16, varint: tag (16 << 3) = 128 = 0x80 0x01
  assert.deepEqual(protoFields(Buffer.from([0x80, 0x01, 0x05])), [{ no: 16, wire: 0, varint: 5 }]);
  // a three-byte varint: 300000 = 0xe0 0xa7 0x12
  assert.deepEqual(protoFields(Buffer.from([0x08, 0xe0, 0xa7, 0x12])), [{ no: 1, wire: 0, varint: 300000 }]);
});

test('PeerRecord: the MAC is lower-cased; a row without its address, MAC or VTEP is refused; undecodable bytes are refused', () => {
  const rec = (ip: string, mac: string, vtep: string) =>
    Buffer.concat([ip, mac, vtep].flatMap((s, i) => (s ? [Buffer.from([((i + 1) << 3) | 2, s.length]), Buffer.from(s)] : []))).toString('base64');
  assert.deepEqual(decodePeerRecord(rec('10.231.0.4/24', '02:42:0A:E7:00:04', '198.18.0.1')), { endpointIp: '10.231.0.4/24', endpointMac: '02:42:0a:e7:00:04', tunnelEndpointIp: '198.18.0.1' });
  assert.equal(decodePeerRecord(rec('', '02:42:0a:e7:00:04', '198.18.0.1')), undefined);
  assert.equal(decodePeerRecord(rec('10.231.0.4/24', '', '198.18.0.1')), undefined);
  assert.equal(decodePeerRecord(rec('10.231.0.4/24', '02:42:0a:e7:00:04', '')), undefined);
  assert.equal(decodePeerRecord(Buffer.from([0x0a, 9, 0x31]).toString('base64')), undefined);
  assert.equal(decodeEndpointRecord(Buffer.from([0x0a, 9, 0x31]).toString('base64')), undefined);
});

test('an EndpointRecord with no endpoint address (an empty value, or one without field 5) is refused, not read as a nameless row', () => {
  assert.equal(decodeEndpointRecord(''), undefined);
  const noIp = Buffer.concat([Buffer.from([0x0a, 5]), Buffer.from('web.1')]).toString('base64');
  assert.equal(decodeEndpointRecord(noIp), undefined);
});

test('lab /clusterpeers and /networkpeers: the peer name key is literally "-=name"; every node lists the same three peers', () => {
  for (const node of NODES) {
    for (const path of ['/clusterpeers?json', `/networkpeers?nid=${CAP.networks['swarmnet-test']}&json`]) {
      const diags: Diagnostic[] = [];
      const peers = parsePeers(CAP.nodes[node][path], path, diags) ?? assert.fail(path);
      assert.deepEqual(diags, []);
      assert.deepEqual(peers.map((p) => `${p.name} ${p.ip}`).sort(), [...ownerIp].map(([n, ip]) => `${n} ${ip}`).sort());
    }
  }
  // a plain "name" key is read too; an entry without either gives empty strings, not "undefined"
  assert.deepEqual(parsePeers('{"message":"OK","details":{"entries":[{"name":"abc","ip":"10.0.0.1"},{}]}}', 'x', []), [
    { name: 'abc', ip: '10.0.0.1' },
    { name: '', ip: '' },
  ]);
  assert.deepEqual(parsePeers('{"message":"OK","details":{"entries":[{"-=name":"a","name":"b","ip":"1.2.3.4"}]}}', 'x', []), [{ name: 'a', ip: '1.2.3.4' }]);
});

test('lab: an empty table answers {"size":0,"entries":null}: no rows, no diagnostic', () => {
  const diags: Diagnostic[] = [];
  const body = CAP.nodes.node1[`/gettable?nid=${CAP.networks['swarmnet-test']}&tname=nosuch_table&json`];
  assert.equal(body, '{"message":"OK","details":{"size":0,"entries":null}}');
  assert.deepEqual(parseTable(body, 't', decodePeerRecord, diags), []);
  assert.deepEqual(diags, []);
});

test('lab: the diagnostic server\'s refusals ("missing parameter", "not implemented", with a usage in details) are diagnostics, not empty tables', () => {
  const excerpts: Record<string, string> = {
    '/gettable?json': '{"message":"missing parameter","details":{"usage":"/gettable?tname=table_name\\u0…',
    '/networkpeers?json': '{"message":"missing parameter","details":{"usage":"/networkpeers?nid=test"}}',
  };
  for (const path of ['/gettable?json', '/networkpeers?json']) {
    const body = CAP.nodes.node2[path];
    assert.match(body, /"message":"missing parameter","details":\{"usage"/);
    const diags: Diagnostic[] = [];
    assert.equal(path.startsWith('/gettable') ? parseTable(body, path, decodeEndpointRecord, diags) : parsePeers(body, path, diags), undefined, path);
    assert.equal(diags.length, 1);
    assert.equal(diags[0].severity, 'warning');
    assert.equal(diags[0].source, path);
    assert.equal(diags[0].message, 'diagnostic server said: missing parameter');
    assert.equal(diags[0].excerpt, excerpts[path]);
  }
  const diags: Diagnostic[] = [];
  assert.equal(parsePeers('{"message":"not implemented","details":{"usage":"URL path: /nosuchpath no method implemented check /help\\n"}}', 's', diags), undefined);
  assert.equal(diags[0].message, 'diagnostic server said: not implemented');
});

test('diagnostic server answers that are not tables: not JSON, no details (with or without a message), entries not a list, a JSON list', () => {
  const one = (body: string): Diagnostic => {
    const diags: Diagnostic[] = [];
    assert.equal(parseTable(body, 'src', decodePeerRecord, diags), undefined, body);
    assert.equal(diags.length, 1, body);
    assert.equal(diags[0].source, 'src');
    assert.equal(diags[0].severity, 'warning');
    return diags[0];
  };
  const html = '<html>\n<body>404 page not found</body></html>';
  assert.deepEqual(one(html), { severity: 'warning', source: 'src', message: 'answer is not JSON', excerpt: '<html>\\n<body>404 page not found</body></html>' });
  assert.equal(one('{"message":"network not found"}').message, 'diagnostic server said: network not found');
  assert.equal(one('{"message":"boom","details":null}').message, 'diagnostic server said: boom');
  assert.equal(one('{"message":7}').message, 'diagnostic server said: no details');
  assert.equal(one('[1,2]').message, 'diagnostic server said: no details');
  assert.equal(one('{"details":[1]}').message, 'diagnostic server said: no details');
  assert.equal(one('{"message":"OK","details":{"size":0}}').message, 'diagnostic server said: OK');
  assert.deepEqual(one('{"message":"OK","details":{"entries":{"a":1}}}'), { severity: 'warning', source: 'src', message: 'details.entries is not a list', excerpt: '{"message":"OK","details":{"entries":{"a":1}}}' });
});

test('gettable rows that cannot be read (value not base64 protobuf, value or key missing or not a string) are left out, each with its own diagnostic; non-object entries are ignored; a missing owner reads as ""', () => {
  const good = rawEntries(CAP.nodes.node1[op('swarmnet-test')])[0];
  const body = JSON.stringify({ message: 'OK', details: { entries: [good, { key: 'k1', value: 'CgkxMA==', owner: 'x' }, { key: 'k2', owner: 'x' }, { value: good.value, owner: 'x' }, { key: 3, value: good.value }, { key: 'k4', value: 5 }, 'junk', null, { key: 'k5', value: good.value }] } });
  const diags: Diagnostic[] = [];
  const rows = parseTable(body, 'overlay_peer_table t', decodePeerRecord, diags) ?? assert.fail('rows');
  assert.deepEqual(
    rows.map((r) => [r.key, r.owner]),
    [
      [good.key, good.owner],
      ['k5', ''],
    ],
  );
  assert.equal(diags.length, 5);
  for (const d of diags) {
    assert.equal(d.message, 'table row could not be decoded; left out of the comparison');
    assert.equal(d.source, 'overlay_peer_table t');
    assert.equal(d.severity, 'warning');
  }
  assert.equal(diags[0].excerpt, '{"key":"k1","value":"CgkxMA==","owner":"x"}');
});

test('protobuf: a tag that does not end within ten bytes, and a group (wire type 3) followed by eight bytes, are refused', () => {
  assert.equal(protoFields(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])), undefined);
  assert.equal(protoFields(Buffer.from([(1 << 3) | 3, 1, 2, 3, 4, 5, 6, 7, 8])), undefined);
  assert.equal(protoFields(Buffer.from([(1 << 3) | 4, 1, 2, 3, 4])), undefined);
});
