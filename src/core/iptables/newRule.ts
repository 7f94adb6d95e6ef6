/** Rule constructor shared by the parsers. */
import type { Rule, Span, TableName } from './model';

/**
 * A Rule with every property present in one fixed order (undefined when absent): all rules share one hidden
 * class, which keeps the linter's and the tracer's property accesses monomorphic.
 */
export function newRule(table: TableName, chain: string, line: number, text: string, span: Span): Rule {
  return {
    table,
    chain,
    op: 'A',
    position: undefined,
    protocol: undefined,
    source: undefined,
    destination: undefined,
    inInterface: undefined,
    outInterface: undefined,
    fragment: undefined,
    matches: [],
    target: undefined,
    counters: undefined,
    line,
    text,
    span,
    index: undefined,
  };
}
