/**
 * Commands typed inside a container: a transcript or guide that starts an interactive shell in a container
 * (`docker run -it … alpine`, `docker exec -it web sh`) and then types `iptables …` changes the container's own
 * network namespace, not the host's (gluetun#171: "iptables --flush" inside a test container). Those lines are not
 * judged as the host's rules; an info says why. The shell ends at `exit`, or at the next `docker …` command (typed
 * on the host again). The same holds for one command run there: `docker exec router iptables -F` (unless the container
 * shares the host's network: `--net=host`), `ip netns exec lab iptables …`; but a rule of Docker's own chains run
 * there (`docker exec node1 iptables -I DOCKER-USER …`) is a Docker host's inside (docker-in-docker, a lab node).
 */
import type { LineResult } from '../iptables/parse';
import { DIAG, mkDiag } from '../iptables/codes';
import { EXEC_FLAGS_WITH_VALUE } from '../iptables/shellLine';

/** `docker run -it …` / `docker exec -it NAME sh` (podman too), not detached, with no iptables command of its own. */
const INTERACTIVE = /^\s*(?:\$\s+)?(?:sudo\s+)?(?:docker|podman)\s+(?:container\s+)?(?:run|exec)\b(?=.*\s-(?:[a-zA-Z]*i[a-zA-Z]*t|[a-zA-Z]*t[a-zA-Z]*i)\b)(?!.*\s(?:-d|--detach)\b)(?!.*\biptables\b)/;
const LEAVES = /^\s*(?:\$\s+)?(?:exit|logout)\b|^\s*(?:\$\s+)?(?:sudo\s+)?(?:docker|podman)\s/;

/** The 0-based lines typed inside a container's shell, each with the line that started it. */
export function containerShellLines(text: string): Map<number, number> {
  const out = new Map<number, number>();
  if (!/(?:docker|podman)\s/.test(text) || !/\s-[a-zA-Z]*[it]/.test(text)) return out;
  let started: number | undefined;
  text.split('\n').forEach((line, i) => {
    if (started !== undefined && LEAVES.test(line)) started = undefined;
    if (started !== undefined) out.set(i, started);
    else if (INTERACTIVE.test(line)) started = i;
  });
  return out;
}

/**
 * `docker exec [opts] NAME iptables …` (podman too) or `ip netns exec NS iptables …`: the namespace the command runs
 * in (`container NAME`, `network namespace NS`), or undefined for a host command.
 */
