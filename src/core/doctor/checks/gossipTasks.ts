/**
 * Gossip vs tasks: endpoint_table rows for tasks that are no longer running (DNS answers and VIP backends that
 * lead nowhere, moby#53141) and running tasks with no row (unreachable by name and VIP). The task list comes
 * from a manager (`/tasks`, desired and current state running); without a manager the check is skipped.
 */
import type { EndpointRecord, TableRow } from '../networkdb';
import { haveTaskList, overlayNamespace, overlayNetworks, runningTasks, stripPrefix, taskIdOfEndpointName, type OverlayNetwork, type RunningTask } from '../scope';
import type { Check, CheckResult, DoctorInput } from '../types';

const endpointRow = (r: TableRow<EndpointRecord>): string =>
  `${r.value.name} service ${r.value.serviceName} ip ${r.value.endpointIp} vip ${r.value.virtualIp || '-'} (owner ${r.owner})`;

/** A running task that no node's endpoint_table holds (when some node holds it, gossip agreement reports it). */
function missingEverywhere(input: DoctorInput, net: OverlayNetwork, tasks: RunningTask[], res: CheckResult): void {
  const read = input.nodes.flatMap((n) => {
    const rows = overlayNamespace(n, net.id) ? n.gossip?.networks[net.id]?.endpoints : undefined;
    return rows ? [{ node: n, rows }] : [];
  });
  if (read.length === 0) return;
  const readers = read.map((r) => r.node);
  const seen = new Set(read.flatMap((r) => r.rows.map((row) => stripPrefix(row.value.endpointIp))));
  for (const t of tasks) {
    if (seen.has(t.ip)) continue;
    const host = input.nodes.find((n) => n.model.swarm?.nodeId === t.nodeId) ?? readers[0];
    res.findings.push({
      code: 'gossip/missing-endpoint',
      severity: 'error',
      node: host.name,
      network: net.name,
      message: `running task ${t.service} ${t.id} (${t.ip}) has no endpoint_table row on any node (read on ${readers.map((n) => n.name).join(', ')})`,
      symptom: `${t.service}'s name and VIP never lead to ${t.ip}; \`tasks.${t.service}\` lacks it`,
      evidence: [{ label: 'running task (manager)', source: 'docker API /tasks', rows: [`${t.service} ${t.id} ${t.ip} node ${t.nodeId}`] }],
      target: { node: host.name, networkId: net.id },
    });
  }
}

export const gossipTasks: Check = {
  id: 'gossip-tasks',
  // Stryker disable next-line StringLiteral: equivalent, a check's title is its description: no code reads it
  title: 'endpoint_table rows match the running tasks',
  run(input): CheckResult {
    const res: CheckResult = { findings: [], skipped: [] };
    if (!haveTaskList(input)) {
      res.skipped.push({ check: 'gossip-tasks', reason: 'no manager among the nodes: the task list is only served by managers' });
      return res;
    }
    const allRunning = new Set(input.nodes.flatMap((n) => n.model.services.flatMap((s) => s.tasks.filter((t) => t.state === 'running').map((t) => t.id))));
    for (const net of overlayNetworks(input)) {
      const tasks = runningTasks(input, net);
      for (const node of input.nodes) {
        const rows = node.gossip?.networks[net.id]?.endpoints;
        if (!rows) continue;
        const evidence = [{ label: `endpoint_table of ${net.name} on ${node.name}`, source: 'diagnostic server /gettable?tname=endpoint_table', rows: rows.map(endpointRow) }];
        const base = { node: node.name, network: net.name, target: { node: node.name, networkId: net.id } };
        for (const r of rows) {
          const id = taskIdOfEndpointName(r.value.name);
          if (!r.value.serviceName || !id || allRunning.has(id)) continue;
          res.findings.push({ ...base, code: 'gossip/stale-endpoint', severity: 'error', message: `endpoint_table row ${endpointRow(r)} is for task ${id}, which is not running`, symptom: `DNS for ${r.value.serviceName} (tasks.${r.value.serviceName}) and its VIP can still send clients to ${r.value.endpointIp}: timeouts or refused connections for some requests`, evidence });
        }
      }
      missingEverywhere(input, net, tasks, res);
    }
    return res;
  },
};

