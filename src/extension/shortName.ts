/**
 * Long names shortened in the middle, for the places that cut them off at their end (tree labels, the trace
 * diagram's boxes): a task name `<service>.<slot>.<task id>` keeps its service and slot, and its 25-character
 * task id keeps its first and last characters (`web.3.hex09…iugaz`). The full name goes into the tooltip.
 */

/** Labels up to this many characters are shown whole. */
export const SHORT_MAX = 28;

/** A swarm task's container name: service, slot (a number, or the node id for a global service), task id. */
const TASK = /^(.+)\.(\d+|[a-z0-9]{25})\.([a-z0-9]{25})$/;
const TASK_IN_TEXT = /[\w.-]+?\.(?:\d+|[a-z0-9]{25})\.[a-z0-9]{25}\b/g;

/** `s` cut in the middle to `max` characters (an ellipsis between its start and its end). */
export function middleEllipsis(s: string, max: number): string {
  if (s.length <= max) return s;
  const tail = Math.max(1, Math.floor((max - 1) / 3));
  return `${s.slice(0, Math.max(1, max - 1 - tail))}…${s.slice(-tail)}`;
}

/** A name for a narrow place: whole when it fits, else shortened in the middle (task names by their parts). */
export function shortName(name: string, max = SHORT_MAX): string {
  if (name.length <= max) return name;
  const m = TASK.exec(name);
  if (!m) return middleEllipsis(name, max);
  const [, service, slot, id] = m;
  const rest = `.${slot.length > 6 ? `${slot.slice(0, 5)}…` : slot}.${id.slice(0, 5)}…${id.slice(-4)}`;
  return `${middleEllipsis(service, Math.max(8, max - rest.length))}${rest}`;
}

/** Every task name in a label shortened (an FDB row names its task among other words). */
export function shortTaskNamesIn(text: string, max = SHORT_MAX): string {
  return text.replace(TASK_IN_TEXT, (t) => shortName(t, max));
}
