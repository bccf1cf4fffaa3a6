import { makeRedactor, type Redactor } from '../config/redact.ts';
import { isEnvRef } from '../schema/env-ref.ts';

/**
 * A redactor for the answer to a request whose run config (with its preset's) may hold
 * `{ env: NAME }` sources: every set variable they name is a secret, also when the run
 * never started (a config issue's message must not show it either). Events need none of
 * this: the engine redacts them.
 *
 * @example
 * requestRedactor([preset?.runConfig, body.runConfig])(error.message);
 */
export function requestRedactor(configs: readonly unknown[], env: NodeJS.ProcessEnv = process.env): Redactor {
  const secrets = new Set<string>();
  const todo: unknown[] = [...configs];
  const seen = new Set<object>();
  while (todo.length > 0) {
    const next = todo.pop();
    if (isEnvRef(next)) {
      const value = env[next.env];
      if (value) secrets.add(value);
      continue;
    }
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    for (const child of Object.values(next)) todo.push(child);
  }
  return makeRedactor([...secrets]);
}
