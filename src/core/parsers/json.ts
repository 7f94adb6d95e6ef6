/** Small total helpers to read untrusted JSON without `any`. */
import { excerpt, type Diagnostic } from '../diagnostics';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(o: JsonObject, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' ? v : undefined;
}

export function num(o: JsonObject, k: string): number | undefined {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function bool(o: JsonObject, k: string): boolean | undefined {
  const v = o[k];
  return typeof v === 'boolean' ? v : undefined;
}

export function obj(o: JsonObject, k: string): JsonObject | undefined {
  const v = o[k];
  return isObject(v) ? v : undefined;
}

export function arr(o: JsonObject, k: string): Json[] {
  const v = o[k];
  return Array.isArray(v) ? v : [];
}

export function strArr(o: JsonObject, k: string): string[] {
  return arr(o, k).filter((x): x is string => typeof x === 'string');
}

/**
 * Parses a JSON array of objects. Truncated or garbage text yields [] plus a diagnostic; non-object elements are
 * reported, not silently dropped.
 */
export function parseJsonArray(text: string, source: string, diagnostics: Diagnostic[]): JsonObject[] {
  const t = text.trim();
  if (t === '') return [];
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch (e) {
    diagnostics.push({
      severity: 'error',
      source,
      message: `output is not valid JSON (${e instanceof Error ? e.message : String(e)}); truncated or not JSON output?`,
      excerpt: excerpt(t),
    });
    return [];
  }
  if (!Array.isArray(v)) {
    diagnostics.push({ severity: 'error', source, message: 'expected a JSON array', excerpt: excerpt(t) });
    return [];
  }
  const out: JsonObject[] = [];
  v.forEach((el, i) => {
    if (isObject(el)) out.push(el);
    else diagnostics.push({ severity: 'warning', source, message: `element ${i} is not an object; ignored`, excerpt: excerpt(JSON.stringify(el) ?? '') });
  });
  return out;
}
