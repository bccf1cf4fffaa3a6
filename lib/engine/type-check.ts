/** A step's inputs and outputs checked against their solid's zod schemas. */
import type { z } from 'zod';
import { TypeCheckError } from '../errors.ts';
import type { Step } from './step.ts';

/**
 * `schema.safeParse(value)`, or what a refinement or transform of the user's threw: that
 * error fails the step like a throw from its compute, instead of escaping from the engine.
 *
 * @example
 * const parsed = checked(z.number(), value);
 * if (!parsed.success) fail(parsed.thrown ? parsed.error : new TypeCheckError({ ...where, issues: parsed.error.issues }));
 */
export function checked(
  schema: z.ZodType,
  value: unknown,
):
  | { success: true; data: unknown }
  | { success: false; thrown: false; error: z.ZodError }
  | { success: false; thrown: true; error: unknown } {
  try {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed : { success: false, thrown: false, error: parsed.error };
  } catch (error) {
    return { success: false, thrown: true, error };
  }
}

/** A value that failed its input or output schema, as the step's error. */
export function typeError(
  step: Step,
  direction: 'input' | 'output',
  port: string,
  issues: readonly { path: PropertyKey[]; message: string }[],
): TypeCheckError {
  return new TypeCheckError({
    solid: step.node.name,
    stepKey: step.key,
    direction,
    port,
    issues: issues.map((i) => ({ path: i.path.filter((k): k is string | number => typeof k !== 'symbol'), message: i.message })),
  });
}
