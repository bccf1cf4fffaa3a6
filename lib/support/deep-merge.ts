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
  for (const [key, value] of Object.entries(over)) {
    const merged = mergeTwo(Object.hasOwn(out, key) ? out[key] : undefined, value);
    // An own `__proto__` key (JSON and YAML readers make one) stays a key: assigning it
    // would set the prototype, hiding the key from validation and polluting the result.
    if (key === '__proto__') Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
    else out[key] = merged;
  }
  return out;
}

/** True for `{}`-style objects (not arrays, dates, class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
