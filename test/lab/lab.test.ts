// Sanity test of the real swarm lab brought up by `npm run lab` (scripts/lab.sh): the lab is as .lab/lab.json says.
// Needs the lab to be up; without it every test fails (loudly) instead of skipping.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface LabNode {
  name: string;
  hostname: string;
  dockerSocket: string;
  dockerdPid: number;
  netns: string | null;
  sshHost: string;
  sshPort: number;
  sshUser: string;
  keyPath: string;
  advertiseAddr: string;
  swarmNodeId: string;
}

interface Lab {
  nodes: LabNode[];
  knownHosts: string;
  network: string;
  services: string[];
  publishedPort: number;
}

const LAB_JSON = resolve(__dirname, '..', '..', '.lab', 'lab.json');

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, k: string, where: string): string {
  const v = o[k];
  assert.equal(typeof v, 'string', `${where}.${k} must be a string`);
  return v as string;
}

function num(o: Record<string, unknown>, k: string, where: string): number {
  const v = o[k];
  assert.ok(typeof v === 'number' && Number.isInteger(v) && v > 0, `${where}.${k} must be a positive integer`);
  return v as number;
}

function parseLab(text: string): Lab {
  const raw: unknown = JSON.parse(text);
  assert.ok(isRecord(raw), 'lab.json must hold an object');
  assert.ok(Array.isArray(raw.nodes) && raw.nodes.length > 0, 'lab.json nodes must be a non-empty array');
  const nodes = raw.nodes.map((n: unknown, i: number): LabNode => {
    const w = `nodes[${i}]`;
    assert.ok(isRecord(n), `${w} must be an object`);
    assert.ok(n.netns === null || typeof n.netns === 'string', `${w}.netns must be null or a string`);
    return {
      name: str(n, 'name', w),
      hostname: str(n, 'hostname', w),
      dockerSocket: str(n, 'dockerSocket', w),
      dockerdPid: num(n, 'dockerdPid', w),
      netns: n.netns as string | null,
      sshHost: str(n, 'sshHost', w),
      sshPort: num(n, 'sshPort', w),
      sshUser: str(n, 'sshUser', w),
      keyPath: str(n, 'keyPath', w),
      advertiseAddr: str(n, 'advertiseAddr', w),
      swarmNodeId: str(n, 'swarmNodeId', w),
    };
  });
  assert.ok(Array.isArray(raw.services) && raw.services.every((s) => typeof s === 'string'), 'services: string[]');
  return {
    nodes,
    knownHosts: str(raw, 'knownHosts', 'lab'),
    network: str(raw, 'network', 'lab'),
    services: raw.services as string[],
    publishedPort: num(raw, 'publishedPort', 'lab'),
  };
}

function run(cmd: string, args: string[], timeoutMs = 20_000): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

function docker(node: LabNode, args: string[]): string {
  return run('docker', ['-H', `unix://${node.dockerSocket}`, ...args]);
}

