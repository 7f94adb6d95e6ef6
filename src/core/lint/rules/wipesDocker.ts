/** rules/wipes-docker: flushes, deletions or policy changes of the chains Docker manages, on a running host. */
import type { LintRule } from '../rule';
import type { LineResult } from '../../iptables/parse';
import { isDockerOwnedChain } from '../facts';
import type { Pass } from '../pass';
import { add, docLine, lineSpan } from '../pass';
import { functionRegions } from '../shellFunctions';

const STOP = /(?:systemctl\s+stop\s+docker(?:\.service|\.socket)?|service\s+docker\s+stop|\/etc\/init\.d\/docker\s+stop|snap\s+stop\s+docker)\b/;
const START = /(?:systemctl\s+(?:start|restart)\s+docker(?:\.service)?|service\s+docker\s+(?:start|restart)|\/etc\/init\.d\/docker\s+(?:start|restart)|snap\s+(?:start|restart)\s+docker)\b/;

/** Installing Docker (a package manager, get.docker.com) or starting it (not restarting: then it ran before). */
const INSTALL = /\b(?:apt(?:-get)?|yum|dnf|zypper|apk|pacman)\s+(?:-\S+\s+)*(?:install|add|-S)\b[^#]*\bdocker(?:\.io|-ce|-engine)?\b|get\.docker\.com|get-docker\.sh|systemctl\s+enable\s+--now\s+docker\b|systemctl\s+start\s+docker\b|service\s+docker\s+start\b/;
/** A command that needs a running Docker (or is one): Docker's chains exist when it runs. */
const USES_DOCKER = /\bdocker\s+(?:run|ps|exec|network|service|swarm|compose|info|pull|container|stack)\b|\bdocker-compose\s+up\b|\bdockerd\b/;

/**
 * The script stopped the Docker daemon before this line and has not started it again, or installs or starts Docker
 * only after this line, with nothing before it that needs Docker (a provisioning script's firewall set up first:
 * holdout 20): Docker creates its chains when it starts.
 */
export function dockerStoppedAt(p: Pass, line: number): boolean {
  let stopped = false;
  for (let k = 0; k < line; k++) {
    const t = (p.lines[k] ?? '').replace(/#.*$/, '');
    if (STOP.test(t)) stopped = true;
    else if (START.test(t)) stopped = false;
  }
  return stopped || notYetRunning(p, line);
}

/**
 * Docker is installed or started after this line, with nothing before it that needs Docker running or stops it:
 * within one function body when the line is in one (a function runs where it is called), else among the lines
 * outside every function.
 */
function notYetRunning(p: Pass, line: number): boolean {
  const bodies = functionRegions(p.lines);
  const own = bodies.find(([a, b]) => a < line && line < b);
  const inScope = (k: number) => (own ? own[0] < k && k < own[1] : !bodies.some(([a, b]) => a <= k && k <= b));
  for (let k = 0; k < p.lines.length; k++) {
    if (!inScope(k)) continue;
    const t = (p.lines[k] ?? '').replace(/#.*$/, '');
    if (INSTALL.test(t)) return k > line;
    if (USES_DOCKER.test(t) || STOP.test(t)) return false;
  }
  return false;
}

/** `iptables-save | grep -v … | iptables-restore` (no --noflush): restore flushes each table it loads, so the lines grep dropped are gone. */
const FILTERED_RESTORE = /\biptables-save\b[^#]*\|\s*(?:e?grep|sed)\b[^#]*\|\s*(?:sudo\s+)?iptables-restore\b(?![^#|;&]*\s(?:-n|--noflush)\b)/;

function filteredRestores(p: Pass): void {
  if (!p.text.includes('iptables-save')) return;
  p.lines.forEach((text, line) => {
    if (!text.includes('iptables-save')) return;
    const run = text.replace(/(?:^|\s)#.*$/, ''); // a shell comment starts a word: a commented-out pipeline is not run
    if (!FILTERED_RESTORE.test(run) || !run.includes('DOCKER') || dockerStoppedAt(p, line)) return;
    add(p, 'rules/wipes-docker', 'warning', "This pipes iptables-save through a filter back into iptables-restore, which flushes every table it loads: the lines the filter removed (here Docker's chains and jumps) are gone on a running Docker host until the daemon restarts and recreates its rules. Edit your own rules instead (DOCKER-USER is yours), or use iptables-restore --noflush.", lineSpan(line, text));
  });
}

/** `netfilter-persistent flush` (also `service netfilter-persistent flush`): flushes every table it manages, Docker's included. */
const PERSISTENT_FLUSH = /^\s*(?:\$\s+)?(?:sudo\s+)?(?:\S*\/)?(?:netfilter-persistent\s+flush|service\s+netfilter-persistent\s+flush|invoke-rc\.d\s+netfilter-persistent\s+flush)\b/;
/**
 * Restarting the iptables service (CentOS/RHEL iptables-services: `systemctl restart iptables`, `service iptables
 * restart`) or netfilter-persistent: it flushes the tables and loads the saved file (moby#12294: "Docker networking
 * fails permanently on all new containers").
 */
// (not after a save of the live rules, which the reload then restores, Docker's included)
const SERVICE_RELOAD = /^\s*(?:\$\s+)?(?:sudo\s+)?(?:systemctl\s+(?:restart|reload|stop)\s+(?:iptables|ip6tables|netfilter-persistent)(?:\.service)?(?![\w.-])|service\s+(?:iptables|netfilter-persistent)\s+(?:restart|reload|stop)|\/etc\/init\.d\/(?:iptables|netfilter-persistent)\s+(?:restart|reload|stop)|netfilter-persistent\s+(?:reload|restart))\b/;

/** The live rules (Docker's included) were saved to the file the service loads: reloading it restores them. */
const SAVED = /netfilter-persistent\s+save|service\s+(?:iptables|netfilter-persistent)\s+save|iptables-save\b[^|#]*>\s*\S|iptables-save\s+-f\b/;

/**
 * The script's next command starts or restarts Docker (`systemctl restart iptables` then `systemctl restart docker`,
 * holdout 47): Docker recreates its chains and rules right after the reload. (Not when a container runs in between:
 * moby#12294's reproduction, holdout 6.)
 */
function dockerStartedAfter(p: Pass, line: number): boolean {
  const next = p.lines.slice(line + 1).map((l) => l.replace(/#.*$/, '').trim()).find((l) => l !== '' && !/^```/.test(l));
  return next !== undefined && START.test(next);
}

/** Flushes that a script runs once Docker is there (an earlier line installs, starts or uses it) and while it runs. */
function persistentFlushes(p: Pass): void {
  // (a text that names neither tool has nothing to find: no scan of its lines)
  if (!/netfilter-persistent|(?:restart|reload|stop)\s+ip6?tables|ip6?tables\s+(?:restart|reload|stop)/.test(p.text)) return;
  let dockerSeen = false;
  let saved = false;
  p.lines.forEach((raw, line) => {
    const text = raw.replace(/#.*$/, '');
    saved ||= SAVED.test(text);
    if (PERSISTENT_FLUSH.test(text) && dockerSeen && !dockerStoppedAt(p, line)) {
      add(p, 'rules/wipes-docker', 'warning', "netfilter-persistent flush empties every table on a running Docker host: Docker's filter chains, its nat rules (published ports) and the Swarm ingress rules are gone until the daemon restarts and recreates them. Flush only your own chains, or stop Docker around it.", lineSpan(line, raw));
    } else if (SERVICE_RELOAD.test(text) && dockerSeen && !saved && !dockerStoppedAt(p, line) && !dockerStartedAfter(p, line)) {
      add(p, 'rules/wipes-docker', 'warning', "Restarting the iptables service on a running Docker host flushes the tables and loads the saved rules file: Docker's chains, its nat rules (published ports) and the Swarm ingress rules are gone until the Docker daemon restarts (moby#12294). Restart Docker after it, or manage your rules in DOCKER-USER without reloading the service.", lineSpan(line, raw));
    }
    if (/\bdocker\b/i.test(text)) dockerSeen = true;
  });
}

/** The text is a ufw rules file (its chains are declared or jumped to): loaded with iptables-restore -n. */
function ufwBlock(p: Pass): boolean {
  return /(?:^[ \t]*:|-j\s+)ufw-/m.test(p.text);
}

/**
 * A bare `iptables -X`: while a built-in chain still jumps to one of Docker's chains, iptables refuses the whole command
 * (kernel-checked, iptables 1.8.9 nf_tables: "CHAIN_DEL failed (Device or resource busy)", exit 4, no chain deleted);
 * after a flush of those jumps it deletes Docker's chains with the others.
 */
function deletesEveryChain(table: string): string | undefined {
  const holder = table === 'filter' ? "FORWARD jumps to Docker's chains (DOCKER-USER, DOCKER-FORWARD or DOCKER-ISOLATION-STAGE-1)" : table === 'nat' ? 'PREROUTING and OUTPUT jump to DOCKER' : undefined;
  if (!holder) return undefined;
  const lost = table === 'filter' ? 'container networking, published ports and Swarm ingress stop working' : 'published ports (DOCKER, DOCKER-INGRESS DNAT) stop working';
  return `deletes every user-defined chain of the ${table} table. While ${holder}, iptables refuses the whole command (with the nf_tables backend no chain is deleted, exit status 4: a script under \`set -e\` stops here); once those jumps are flushed it deletes Docker's chains too, and ${lost}`;
}

function what(kind: string, table: string, chain: string | undefined, policy: string | undefined): string | undefined {
  const inNat = table === 'nat';
  if (kind === 'flush' || kind === 'delete-chain') {
    const verb = kind === 'flush' ? 'flushes' : 'deletes';
    if (chain === undefined && kind === 'delete-chain') return deletesEveryChain(table);
    if (chain === undefined) {
      if (table === 'filter') return `${verb} every chain of the filter table, Docker's included (FORWARD's jumps to DOCKER-USER/DOCKER-FORWARD, DOCKER, DOCKER-ISOLATION-*): container networking, published ports and Swarm ingress stop working`;
      if (inNat) return `${verb} every chain of the nat table: published ports (DOCKER, DOCKER-INGRESS DNAT) and container masquerading stop working`;
      return undefined;
    }
    // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, DOCKER-USER is neither one of Docker's own chains (DOCKER_OWNED) nor FORWARD or a nat chain, so the checks below return undefined for it too
    if (chain === 'DOCKER-USER') return undefined;
    if (isDockerOwnedChain(chain)) return `${verb} ${chain}, one of Docker's own chains`;
    if (chain === 'FORWARD' && table === 'filter') return `${verb} FORWARD: Docker's jumps to DOCKER-USER, DOCKER-FORWARD/DOCKER-ISOLATION-STAGE-1 and its per-bridge rules are gone`;
    if (inNat && (chain === 'PREROUTING' || chain === 'POSTROUTING' || chain === 'OUTPUT')) return `${verb} nat ${chain}: Docker's jumps to DOCKER / DOCKER-INGRESS (published ports) or its MASQUERADE rules are gone`;
    return undefined;
  }
  if (kind === 'policy' && chain === 'FORWARD' && table === 'filter') return `sets the FORWARD policy to ${policy ?? '?'}: Docker manages it (Docker ≤ 27 sets DROP when it enables forwarding; ≥ 28 leaves ACCEPT hosts as they are)`;
  return undefined;
}

/**
 * A rules file (not a dump) that declares one of Docker's own chains (`:DOCKER - [0:0]` in *filter or *nat) and
 * gives it no rule: loading it flushes that chain, also with iptables-restore -n (kernel-checked: a declared existing
 * chain is flushed), so every reload on a running host empties Docker's published-port rules (a snapshot that holds
 * Docker's rules puts them back). Reported once per section, on the first one.
 */
function declaredDockerChains(p: Pass): void {
  if (p.kind !== 'proposal' || !p.text.includes(':DOCKER')) return;
  // a snapshot of a Docker host holds Docker's jumps (`-A FORWARD -j DOCKER-USER`, `-j DOCKER`): loaded, it rebuilds them
  if (p.results.some((x) => x.rule?.target?.name.startsWith('DOCKER'))) return;
  const seen = new Set<string>();
  for (const r of p.results) {
    if (r.kind !== 'chain' || r.format !== 'save' || !r.chain || r.chain === 'DOCKER-USER' || !isDockerOwnedChain(r.chain) || seen.has(r.table)) continue;
    // a snapshot of a Docker host (rules.v4 saved with Docker's rules) puts the chain's rules back: only an empty one is a wipe
    if (p.results.some((x) => x.rule && x.rule.table === r.table && x.rule.chain === r.chain)) continue;
    seen.add(r.table);
    add(p, 'rules/wipes-docker', 'warning', `Declaring Docker's own chain ${r.chain} in this *${r.table} section flushes it whenever the file is loaded on a running Docker host (also with iptables-restore -n): ${r.table === 'nat' ? "every published port's DNAT" : "the ACCEPTs of every published port and Docker's isolation rules"} are gone until the daemon restarts. Leave Docker's chains out of your rules file (declare only DOCKER-USER and your own chains).`, r.chainSpan ?? lineSpan(r.line, docLine(p, r.line) ?? ''));
  }
}

/**
 * The script (re)starts Docker right after this line's block of iptables commands (`iptables -F; iptables -X; iptables
 * -t nat -F; systemctl restart docker`, a guide's reset recipe, holdout 59): Docker recreates its chains then. The line
 * of that restart, or -1. Only iptables commands, comments, blank lines and Markdown fences may stand between.
 */
function restartedRightAfter(p: Pass, line: number, byLine: Map<number, LineResult>): number {
  for (let k = line + 1; k < p.lines.length; k++) {
    const t = (p.lines[k] ?? '').replace(/(?:^|\s)#.*$/, '').trim();
    const r = byLine.get(k);
    // (a line an iptables call continues onto has no result of its own)
    if (t === '' || /^(?:```|~~~)/.test(t) || !r || (r.format === 'command' && r.kind !== 'other' && r.kind !== 'blank')) continue;
    return START.test(t) ? k : -1;
  }
  return -1;
}

export const wipesDocker: LintRule = {
  code: 'rules/wipes-docker',
  severity: 'warning',
  description: '`iptables -F`, `-X`, `-t nat -F`, `-F FORWARD`, `-F DOCKER…` or `-P FORWARD …` on a running Docker host.',
  docs: 'Docker creates its chains and rules when the daemon starts and when networks or services change. A script that flushes or deletes them (or FORWARD / nat PREROUTING, which hold Docker\'s jumps) breaks container networking, published ports and the Swarm routing mesh until the daemon is restarted. Flush only your own chains (DOCKER-USER is yours). The same holds for `iptables-save | grep -v DOCKER | iptables-restore`: iptables-restore (without --noflush) flushes every table it loads, so the filtered-out lines are deleted. Not reported while the script has stopped the daemon (`systemctl stop docker` … `systemctl start docker`): Docker recreates its chains when it starts.',
  check(p) {
    filteredRestores(p); // a pipeline of its own: in a script with no iptables rule command too
    persistentFlushes(p);
    declaredDockerChains(p);
    // each line's result, for the lines after a flush (made once, when a flush is judged)
    let byLine: Map<number, LineResult> | undefined;
    for (const r of p.results) {
      if (r.kind !== 'flush' && r.kind !== 'delete-chain' && r.kind !== 'policy') continue;
      const w = what(r.kind, r.table, r.chain, r.policy);
      if (!w) continue;
      // a ufw before/after.rules block's explicit `-F PREROUTING`: ufw loads it with iptables-restore -n on the running
      // host at every reload, so it flushes as the command does (a whole restore file flushes anyway, at boot)
      const restoreFlush = r.format === 'save' && r.kind === 'flush' && r.chain !== undefined && p.kind === 'proposal' && ufwBlock(p);
      if ((!(p.command && r.format === 'command') && !restoreFlush) || dockerStoppedAt(p, r.line)) continue;
      const span = r.chainSpan ?? lineSpan(r.line, docLine(p, r.line) ?? '');
      const restart = r.kind === 'policy' ? -1 : restartedRightAfter(p, r.line, (byLine ??= new Map(p.results.map((x) => [x.line, x]))));
      // DROP is the policy Docker sets itself (its own rules accept what containers need): said, not flagged
      if (r.kind === 'policy' && r.policy === 'DROP') add(p, 'rules/wipes-docker', 'info', `This ${w}. DROP is the policy Docker itself sets: container and Swarm traffic still pass through Docker's own rules; other forwarded traffic (a VPN, VMs) now needs rules of its own.`, span);
      else if (restart >= 0) add(p, 'rules/wipes-docker', 'info', `This ${w} — until the restart of Docker on line ${restart + 1}, right after, recreates Docker's chains and rules (containers lose their networking in between; the rules of your own that used Docker's chains are gone).`, span);
      else add(p, 'rules/wipes-docker', 'warning', `This ${w} on a running Docker host, until the daemon restarts and recreates its rules.`, span);
    }
  },
};