function execNamespace(line: string): string | undefined {
  const code = line.replace(/(?:^|\s)#.*$/, '');
  // (only the lines that parsed as iptables calls are asked: the binary may be a variable, `"$tool"`)
  const netns = /^\s*(?:\$\s+)?(?:sudo\s+)?ip\s+netns\s+exec\s+(\S+)\s/.exec(code);
  if (netns) return `network namespace ${netns[1]}`;
  const exec = /^\s*(?:\$\s+)?(?:sudo\s+)?(?:docker|podman)\s+(?:container\s+)?exec\s+(.*)$/.exec(code);
  if (!exec) return undefined;
  const words = exec[1].split(/\s+/);
  let k = 0;
  while (k < words.length && words[k].startsWith('-')) k += EXEC_FLAGS_WITH_VALUE.has(words[k]) ? 2 : 1;
  const name = words[k];
  const binary = (w: string | undefined) => !!w && (/^\S*ip6?tables$/.test(w) || /^"?\$/.test(w));
  return name && (binary(words[k + 1]) || (words[k + 1] === 'sudo' && binary(words[k + 2]))) ? `container ${name}` : undefined;
}

/** The container shares the host's network namespace (`docker run --net=host … --name NAME`, compose `network_mode: host`). */
function hostNetwork(text: string, name: string): boolean {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const line = new RegExp(`^.*(?:--name[= ]${esc}\\b|container_name:\\s*["']?${esc}\\b).*$`, 'm').exec(text)?.[0] ?? '';
  return /--net(?:work)?[= ]host\b/.test(line) || (/network_mode:\s*["']?host\b/.test(text) && line.includes('container_name'));
}

/** A rule of Docker's chains run in a container is a Docker host's (docker-in-docker, a lab node): judged as one. */
const DOCKER_INSIDE = /\s(?:-[AIDRNFPXt]|--(?:append|insert|delete|replace|new-chain|flush|policy|delete-chain|table))\s.*(?:\bDOCKER|docker0|docker_gwbridge)|\s(?:-[AIDRNFX]|-j|--(?:append|insert|delete|replace|new-chain|flush|delete-chain|jump))\s+DOCKER/;

/**
 * A container's entrypoint script: a command hands the container to its main process (`exec "$@"`) or keeps
 * it alive (`tail -f /dev/null`, `sleep infinity`). Its iptables commands change the container's own namespace
 * (moby#38682: an image's docker-entrypoint.sh flushing and setting DROP policies).
 */
const ENTRYPOINT_END = /^\s*(?:exec\s+"\$(?:@|\{@\})"|(?:exec\s+)?tail\s+-f\s+\/dev\/null|(?:exec\s+)?sleep\s+infinity)\s*$/;

function isEntrypoint(text: string): boolean {
  // (anywhere: `exec` ends the script, and a keep-alive is its last command even inside an `if` or a function; one
  // scan of the whole text for their words first, so a large rules file splits nothing)
  return /\b(?:exec|tail|sleep)\s/.test(text) && text.split('\n').some((l) => ENTRYPOINT_END.test(l));
}

/**
 * Where a container definition runs its commands: a compose file's services (`command:`, `entrypoint:`), a Kubernetes
 * pod's containers, a Dockerfile's `RUN` (a build container): not on the host, unless the host's network is shared
 * (`network_mode: host`, `hostNetwork: true`).
 */
function definitionNamespace(text: string): string | undefined {
  // (each pattern only where its key word is in the text: a line-anchored pattern tries every line of a large file)
  if (/network_mode:\s*["']?host\b|hostNetwork:\s*true\b/.test(text)) return undefined;
  if (text.includes('services:') && /^services:\s*$/m.test(text) && /^\s+(?:image|build):/m.test(text)) return COMPOSE;
  if (text.includes('containers:') && /^\s*(?:- )?containers:\s*$/m.test(text) && /^kind:\s*\w/m.test(text)) return "pod's container";
  return undefined;
}

const COMPOSE = "compose service's container";

/**
 * The 0-based lines of a compose file's YAML: from a `services:` line to the first line after it that is neither
 * indented, blank, a comment nor another top-level key. A script that writes its docker-compose.yml in a
 * here-document (holdout 51: an installer's firewall commands 150 lines above it) runs its other lines on the host.
 */
function composeLines(lines: string[]): Set<number> {
  const out = new Set<number>();
  let open = false;
  lines.forEach((line, i) => {
    if (/^services:\s*$/.test(line)) open = true;
    else if (open && line.trim() && !/^\s/.test(line) && !/^(?:#|[A-Za-z_][\w-]*:(?:\s|$)|---)/.test(line)) open = false;
    if (open) out.add(i);
  });
  return out;
}

/** wg-easy's hook variables: the container runs their commands when it brings wg0 up or down. */
const WG_EASY_HOOK = /\bWG_(?:PRE|POST)_(?:UP|DOWN)\b/;

/** The 0-based lines of a wg-easy hook's value: the line that names it and the lines after it, up to a blank line. */
function wgEasyHookLines(lines: string[]): Set<number> {
  const out = new Set<number>();
  let open = false;
  lines.forEach((line, i) => {
    if (WG_EASY_HOOK.test(line)) open = true;
    else if (!line.trim()) open = false;
    if (open) out.add(i);
  });
  return out;
}

/** The 0-based lines that run iptables in a container's or a named network namespace, each with that namespace. */
function execLines(text: string): Map<number, string> {
  const out = new Map<number, string>();
  const entrypoint = isEntrypoint(text);
  const defined = definitionNamespace(text);
  const wgEasy = WG_EASY_HOOK.test(text);
  if (!entrypoint && !defined && !wgEasy && !/\bexec\s/.test(text) && !(text.includes('RUN') && /^\s*RUN\s/m.test(text))) return out;
  const lines = text.split('\n');
  const hooks = wgEasy ? wgEasyHookLines(lines) : new Set<number>();
  const composed = defined === COMPOSE ? composeLines(lines) : undefined;
  // (every line gets its namespace here; only the lines that parsed as iptables calls are taken out, whatever names
  // the binary: `iptables`, `$IPTABLES`, `$IPT`)
  lines.forEach((line, i) => {
    const inside = entrypoint ? 'container this entrypoint script starts' : /^\s*RUN\s/.test(line) ? 'build container of this Dockerfile' : hooks.has(i) ? 'wg-easy container, which runs its WG_PRE/POST_UP/DOWN hooks' : composed && !composed.has(i) ? undefined : defined;
    const ns = execNamespace(line) ?? inside;
    if (ns && !DOCKER_INSIDE.test(line) && !(ns.startsWith('container ') && hostNetwork(text, ns.slice(10)))) out.set(i, ns);
  });
  return out;
}

/**
 * The results without the rules typed inside a container or run there by `docker exec` / `ip netns exec` (each said
 * by an info), for the host's judgments.
 */
export function withoutContainerShellRules(text: string, results: LineResult[]): LineResult[] {
  // (only command lines are taken out: a text of saved rules, however large, is not scanned)
  if (!results.some((r) => r.format === 'command')) return results;
  const inside = containerShellLines(text);
  const exec = execLines(text);
  if (!inside.size && !exec.size) return results;
  const lines = inside.size ? text.split('\n') : [];
  return results.map((r) => {
    // (a rule of Docker's own chains typed there is a Docker host's, as with `docker exec`)
    const start = inside.has(r.line) && !DOCKER_INSIDE.test(lines[r.line] ?? '') ? inside.get(r.line) : undefined;
    const ns = exec.get(r.line);
    if ((start === undefined && ns === undefined) || r.format !== 'command' || r.kind === 'blank' || r.kind === 'other') return r;
    const where = start !== undefined ? `typed inside the container whose shell line ${start + 1} starts: it changes that container's own network namespace` : `run in the ${ns ?? ''}: it changes that namespace's rules`;
    const info = mkDiag('info', DIAG.notIptables, `${where}, not the host's rules (not judged as the host's)`, { line: r.line, start: 0, end: 0 });
    return { ...r, kind: 'other' as const, rule: undefined, diagnostics: [info] };
  });
}
