import type { z } from 'zod';
import { resource, type Resource } from '../../lib/define/resource.ts';

/**
 * A resource that is always `value`.
 *
 * @example
 * mode({ name: 'test', resources: { clock: hardcodedResource({ now: () => 0 }) } });
 */
export function hardcodedResource<T>(value: T, description?: string): Resource<T> {
  return resource({ description: description ?? 'a hardcoded value', init: () => value });
}

/** A resource whose value is `undefined`, for keys a mode must provide but never uses. */
export function noneResource(description?: string): Resource<undefined> {
  return resource({ description: description ?? 'no value', init: () => undefined });
}

/**
 * A resource whose value is its config, parsed by `schema`.
 *
 * @example
 * mode({ resources: { settings: valuesResource(z.object({ batch: z.number().default(100) })) } });
 */
export function valuesResource<S extends z.ZodType>(schema: S, description?: string): Resource<z.output<S>> {
  return resource({
    description: description ?? 'values from run config',
    config: schema,
    init: ({ config }) => config as z.output<S>,
  });
}
