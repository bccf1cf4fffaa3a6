/** What secrets are replaced with wherever events or logs would show them. */
export const REDACTED = '[redacted]';

/** Replaces every occurrence of a secret in strings, deep inside plain data. */
export type Redactor = <T>(value: T) => T;

const identity: Redactor = (value) => value;

/**
 * A redactor for the values read from `{ env: NAME }` config sources. With no secrets it
 * is the identity, so runs without env sources pay nothing.
 */
export function makeRedactor(secrets: readonly string[]): Redactor {
  const hidden = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (hidden.length === 0) return identity;
  const redactString = (text: string): string => {
    let out = text;
    for (const secret of hidden) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redactString(value);
    if (typeof value !== 'object' || value === null || depth > 20) return value;
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, depth + 1);
    return out;
  };
  return ((value: unknown) => walk(value, 0)) as Redactor;
}
