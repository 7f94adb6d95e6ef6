/**
 * Names of Docker's network namespaces, which come from remote hosts and so are never trusted: a name is only
 * used when it is a plain file name (no path separators, no "..", no shell metacharacters, bounded length).
 */
import { NETNS_DIR } from './model';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isValidNamespaceName(name: string): boolean {
  return NAME.test(name) && !name.includes('..');
}

export function assertNamespaceName(name: string): string {
  if (!isValidNamespaceName(name)) {
    throw new Error(`refused namespace name ${JSON.stringify(name.slice(0, 80))}: not a plain name under ${NETNS_DIR}`);
  }
  return name;
}

export function namespacePath(name: string): string {
  return `${NETNS_DIR}/${assertNamespaceName(name)}`;
}

/** argv to run `cmd` inside a Docker network namespace (or in the host namespace when ns is "host"/undefined). */
export function nsenterArgv(ns: string | undefined, cmd: readonly string[]): string[] {
  if (ns === undefined || ns === 'host') return [...cmd];
  return ['nsenter', `--net=${namespacePath(ns)}`, '--', ...cmd];
}
