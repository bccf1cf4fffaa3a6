import type { z } from 'zod';
import { InvalidConfigError } from '../errors.ts';
import { configIssues } from '../schema/config-issues.ts';
import { containsEnvRef } from '../schema/env-ref.ts';
import { withEnv } from '../schema/env-schema.ts';
import { parseConfig } from '../schema/parse-config.ts';

/** What `.configured(value)` binds: the value, validated at run start like run config. */
export interface BoundConfig {
  readonly value: unknown;
}

/**
 * Checks a value given to `.configured()` against the definition's config schema and
 * returns it bound. Values that read `{ env: NAME }` sources are checked at run start.
 *
 * @throws {InvalidConfigError} when the definition takes no config or the value fails it
 */
export function bindConfig(schema: z.ZodType | undefined, value: unknown, what: string): BoundConfig {
  if (schema === undefined) {
    throw new InvalidConfigError([{ path: [], message: `${what} takes no config` }], `configured config of ${what}`);
  }
  if (!containsEnvRef(value)) {
    // Checked as run config checks it: unknown keys are refused (see withEnv).
    const parsed = parseConfig(withEnv(schema), value, 1);
    if (!parsed.success) throw new InvalidConfigError(configIssues(parsed.issues, []), `configured config of ${what}`);
  }
  return Object.freeze({ value });
}
