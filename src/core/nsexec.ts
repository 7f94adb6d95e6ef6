/**
 * "Run in namespace": the usual inspection commands, building the nsenter argv, running it on the node and
 * turning failures (missing tool, kernel without IPVS, refused names) into a clear message in the output.
 */
import { nsenterArgv } from './netns';
import type { CommandRunner, RunResult } from './transport/types';

export interface NsCommand {
  label: string;
  argv: string[];
  /** Language id of our grammars for the output. */
  language: 'iptables' | 'iptables-list' | 'ipvsadm' | 'bridge-fdb' | 'iproute' | 'plaintext';
  /** What the command needs on the node, to explain a failure. */
  tool: string;
}

export const USUAL_COMMANDS: NsCommand[] = [
  { label: 'iptables -t nat -S', argv: ['iptables', '-t', 'nat', '-S'], language: 'iptables', tool: 'iptables' },
  { label: 'iptables -t mangle -S', argv: ['iptables', '-t', 'mangle', '-S'], language: 'iptables', tool: 'iptables' },
  { label: 'iptables -S', argv: ['iptables', '-S'], language: 'iptables', tool: 'iptables' },
  { label: 'iptables-save', argv: ['iptables-save'], language: 'iptables', tool: 'iptables' },
  { label: 'iptables -t nat -nvL', argv: ['iptables', '-t', 'nat', '-nvL'], language: 'iptables-list', tool: 'iptables' },
  { label: 'iptables -t mangle -nvL', argv: ['iptables', '-t', 'mangle', '-nvL'], language: 'iptables-list', tool: 'iptables' },
  { label: 'iptables -nvL', argv: ['iptables', '-nvL'], language: 'iptables-list', tool: 'iptables' },
  { label: 'ipvsadm -ln', argv: ['ipvsadm', '-ln'], language: 'ipvsadm', tool: 'ipvsadm' },
  { label: 'ip -d link', argv: ['ip', '-d', 'link'], language: 'iproute', tool: 'iproute2' },
  { label: 'ip addr', argv: ['ip', 'addr'], language: 'iproute', tool: 'iproute2' },
  { label: 'ip route', argv: ['ip', 'route'], language: 'iproute', tool: 'iproute2' },
  { label: 'ip neigh', argv: ['ip', 'neigh'], language: 'iproute', tool: 'iproute2' },
  { label: 'bridge fdb show', argv: ['bridge', 'fdb', 'show'], language: 'bridge-fdb', tool: 'iproute2' },
  { label: 'conntrack -L', argv: ['conntrack', '-L'], language: 'plaintext', tool: 'conntrack' },
];

/**
 * Splits free text typed by the user into argv the way a POSIX shell would, without expanding anything: whitespace
 * separates words, '…' is literal, in "…" a backslash escapes only " \ $ ` (and joins lines), elsewhere it escapes
 * any character.
 */
export function splitCommandLine(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const next = text[i + 1];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && '"\\$`\n'.includes(next)) cur += text[++i] === '\n' ? '' : next;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && next === '\n') {
      i++;
    } else if (ch === '\\' && next !== undefined) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (has) out.push(cur);
  return out;
}

export function commandFor(text: string): NsCommand {
  // a usual command's label is its argv joined (test/unit/mut-nsexec.test.ts), so the argv finds it
  return commandFromArgv(splitCommandLine(text));
}

export function commandFromArgv(argv: string[]): NsCommand {
  if (argv.length === 0) throw new Error('empty command');
  const a0 = argv[0];
  const language: NsCommand['language'] =
    a0 === 'iptables-save' || (a0 === 'iptables' && argv.includes('-S'))
      ? 'iptables'
      : a0 === 'iptables' && argv.some((a) => /^-[a-zA-Z]*L/.test(a))
        ? 'iptables-list'
        : a0 === 'ipvsadm'
          ? 'ipvsadm'
          : a0 === 'bridge'
            ? 'bridge-fdb'
            : a0 === 'ip'
              ? 'iproute'
              : 'plaintext';
  return USUAL_COMMANDS.find((c) => c.argv.join('\0') === argv.join('\0')) ?? { label: argv.join(' '), argv, language, tool: a0 };
}

/** Explains a failed run in words an operator can act on; undefined when the run succeeded. */
export function explainFailure(cmd: NsCommand, r: RunResult): string | undefined {
  if (r.timedOut) return `${cmd.label}: timed out after ${r.durationMs} ms.`;
  if (r.truncated) return `${cmd.label}: output exceeded the cap and was cut.`;
  if (r.code === 0) return undefined;
  const err = r.stderr;
  if (r.code === 127 || /command not found|No such file or directory.*(exec|nsenter)|executable file not found|failed to execute/i.test(err)) {
    return `${cmd.tool} is not installed on this node (${cmd.argv[0]}: command not found). Install it (e.g. apt-get install ${cmd.tool}) to run this command.`;
  }
  if (cmd.argv[0] === 'ipvsadm' && /Protocol not available|Can't initialize ipvs|ip_vs/i.test(err)) {
    return 'IPVS is not available in this kernel (ip_vs module not loaded or not built): Swarm VIP and routing-mesh load balancing cannot work on this node, and ipvsadm has nothing to show.';
  }
  if (/conntrack/.test(cmd.argv[0]) && /Protocol not supported|nf_conntrack_netlink/i.test(err)) {
    return 'conntrack netlink is not available in this kernel (nf_conntrack_netlink).';
  }
  if (/Permission denied|Operation not permitted|must be root|you must be root/i.test(err)) {
    return `${cmd.label}: permission denied. Entering a network namespace needs root (or sudo without a password).`;
  }
  if (/nsenter: .*No such file/i.test(err)) return 'The namespace no longer exists on this node (the task or network may have been removed). Refresh the node.';
  return `${cmd.label} exited with code ${r.code}.`;
}

export interface NsRunOutput {
  text: string;
  ok: boolean;
  result: RunResult;
}

export async function runInNamespace(runner: CommandRunner, ns: string | undefined, cmd: NsCommand, opts: { signal?: AbortSignal } = {}): Promise<NsRunOutput> {
  const argv = nsenterArgv(ns, cmd.argv);
  const result = await runner.run(argv, { signal: opts.signal });
  const problem = explainFailure(cmd, result);
  if (!problem) return { text: result.stdout, ok: true, result };
  const parts = [`# ${problem}`];
  if (result.stderr.trim()) parts.push(...result.stderr.trim().split('\n').map((l) => `# ${l}`));
  if (result.stdout.trim()) parts.push(result.stdout);
  return { text: `${parts.join('\n')}\n`, ok: false, result };
}
