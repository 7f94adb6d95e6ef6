/**
 * The tests of the lint rules that offer fixes or judge DOCKER-USER order as ONE test file, for the mutation run of
 * module lint-fix-rules (mutation/modules.json): one test process per mutant instead of one per file. Not a
 * *.test.ts file: `npm test` runs the files themselves.
 */
import './mut-lint-after-return.test';
import './mut-lint-duplicate.test';
import './mut-lint-shadowed.test';
import './mut-lint-match-after-dnat.test';
import './mut-lint-missing-established.test';
import './mut-lint-insert-order.test';
import './mut-lint-corpus.test';
import './mut-lint-order-session8.test';
import './lint-holdout9-12-fixes.test';
import './lint-holdout13-14-fixes.test';
