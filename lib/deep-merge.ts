/**
 * Deep-merges plain objects, later wins; arrays and other values are replaced whole.
 * Used for YAML config files (`-c a.yaml -c b.yaml`) and preset + explicit run config.
 */
export function deepMerge(...layers: unknown[]): unknown {
  let merged: unknown = undefined;
  for (const layer of layers) merged = mergeTwo(merged, layer);
  return merged;
}

function mergeTwo(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = mergeTwo(out[key], value);
  return out;
}

/** True for `{}`-style objects (not arrays, dates, class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
