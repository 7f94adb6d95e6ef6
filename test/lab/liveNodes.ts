/**
 * The lab's nodes as the core sees them: connected over SSH (host keys checked against the lab's known_hosts),
 * discovered, each model named as in lab.json. Shared by the live trace tests.
 */
import { readFileSync } from 'node:fs';
import { connectNode } from '../../src/core/connect';
import { discoverNode, type NodeConnection } from '../../src/core/discovery';
import type { LiveNode } from '../../src/core/trace/live';
import { checkHostKey } from '../../src/core/transport/knownHosts';
import { labNodeConfig, type LabFile } from '../../src/cli/nodes';

/** `around` wraps the discovery (e.g. to hold the lab lock while reading). Close `conns` when done. */
export async function connectLabNodes(lab: LabFile, around: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn()): Promise<{ conns: NodeConnection[]; nodes: LiveNode[] }> {
  const known = readFileSync(lab.knownHosts, 'utf8');
  const verify = (info: { host: string; port: number; keyType: string; key: Buffer }): boolean => checkHostKey(known, info.host, info.port, info.keyType, info.key).status === 'match';
  const conns = await Promise.all(lab.nodes.map((n) => connectNode(labNodeConfig(n), { verifyHostKey: verify, timeoutMs: 15000 })));
  const models = await around(() => Promise.all(conns.map((c) => discoverNode(c, { timeoutMs: 20000 }))));
  return { conns, nodes: models.map((model, i) => ({ model: { ...model, name: lab.nodes[i].name }, runner: conns[i].runner })) };
}