function ssh(lab: Lab, node: LabNode, command: string): string {
  return run('ssh', [
    '-i', node.keyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${lab.knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=5', '-p', String(node.sshPort),
    `${node.sshUser}@${node.sshHost}`, command,
  ]);
}

function lines(s: string): string[] {
  return s.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}

/** Running tasks of a service: [{node hostname, container id on that node}] */
function runningTasks(manager: LabNode, service: string): { node: string; state: string }[] {
  return lines(docker(manager, ['service', 'ps', service, '--filter', 'desired-state=running',
    '--format', '{{.Node}}\t{{.CurrentState}}'])).map((l) => {
    const [node = '', state = ''] = l.split('\t');
    return { node, state };
  });
}

/** Containers of a service's tasks on one node, with their address on the lab network. */
function taskContainers(lab: Lab, node: LabNode, service: string): { id: string; ip: string }[] {
  const ids = lines(docker(node, ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`]));
  return ids.map((id) => ({
    id,
    ip: docker(node, ['inspect', '--format',
      `{{with index .NetworkSettings.Networks "${lab.network}"}}{{.IPAddress}}{{end}}`, id]).trim(),
  }));
}

describe('swarm lab (.lab/lab.json)', () => {
  let lab: Lab;
  let manager: LabNode;

  before(() => {
    assert.ok(existsSync(LAB_JSON), `${LAB_JSON} is missing: bring the lab up first with "npm run lab"`);
    lab = parseLab(readFileSync(LAB_JSON, 'utf8'));
    const first = lab.nodes[0];
    assert.ok(first, 'lab has a first node');
    manager = first;
  });

  it('describes distinct nodes, node1 being the root engine', () => {
    assert.equal(manager.name, 'node1');
    assert.equal(manager.netns, null);
    assert.deepEqual(lab.services, ['web', 'echo']);
    assert.equal(new Set(lab.nodes.map((n) => n.swarmNodeId)).size, lab.nodes.length);
    assert.equal(new Set(lab.nodes.map((n) => n.hostname)).size, lab.nodes.length);
    for (const n of lab.nodes.slice(1)) {
      assert.ok(n.netns, `${n.name} has a netns`);
      assert.ok(existsSync(join('/run/netns', n.netns)), `/run/netns/${n.netns} exists`);
      assert.ok(existsSync(n.dockerSocket), `${n.dockerSocket} exists`);
      assert.equal(n.hostname, `lab-${n.name}`);
    }
  });

  it('every engine is up, in the swarm, with the id and hostname lab.json gives', () => {
    for (const n of lab.nodes) {
      assert.ok(existsSync(`/proc/${n.dockerdPid}`), `${n.name}: dockerd pid ${n.dockerdPid} is alive`);
      const info = docker(n, ['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.NodeID}} {{.Name}} {{.Swarm.NodeAddr}}']).trim();
      assert.equal(info, `active ${n.swarmNodeId} ${n.hostname} ${n.advertiseAddr}`, n.name);
    }
  });

  it('the manager lists every node as Ready and Active', () => {
    const rows = lines(docker(manager, ['node', 'ls', '--format', '{{.ID}}\t{{.Hostname}}\t{{.Status}}\t{{.Availability}}']));
    const ready = new Map(rows.map((r) => r.split('\t')).filter((c) => c[2] === 'Ready' && c[3] === 'Active')
      .map((c) => [c[0], c[1]]));
    for (const n of lab.nodes) assert.equal(ready.get(n.swarmNodeId), n.hostname, `${n.name} Ready`);
  });

  it('each service has a running task on every node', () => {
    for (const svc of lab.services) {
      const tasks = runningTasks(manager, svc);
      assert.ok(tasks.length > 0, `${svc} has tasks`);
      for (const t of tasks) assert.match(t.state, /^Running/, `${svc} task on ${t.node}: ${t.state}`);
      const on = new Set(tasks.map((t) => t.node));
      for (const n of lab.nodes) assert.ok(on.has(n.hostname), `${svc} runs on ${n.name} (${n.hostname})`);
    }
    assert.equal(runningTasks(manager, 'web').length, 2 * lab.nodes.length);
    const ports = docker(manager, ['service', 'inspect', 'web', '--format',
      '{{range .Endpoint.Ports}}{{.PublishedPort}}/{{.TargetPort}} {{end}}']).trim();
    assert.equal(ports, `${lab.publishedPort}/80`);
  });

  it('the overlay namespace 1-<netid10> exists in each node\'s own /var/run/docker/netns', () => {
    const netId = docker(manager, ['network', 'inspect', '--format', '{{.Id}}', lab.network]).trim();
    assert.match(netId, /^[0-9a-z]{25}$/);
    const want = `1-${netId.slice(0, 10)}`;
    const seen = new Map<string, string>();
    for (const n of lab.nodes) {
      const names = lines(run('nsenter', ['--target', String(n.dockerdPid), '--mount', '--net', 'ls', '/var/run/docker/netns']));
      assert.ok(names.includes(want), `${n.name}: ${want} in [${names.join(' ')}]`);
      // each node sees its own task sandboxes: the set of names differs between nodes
      seen.set(n.name, names.filter((x) => /^[0-9a-f]{12}$/.test(x)).sort().join(' '));
    }
    if (lab.nodes.length > 1) assert.equal(new Set(seen.values()).size, lab.nodes.length, 'distinct sandboxes per node');
  });

  it('ssh with the lab key reaches each node, whose /var/run/docker.sock is its own engine', () => {
    for (const n of lab.nodes) {
      const out = lines(ssh(lab, n, 'hostname; docker info --format "{{.Swarm.NodeID}}"'));
      const expectedHostname = n.netns === null ? run('hostname', []).trim() : n.hostname;
      assert.deepEqual(out, [expectedHostname, n.swarmNodeId], n.name);
    }
  });

  it('a task on node1 reaches tasks on the other nodes across the overlay (HTTP to web, echo via nc)', () => {
    const src = taskContainers(lab, manager, 'web')[0];
    assert.ok(src, 'a web task runs on node1');
    for (const n of lab.nodes.slice(1)) {
      const web = taskContainers(lab, n, 'web')[0];
      assert.ok(web && /^10\.231\.0\.\d+$/.test(web.ip), `${n.name}: a web task with an overlay address`);
      const reply = docker(manager, ['exec', src.id, 'sh', '-c',
        `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${web.ip} 80`]);
      assert.match(reply, /^HTTP\/1\.[01] 200/);
      assert.match(reply, /swarmnet-lab web/);
      const echo = taskContainers(lab, n, 'echo')[0];
      assert.ok(echo && echo.ip !== '', `${n.name}: an echo task with an overlay address`);
      const token = `lab-${n.name}-${process.pid}`;
      const back = docker(manager, ['exec', src.id, 'sh', '-c', `(echo ${token}; sleep 1) | nc -w 5 ${echo.ip} 7000`]);
      assert.equal(back.trim(), token);
    }
  });
});
