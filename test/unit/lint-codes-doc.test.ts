/** docs/lint-codes.md is generated from the rule registry: the committed page must be current. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers';
import { LINT_RULES, lintCodesMarkdown } from '../../src/core/lint/rules/index';

test('docs/lint-codes.md matches the registry (regenerate: npx tsx scripts/lint-codes-doc.ts)', () => {
  assert.equal(readFileSync(join(REPO, 'docs', 'lint-codes.md'), 'utf8'), lintCodesMarkdown());
});

test('the registry: one entry per code, every code documented with a reason, the COORD vocabulary present', () => {
  const codes = LINT_RULES.map((r) => r.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const r of LINT_RULES) {
    assert.match(r.code, /^[a-z-]+\/[a-z-]+$/);
    assert.ok(r.description.length > 20 && r.docs.length > 60, r.code);
  }
  for (const c of ['docker-user/after-return', 'rules/shadowed', 'rules/duplicate', 'rules/insert-order', 'rules/insert-index', 'rules/unused-chain', 'rules/wipes-docker', 'docker-user/accept-all', 'docker-user/cuts-egress', 'docker-user/missing-established', 'docker-user/ctorig-without-ctdir', 'swarm/match-after-dnat', 'docker-user/swarm-port', 'swarm/cuts-control-plane', 'swarm/not-docker-user', 'swarm/input-published-port', 'lint/truncated', 'lint/legacy-tables', 'lint/listing-no-counters', 'lint/table-inferred', 'docker/nftables-backend']) {
    assert.ok(codes.includes(c), c);
  }
});
