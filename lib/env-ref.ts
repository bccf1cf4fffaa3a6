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

/** True when `value` holds an `{ env: NAME }` anywhere. */
export function containsEnvRef(value: unknown): boolean {
  if (isEnvRef(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(containsEnvRef);
}
