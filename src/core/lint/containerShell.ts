/**
 * Commands typed inside a container: a transcript or guide that starts an interactive shell in a container
 * (`docker run -it … alpine`, `docker exec -it web sh`) and then types `iptables …` changes the container's own
 * network namespace, not the host's (gluetun#171: "iptables --flush" inside a test container). Those lines are not
 * judged as the host's rules; an info says why. The shell ends at `exit`, or at the next `docker …` command (typed
 * on the host again).
 */
import type { LineResult } from '../iptables/parse';
import { DIAG, mkDiag } from '../iptables/codes';

/** `docker run -it …` / `docker exec -it NAME sh` (podman too), not detached, with no iptables command of its own. */
const INTERACTIVE = /^\s*(?:\$\s+)?(?:sudo\s+)?(?:docker|podman)\s+(?:container\s+)?(?:run|exec)\b(?=.*\s-(?:[a-zA-Z]*i[a-zA-Z]*t|[a-zA-Z]*t[a-zA-Z]*i)\b)(?!.*\s(?:-d|--detach)\b)(?!.*\biptables\b)/;
const LEAVES = /^\s*(?:\$\s+)?(?:exit|logout)\b|^\s*(?:\$\s+)?(?:sudo\s+)?(?:docker|podman)\s/;

/** The 0-based lines typed inside a container's shell, each with the line that started it. */
export function containerShellLines(text: string): Map<number, number> {
  const out = new Map<number, number>();
  if (!/\s-[a-zA-Z]*[it]/.test(text) || !/(?:docker|podman)\s/.test(text)) return out;
  let started: number | undefined;
  text.split('\n').forEach((line, i) => {
    if (started !== undefined && LEAVES.test(line)) started = undefined;
    if (started !== undefined) out.set(i, started);
    else if (INTERACTIVE.test(line)) started = i;
  });
  return out;
}

/** The results without the rules typed inside a container (each said by an info), for the host's judgments. */
export function withoutContainerShellRules(text: string, results: LineResult[]): LineResult[] {
  const inside = containerShellLines(text);
  if (!inside.size) return results;
  return results.map((r) => {
    const start = inside.get(r.line);
    if (start === undefined || r.format !== 'command' || r.kind === 'blank' || r.kind === 'other') return r;
    const info = mkDiag('info', DIAG.notIptables, `typed inside the container whose shell line ${start + 1} starts: it changes that container's own network namespace, not the host's rules (not judged as the host's)`, { line: r.line, start: 0, end: 0 });
    return { ...r, kind: 'other' as const, rule: undefined, diagnostics: [info] };
  });
}
