import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpvsadm, findFwmService, findVipService } from '../../src/core/parsers/ipvsadm';
import { seed } from '../helpers';

test('ipvsadm -ln (ipspace ingress_sbox, real capture): FWM 256 rr with 3 Masq backends', () => {
  const { value, diagnostics } = parseIpvsadm(seed('ipspace-ingress_sbox.ipvsadm-ln.txt'));
  assert.equal(value.status, 'ok');
  assert.equal(value.version, '1.2.1');
  assert.equal(value.size, 4096);
  assert.deepEqual(diagnostics, []);
  assert.equal(value.services.length, 1);
  const s = value.services[0];
  assert.equal(s.protocol, 'FWM');
  assert.equal(s.fwmark, 256);
  assert.equal(s.scheduler, 'rr');
  assert.deepEqual(s.realServers.map((r) => [r.address, r.port, r.forward, r.weight]), [
    ['10.0.0.7', 0, 'Masq', 1],
    ['10.0.0.8', 0, 'Masq', 1],
    ['10.0.0.9', 0, 'Masq', 1],
  ]);
  assert.equal(findFwmService(value, 256), s);
  assert.equal(findFwmService(value, 300), undefined);
  assert.equal(value.numeric, true);
});

test('ipvsadm -ln (neuvector ingress_sbox): FWM 300 → 10.255.0.5', () => {
  const { value } = parseIpvsadm(seed('neuvector-ingress_sbox.ipvsadm-ln.txt'));
  assert.equal(findFwmService(value, 300)?.realServers[0].address, '10.255.0.5');
});

test('ipvsadm without -n (schoolofdevops task): names resolved and cut at column width', () => {
  const { value, diagnostics } = parseIpvsadm(seed('schoolofdevops-task.ipvsadm.txt'));
  assert.equal(value.status, 'ok');
  assert.equal(value.numeric, false);
  assert.deepEqual(value.services.map((s) => [s.fwmark, s.realServers.length]), [[256, 5], [257, 1], [259, 2]]);
  const rs = value.services[0].realServers;
  assert.equal(rs[0].host, 'redis.1.m911y2nt3wy0qo5x8i9p');
  assert.equal(rs[0].truncated, true);
  assert.equal(rs[0].port, undefined);
  assert.equal(rs[0].address, undefined);
  assert.equal(rs[2].host, 'e89fbe75fb1a.vote');
  assert.equal(rs[2].port, 0);
  assert.equal(rs[2].truncated, false);
  assert.equal(diagnostics.filter((d) => /cut by ipvsadm/.test(d.message)).length, 6);
});

test('TCP/UDP VIP services with persistence, IPv6 and other forward methods', () => {
  const text = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
    'TCP  10.0.0.5:80 wrr persistent 360',
    '  -> 10.0.0.7:8080                Route   3      2          1',
    'UDP  [fd00::5]:53 rr ops',
    '  -> [fd00::7]:53                 Tunnel  1      0          0',
  ].join('\n');
  const { value, diagnostics } = parseIpvsadm(text);
  assert.deepEqual(diagnostics, []);
  assert.equal(value.services[0].persistentTimeout, 360);
  assert.equal(value.services[0].realServers[0].forward, 'Route');
  assert.equal(value.services[0].realServers[0].activeConn, 2);
  assert.equal(value.services[1].vip, 'fd00::5');
  assert.deepEqual(value.services[1].flags, ['ops']);
  assert.equal(value.services[1].realServers[0].address, 'fd00::7');
  assert.equal(findVipService(value, 'tcp', '10.0.0.5', 80), value.services[0]);
  assert.equal(findVipService(value, 'tcp', '10.0.0.5', 81), undefined);
});

test('kernel without IPVS and missing ipvsadm are facts, not parse errors', () => {
  const absent = parseIpvsadm("Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n");
  assert.equal(absent.value.status, 'absent');
  assert.match(absent.value.reason ?? '', /IPVS is absent/);
  const missing = parseIpvsadm('nsenter: failed to execute ipvsadm: No such file or directory\n');
  assert.equal(missing.value.status, 'not-installed');
  assert.equal(parseIpvsadm('').value.status, 'empty');
});

test('junk and truncated input give diagnostics, never throw', () => {
  const r = parseIpvsadm('IP Virtual Server version 1.2.1 (size=4096)\nFWM  256 rr\n  -> 10.0.0.7:0   Masq  1\ngarbage here\n  -> 10.0.0.8:0   Masq  1  0  0\n');
  assert.equal(r.value.services[0].realServers.length, 1);
  assert.equal(r.diagnostics.filter((d) => d.message === 'unrecognised ipvsadm line').length, 2);
  assert.deepEqual(r.diagnostics.map((d) => d.line), [3, 4]);
  const notIpvs = parseIpvsadm('hello world\n');
  assert.equal(notIpvs.value.status, 'error');
  const orphan = parseIpvsadm('IP Virtual Server version 1.2.1 (size=4096)\n  -> 10.0.0.8:0   Masq  1  0  0\n');
  assert.match(orphan.diagnostics[0].message, /before any service/);
});
