import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidNamespaceName, nsenterArgv } from '../../src/core/netns';

test('namespace names from remote hosts: plain names pass, anything else is refused (incl. empty)', () => {
  for (const ok of ['ingress_sbox', '1-g2igax8su4', 'lb_nji9kze8x', 'becb37294136', 'default']) assert.equal(isValidNamespaceName(ok), true, ok);
  for (const bad of ['', '.', '..', '../../etc', 'a/b', 'x;rm -rf /', '$(id)', 'a\nb', 'a b', '-rf', 'a..b', 'x'.repeat(65), 'a\0b']) {
    assert.equal(isValidNamespaceName(bad), false, JSON.stringify(bad));
    assert.throws(() => nsenterArgv(bad, ['ip', 'link']), /refused namespace name/, JSON.stringify(bad));
  }
});

test('nsenter argv: host runs the command as is, a namespace goes through nsenter --net with its path', () => {
  assert.deepEqual(nsenterArgv(undefined, ['ip', 'link']), ['ip', 'link']);
  assert.deepEqual(nsenterArgv('host', ['ip', 'link']), ['ip', 'link']);
  assert.deepEqual(nsenterArgv('ingress_sbox', ['iptables', '-t', 'nat', '-S']), ['nsenter', '--net=/var/run/docker/netns/ingress_sbox', '--', 'iptables', '-t', 'nat', '-S']);
});
