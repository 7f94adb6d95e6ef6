/** The DOCKER-USER linter (VS Code-free): shared by the language server and `swarmnet lint`. */
export { Linter, lintRules } from './engine';
export type { LintOptions } from './types';
export { hoverRule } from './hover';
export * from './types';
export { lintContextFromModel } from './fromModel';
export { LINT_RULES, lintCodesMarkdown } from './rules/index';
