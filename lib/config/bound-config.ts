/** `.configured()` values, resolved and checked at run start like run config. */
import type { z } from 'zod';
import { isPlainObject } from '../support/deep-merge.ts';
import { configIssues } from '../schema/config-issues.ts';
import { isEnvRef, containsEnvRef } from '../schema/env-ref.ts';
import { readEnv, unsetMessage, withEnv } from '../schema/env-schema.ts';
import { parseConfig } from '../schema/parse-config.ts';
import type { ConfigIssue, InvalidConfigError } from '../errors.ts';
import type { GraphNode } from '../define/graph.ts';

/** Parses a `.configured()` value like run config, reporting at the path it would have there. */
export function parseBound(schema: z.ZodType, value: unknown, path: readonly (string | number)[], issues: ConfigIssue[]): unknown {
  const parsed = parseConfig(schema, value, 1);
  if (parsed.success) return parsed.data;
  issues.push(...configIssues(parsed.issues, path).map((i) => ({ ...i, message: `${i.message} (in .configured())` })));
  return undefined;
}

/**
 * A bound solid no longer exposes its config schema (`solid.config` is undefined once
 * bound), so env references are resolved by hand and `configured()` re-checks the result.
 * `where` is the solid's entry (`solids.outer.solids.inner`): issues are reported below it.
 */
export function boundSolidConfig(node: GraphNode, where: string, issues: ConfigIssue[]): unknown {
  const path = [...where.split('.'), 'config'];
  const value = node.solid.bound!.value;
  if (node.solid.config) return parseBound(withEnv(node.solid.config), value, path, issues);
  const before = issues.length;
  // Walked by hand (recursively) only when needed: a deep value without references is left as is.
  const resolved = containsEnvRef(value) ? resolveEnvDeep(value, path, issues) : value;
  if (issues.length > before) return undefined;
  try {
    (node.solid.configured as (config: unknown) => unknown)(resolved);
  } catch (error) {
    // By name: the solid may come from another copy of the library (a worker, tsx).
    if ((error as Error | undefined)?.name !== 'InvalidConfigError') throw error;
    issues.push(
      ...(error as InvalidConfigError).issues.map((i) => ({ path: [...path, ...i.path], message: `${i.message} (in .configured())` })),
    );
  }
  return resolved;
}

function resolveEnvDeep(value: unknown, path: readonly (string | number)[], issues: ConfigIssue[]): unknown {
  if (isEnvRef(value)) {
    const found = readEnv(value.env);
    if (found === undefined) issues.push({ path, message: `${unsetMessage(value.env)} (in .configured())` });
    return found;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvDeep(v, [...path, i], issues));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvDeep(v, [...path, k], issues)]));
}
