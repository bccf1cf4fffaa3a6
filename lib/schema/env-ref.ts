/** A config value read from the environment at run start: `{ env: 'PGPASSWORD' }`. */
export interface EnvRef {
  readonly env: string;
}

/** True for an object with exactly one key, `env`, holding a string. */
export function isEnvRef(value: unknown): value is EnvRef {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'env' && typeof (value as EnvRef).env === 'string';
}

/** True when `value` holds an `{ env: NAME }` anywhere (walked without recursion: values may be deep). */
export function containsEnvRef(value: unknown): boolean {
  const todo: unknown[] = [value];
  const seen = new Set<object>();
  while (todo.length > 0) {
    const next = todo.pop();
    if (isEnvRef(next)) return true;
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    for (const child of Object.values(next)) todo.push(child);
  }
  return false;
}
