/**
 * `swarmnet lint <file...> [--json] [--context node.json]`: lint DOCKER-USER rule files (iptables command lines,
 * `iptables -S` or iptables-save). Prints `file:line:col: severity code message` (1-based line/column) and exits
 * 1 when any error was found, 2 on usage errors / unreadable files, 0 otherwise.
 */
import { readFileSync } from 'node:fs';
import { lintRules } from '../core/lint/engine';
import type { LintContext, LintDiagnostic } from '../core/lint/types';

const USAGE = 'usage: swarmnet lint <file...> [--json] [--context node-context.json]   (use - for stdin)';

function readInput(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}

export async function lintCommand(args: string[]): Promise<number> {
  let json = false;
  let ctx: LintContext | undefined;
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
    const res = lintRules(text, ctx);
    errors += res.diagnostics.filter((d) => d.severity === 'error').length;
    out.push({ file, kind: res.kind, diagnostics: res.diagnostics });
    if (!json) {
      for (const d of res.diagnostics) {
        process.stdout.write(`${file}:${d.span.line + 1}:${d.span.start + 1}: ${d.severity} ${d.code} ${d.message}\n`);
      }
    }
  }
  if (json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  if (unreadable) return 2;
  return errors > 0 ? 1 : 0;
}
