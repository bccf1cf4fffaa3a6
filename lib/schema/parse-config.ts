/**
 * Parsing a config value with zod without letting a deeply nested value escape as a bare
 * `RangeError`: zod recurses once per level, so a value thousands of levels deep under a
 * recursive (`z.lazy`) schema overflows the stack. Such a value becomes an issue at its
 * path saying it is nested too deeply, and the rest of the config is still checked.
 */
import type { z } from 'zod';

/** What {@link parseConfig} gives: zod's result, with issues for values nested too deeply. */
export type ConfigParse =
  { readonly success: true; readonly data: unknown } | { readonly success: false; readonly issues: z.core.$ZodIssue[] };

/** Below this depth a stack overflow is not blamed on the value (it is user code recursing). */
const BLAME_DEPTH = 64;
/** How many values nested too deeply are cut out before giving up. */
const MAX_CUTS = 16;

/**
 * `schema.safeParse(value)`. On a stack overflow, the deepest branch of `value` is cut
 * out at its first `keep` keys (where the value it belongs to starts: `1` for a config,
 * `4` for a whole run config, `resources.<key>.config.<field>`), reported as nested too
 * deeply there, and the rest parsed again; issues at a cut path are dropped.
 *
 * @example
 * const parsed = parseConfig(schema, raw, 1);
 * if (!parsed.success) report(parsed.issues);
 *
 * @throws whatever the schema throws other than a stack overflow caused by a deep value
 */
export function parseConfig(schema: z.ZodType, value: unknown, keep: number): ConfigParse {
  const deep: z.core.$ZodIssue[] = [];
  const cuts: (string | number)[][] = [];
  let current = value;
  for (;;) {
    let parsed: z.ZodSafeParseResult<unknown>;
    try {
      parsed = schema.safeParse(current);
    } catch (error) {
      const chain = deepestPath(current);
      if (!isStackOverflow(error) || chain.length < BLAME_DEPTH || cuts.length >= MAX_CUTS) throw error;
      const at = chain.slice(0, keep);
      cuts.push(at);
      deep.push({ code: 'custom', path: at, message: tooDeep(chain.length - at.length), input: undefined });
      current = without(current, at);
      continue;
    }
    if (deep.length === 0) return parsed.success ? { success: true, data: parsed.data } : { success: false, issues: parsed.error.issues };
    const rest = parsed.success ? [] : parsed.error.issues.filter((i) => !cuts.some((cut) => samePath(cut, i.path)));
    return { success: false, issues: [...deep, ...rest] };
  }
}

function tooDeep(levels: number): string {
  return `nested too deeply to check (${levels} levels below here)`;
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function samePath(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** The keys down to the deepest value inside `root` (objects and arrays), found without recursion. */
export function deepestPath(root: unknown): (string | number)[] {
  interface Step {
    readonly key: string | number;
    readonly parent: Step | undefined;
    readonly depth: number;
  }
  const seen = new Set<object>();
  const todo: [unknown, Step | undefined][] = [[root, undefined]];
  let deepest: Step | undefined;
  while (todo.length > 0) {
    const [value, step] = todo.pop()!;
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    const depth = step ? step.depth : 0;
    if (step && (!deepest || depth > deepest.depth)) deepest = step;
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, child] of entries) todo.push([child, { key, parent: step, depth: depth + 1 }]);
  }
  const path: (string | number)[] = [];
  for (let s = deepest; s; s = s.parent) path.push(s.key);
  return path.reverse();
}

/** A copy of `root` without the value at `path` (copied along the path only). */
function without(root: unknown, path: readonly (string | number)[]): unknown {
  if (path.length === 0 || typeof root !== 'object' || root === null) return undefined;
  const [key, ...rest] = path as [string | number, ...(string | number)[]];
  const holder = root as Record<string | number, unknown>;
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...holder }) as Record<string | number, unknown>;
  if (rest.length === 0) {
    if (Array.isArray(copy)) copy[key] = undefined;
    else delete copy[key];
  } else {
    // defineProperty: an own `__proto__` key must stay a key.
    Object.defineProperty(copy, key, { value: without(holder[key], rest), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
