/** Writes docs/lint-codes.md from the lint rule registry (src/core/lint/rules/index.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintCodesMarkdown } from '../src/core/lint/rules/index';

writeFileSync(join(__dirname, '..', 'docs', 'lint-codes.md'), lintCodesMarkdown());
