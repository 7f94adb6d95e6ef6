/**
 * Node-aware linting against the real lab node: the facts come from live discovery of this machine and its
 * current filter rules; the expectations are checked against `docker network inspect` / `ip` run here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connectNode, LOCAL_NODE } from '../../src/core/connect';
import { discoverNode } from '../../src/core/discovery';
import { lintContextFromModel } from '../../src/core/lint/fromModel';
import { lintRules } from '../../src/core/lint';
import { requireLab } from '../helpers';

test('lint with the live facts of the lab node: unknown interface, unknown subnet, and overlay subnets named', async () => {
  requireLab();
  const conn = await connectNode(LOCAL_NODE, { verifyHostKey: () => false });
  try {
    const model = await discoverNode(conn);
    const filter = await conn.runner?.run(['iptables-save', '-t', 'filter']);
    assert.equal(filter?.code, 0, filter?.stderr);
    const ctx = lintContextFromModel(model, [], filter?.stdout);

    // independent truth
    const overlay = JSON.parse(execFileSync('docker', ['network', 'inspect', 'swarmnet-test'], { encoding: 'utf8' }))[0] as { IPAM: { Config: { Subnet: string }[] } };
    const subnet = overlay.IPAM.Config[0].Subnet;
    const hostIfaces = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.split(': ')[1].split('@')[0]);
    assert.ok(ctx.networks?.some((n) => n.name === 'swarmnet-test' && n.subnets.includes(subnet)), `context has swarmnet-test ${subnet}`);
    assert.deepEqual(new Set(ctx.interfaces?.map((i) => i.name)), new Set(hostIfaces));
    assert.ok(ctx.filterRules?.includes(':DOCKER-USER'), 'current filter rules gathered');

    const text = ['iptables -I DOCKER-USER -i eth9 -j DROP', 'iptables -I DOCKER-USER -d 10.99.0.0/16 -j DROP', `iptables -I DOCKER-USER -s ${subnet.split('.')[0]}.0.0.0/8 -j DROP`, 'iptables -A DOCKER-USER -j RETURN', ''].join('\n');
    const withNode = lintRules(text, ctx).diagnostics;
    const codes = (line: number): string[] => withNode.filter((d) => d.span.line === line).map((d) => d.code);
    assert.ok(codes(0).includes('node/unknown-interface'), `eth9: ${JSON.stringify(withNode)}`);
    assert.ok(codes(1).includes('node/unknown-subnet'), `10.99/16: ${JSON.stringify(withNode)}`);
    const named = withNode.find((d) => d.span.line === 2 && d.code === 'node/matches-network' && d.message.includes(`${subnet} of network swarmnet-test`));
    assert.ok(named, `the overlay subnet rule names the network: ${JSON.stringify(withNode.filter((d) => d.span.line === 2))}`);
    // without the node facts none of the node/* findings can be made
    assert.equal(lintRules(text).diagnostics.filter((d) => d.code.startsWith('node/')).length, 0);
  } finally {
    await conn.close();
  }
});
