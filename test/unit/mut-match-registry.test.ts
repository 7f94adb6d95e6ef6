// The listing-word index of the match registry (src/core/iptables/matches/index.ts LIST_WORDS): the words -nvL
// starts a module's text with, each mapped to the modules that print it and only to them.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { LIST_WORDS, MATCH_MODULES } from '../../src/core/iptables/matches';

it('every listing word belongs to the modules that print it, and every module with a listing has its words', () => {
  for (const [w, mods] of LIST_WORDS) for (const m of mods) assert.ok(m.list?.words.includes(w), `${w}: ${m.name}`);
  for (const m of MATCH_MODULES) for (const w of m.list?.words ?? []) assert.ok(LIST_WORDS.get(w)?.includes(m), `${m.name}: ${w}`);
  assert.deepEqual(LIST_WORDS.get('udp')?.map((m) => m.name), ['udp']);
  assert.equal(LIST_WORDS.size, new Set(MATCH_MODULES.flatMap((m) => m.list?.words ?? [])).size);
});
