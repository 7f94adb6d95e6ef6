/**
 * `swarmnet lint <file...> [--json] [--context node.json] [--table nat]`: lint DOCKER-USER rule files (iptables
 * command lines and scripts, `iptables -S`, iptables-save, `iptables -nvL` listings). Prints
 * `file:line:col: severity code message` (1-based line/column), each quick fix below its finding, and exits 1 when
 * any error was found, 2 on usage errors / unreadable files, 0 otherwise.
 */
import { readFileSync } from 'node:fs';
import { lintRules } from '../core/lint/engine';
import type { LintContext, LintDiagnostic, LintFix } from '../core/lint/types';
import type { TableName } from '../core/iptables/model';
import { isTableName } from '../core/iptables/parse';

const USAGE = 'usage: swarmnet lint <file...> [--json] [--context node-context.json] [--table filter|nat|mangle|raw]   (use - for stdin)';

/** A fix as text: its title and each edit as `line N: replace "old" with "new"` / `insert` / `delete`. */
export function formatFix(fix: LintFix, text: string): string[] {
  const lines = text.split('\n');
  const out = [`    fix: ${fix.title}`];
  for (const e of fix.edits) {
    const { start, end } = e.range;
    const newText = e.newText.replace(/\n$/, '');
    if (start.line === end.line && start.character === end.character) out.push(`      line ${start.line + 1}: insert ${JSON.stringify(e.newText.endsWith('\n') && start.character === 0 ? newText : e.newText)}${e.newText.endsWith('\n') && start.character === 0 ? ' as a new line before it' : ''}`);
    else if (e.newText === '' && end.line === start.line + 1 && start.character === 0 && end.character === 0) out.push(`      line ${start.line + 1}: delete the line`);
    else {
      const old = start.line === end.line ? (lines[start.line] ?? '').slice(start.character, end.character) : `${(lines[start.line] ?? '').slice(start.character)}…`;
      out.push(`      line ${start.line + 1}: replace ${JSON.stringify(old)} with ${JSON.stringify(e.newText)}`);
    }
  }
  return out;
}

function readInput(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}

export async function lintCommand(args: string[]): Promise<number> {
  let json = false;
  let ctx: LintContext | undefined;
  let table: TableName | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--context') {
      const f = args[++i];
      if (!f) {
        process.stderr.write(`swarmnet lint: --context needs a file\n${USAGE}\n`);
        return 2;
      }
      try {
        ctx = JSON.parse(readFileSync(f, 'utf8')) as LintContext;
      } catch (e: unknown) {
        process.stderr.write(`swarmnet lint: cannot read context ${f}: ${e instanceof Error ? e.message : String(e)}\n`);
        return 2;
      }
    } else if (a === '--table') {
      const t = args[++i];
      if (!t || !isTableName(t)) {
        process.stderr.write(`swarmnet lint: --table needs one of filter, nat, mangle, raw, security\n${USAGE}\n`);
        return 2;
      }
      table = t;
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    } else if (a.startsWith('--')) {
      process.stderr.write(`swarmnet lint: unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let errors = 0;
  let unreadable = false;
  const out: { file: string; kind?: string; diagnostics: LintDiagnostic[]; error?: string }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readInput(file);
    } catch (e: unknown) {
      unreadable = true;
      const msg = e instanceof Error ? e.message : String(e);
      out.push({ file, diagnostics: [], error: msg });
      if (!json) process.stderr.write(`swarmnet lint: ${file}: ${msg}\n`);
      continue;
    }
    const res = lintRules(text, ctx, table ? { defaultTable: table } : undefined);
    errors += res.diagnostics.filter((d) => d.severity === 'error').length;
    out.push({ file, kind: res.kind, diagnostics: res.diagnostics });
    if (!json) {
      for (const d of res.diagnostics) {
        process.stdout.write(`${file}:${d.span.line + 1}:${d.span.start + 1}: ${d.severity} ${d.code} ${d.message}\n`);
        for (const f of d.fixes) process.stdout.write(`${formatFix(f, text).join('\n')}\n`);
      }
    }
  }
  if (json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  if (unreadable) return 2;
  return errors > 0 ? 1 : 0;
}
