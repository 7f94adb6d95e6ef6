/**
 * Records indexed by names that come from outside (rule text, remote hosts, scenario files). A plain object
 * answers `rec["constructor"]` with Object's constructor and treats `rec["__proto__"] = x` as a prototype change:
 * lookups go through `own`; records keyed by such names are built from Maps (`Object.fromEntries` defines own
 * properties, "__proto__" included).
 */

/** `rec[key]` when `key` is one of rec's own properties; undefined for anything inherited. */
export function own<T>(rec: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(rec, key) ? rec[key] : undefined;
}

