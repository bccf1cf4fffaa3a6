import type { z } from 'zod';
import { InvalidConfigError } from './errors.ts';
import { containsEnvRef } from './env-ref.ts';
import { withEnv } from './env-schema.ts';

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
    // Through withEnv (no env reference here): a key like `constructor` reads own keys only.
    const parsed = withEnv(schema).safeParse(value);
    if (!parsed.success) {
      throw new InvalidConfigError(
        parsed.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message })),
        `configured config of ${what}`,
      );
    }
  }
  return Object.freeze({ value });
}
