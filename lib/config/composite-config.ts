/**
 * A composite's entry in the `solids` section: its own inputs, then either its config,
 * mapped onto its solids by its `configMapping` (whose output is checked as
 * `solids.<composite>.solids` would be, its issues reported at the config given), or its
 * `solids`.
 */
import { noConfigMessage } from './config-entry.ts';
import { KEY_SEPARATOR } from '../schema/config-issues.ts';
import { listNames } from '../define/definition.ts';
import { parseConfig } from '../schema/parse-config.ts';
import {
  addAt,
  outsideMapping,
  EMPTY,
  isObject,
  notObject,
  parseInputs,
  parseProperty,
  unknownKeys,
  type Issue,
  type Path,
} from './entry-parse.ts';
import type { CompositeKind, CompositeSlot, SolidsSection } from './solids-section.ts';

/** Parses one level of the section (solids-config.ts's, handed in: the levels nest). */
export type LevelParser = (section: SolidsSection, raw: unknown, path: Path, issues: Issue[]) => Record<string, unknown>;

/** A composite's entry: its own inputs, then its config mapped onto its solids, or its `solids`. */
export function parseComposite(
  slot: CompositeSlot,
  kind: CompositeKind,
  raw: unknown,
  base: Path,
  issues: Issue[],
  parseLevel: LevelParser,
): unknown {
  const group = slot.group;
  const where = slot.where;
  const path = [...base, slot.name];
  const given = raw ?? EMPTY;
  if (!isObject(given)) {
    issues.push(notObject(given, path));
    return given;
  }
  const parsed: Record<string, unknown> = { inputs: parseInputs(group, kind.inputs, given['inputs'], base, slot, issues) };
  if (kind.mapping) parsed['solids'] = mapConfig(slot, kind, given, parsed, path, issues, parseLevel);
  else parsed['solids'] = parseLevel(kind.children, given['solids'], [...path, 'solids'], issues);
  const unknown = given === EMPTY ? [] : Object.keys(given).filter((k) => !kind.keys.includes(k));
  if (unknown.length > 0) {
    const what = `composite "${group.name}"`;
    issues.push(
      unknownKeys(given, unknown, path, (k) => {
        if (k === 'solids' && kind.bound) {
          return `${what} has its config bound with .configured(), which sets its solids' config; remove ${where}.solids`;
        }
        if (k === 'solids') {
          return `${what} maps its config onto its solids (configMapping), so its solids take no config here; give ${where}.config instead of ${where}.solids`;
        }
        if (k === 'config') {
          return kind.bound ? noConfigMessage(group.composite, what, where) : `${what} takes no config; remove ${where}.config`;
        }
        return `unknown key "${k}" in ${where}; valid: ${listNames(kind.keys)}`;
      }),
    );
  }
  return parsed;
}

/**
 * Runs a composite's config mapping and checks what it gives as `solids.<composite>.solids`
 * would be checked. Its issues are reported at `solids.<composite>.config` (the value the
 * user gave), each naming the inner solid and the path inside what the mapping gave.
 */
function mapConfig(
  slot: CompositeSlot,
  kind: CompositeKind,
  given: Record<string, unknown>,
  parsed: Record<string, unknown>,
  path: Path,
  issues: Issue[],
  parseLevel: LevelParser,
): unknown {
  const at = [...path, 'config'];
  const what = `configMapping of composite "${slot.group.name}"`;
  let config: unknown;
  if (kind.bound) {
    if (kind.bound.schema) {
      const result = parseConfig(kind.bound.schema, kind.bound.value, 1);
      if (!result.success) {
        for (const issue of result.issues)
          issues.push({ ...issue, path: [...at, ...issue.path], message: `${issue.message} (in .configured())` } as Issue);
        return {};
      }
      config = result.data;
    } else config = kind.bound.value;
  } else if (kind.config) {
    const failed = parseProperty(kind.config, given, 'config', parsed);
    if (failed) {
      addAt(issues, failed, at);
      return {};
    }
    config = parsed['config'];
  }
  let mapped: unknown;
  try {
    mapped = kind.mapping!(config);
  } catch (error) {
    issues.push({
      code: 'custom',
      path: at,
      input: config,
      message: `${what} threw: ${error instanceof Error ? error.message : String(error)}`,
    });
    return {};
  }
  const inner: Issue[] = [];
  const out = parseLevel(kind.children, mapped, [], inner);
  for (const issue of inner) {
    if (outsideMapping.has(issue)) {
      issues.push(issue);
      continue;
    }
    for (const { path: within, message } of messagesOf(issue)) {
      const child = typeof within[0] === 'string' ? kind.children.slots.get(within[0]) : undefined;
      const whose = child
        ? ` for ${child.type} "${slot.group.name}.${child.name}" (definition "${child.type === 'solid' ? child.node.solid.name : child.group.composite.name}")`
        : '';
      issues.push({
        code: 'custom',
        path: at,
        input: mapped,
        message: `${what} gave a bad value${whose} at ${formatWithin(within)}: ${message}`,
      });
    }
  }
  return out;
}

/** A path inside a mapping's output, as `inner.config.n` (`(root)` for none). */
function formatWithin(path: Path): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** An issue as (path, message) pairs: one per unknown key, with zod's message where it set none. */
function messagesOf(issue: Issue): { path: Path; message: string }[] {
  const path = (issue.path ?? []) as Path;
  if (issue.code === 'unrecognized_keys') {
    const messages = (issue.message ?? '').split(KEY_SEPARATOR);
    return issue.keys.map((key, i) => ({
      path: [...path, key],
      message: messages.length === issue.keys.length ? messages[i]! : `unknown key "${key}"`,
    }));
  }
  if (issue.message !== undefined) return [{ path, message: issue.message }];
  const input = (issue as { input?: unknown }).input;
  const received = input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input;
  return [
    { path, message: `Invalid input: expected ${(issue as { expected?: string }).expected ?? 'a valid value'}, received ${received}` },
  ];
}
