/**
 * The doctor's check ids: stable names the report lists (`checks` in `--json`) and skipped entries use, in the
 * order findings are shown (docs/doctor.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks, type DoctorNode } from '../../src/core/doctor';
import { FIXTURES } from '../helpers';

test('the report lists the ten checks by id (the firewall check reports underlay/ findings: its id is underlay too), in the order their findings are shown', () => {
  const nodes = (JSON.parse(readFileSync(join(FIXTURES, 'doctor', 'lab-clean.json'), 'utf8')) as { nodes: DoctorNode[] }).nodes;
  assert.deepEqual(runChecks({ nodes }).checks, ['gossip-peers', 'gossip', 'gossip-tasks', 'kernel', 'lb', 'ingress', 'dns', 'underlay', 'underlay', 'capacity']);
});
