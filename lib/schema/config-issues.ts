/**
 * Config issues as users read them: every unknown key is an issue of its own, at a path
 * ending with that key, saying which keys are valid there.
 *
 * Zod reports all unknown keys of one object as one `unrecognized_keys` issue at the
 * object's path. The strict objects of run config give that issue one message per key,
 * joined by {@link KEY_SEPARATOR}; {@link configIssues} splits it into one issue per key.
 */
import type { z } from 'zod';
import type { ConfigIssue } from '../errors.ts';

/** Joins the per-key messages of one `unrecognized_keys` issue (keys are shown quoted, so never hold it). */
export const KEY_SEPARATOR = '\n';

/** The keys of a list for a message: `"a", "b"`, or `(none)`. */
function quoted(keys: readonly string[]): string {
  return keys.length === 0 ? '(none)' : keys.map((k) => JSON.stringify(k)).join(', ');
}

/**
 * The error map of a config object that refuses unknown keys: one message per key, naming
 * the valid ones (`unknown key "pth"; valid: "path"`). Other issues keep zod's messages.
 *
 * @example
 * z.strictObject(shape, { error: unknownKeyError(Object.keys(shape)) });
 */
export function unknownKeyError(valid: readonly string[]): (issue: z.core.$ZodRawIssue) => string | undefined {
  const list = quoted(valid);
  return (issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((k) => `unknown key ${JSON.stringify(k)}; valid: ${list}`).join(KEY_SEPARATOR)
      : undefined;
}

type Path = readonly (string | number)[];

/**
 * Zod issues as config issues under `prefix`: an unknown-keys issue becomes one issue per
 * key, its path ending with the key; a union that every option refuses for a key only
 * (unknown to all of them) reports that key the same way.
 */
export function configIssues(issues: readonly z.core.$ZodIssue[], prefix: Path): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys') {
      const messages = issue.message.split(KEY_SEPARATOR);
      const own = messages.length === issue.keys.length;
      issue.keys.forEach((key, i) => out.push({ path: [...path, key], message: own ? messages[i]! : issue.message }));
    } else if (issue.code === 'invalid_union' && unknownToEveryOption(issue).length > 0) {
      for (const key of unknownToEveryOption(issue)) {
        out.push({ path: [...path, key], message: `unknown key ${JSON.stringify(key)}; no option of the union at this position takes it` });
      }
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

/** The keys every option of a failed union refused, when unknown keys are all that failed. */
function unknownToEveryOption(issue: z.core.$ZodIssueInvalidUnion): string[] {
  let common: Set<string> | undefined;
  for (const option of issue.errors) {
    if (option.length === 0 || option.some((i) => i.code !== 'unrecognized_keys' || i.path.length > 0)) return [];
    const keys = new Set(option.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : [])));
    common = common ? new Set([...common].filter((k) => keys.has(k))) : keys;
  }
  return common ? [...common] : [];
}
