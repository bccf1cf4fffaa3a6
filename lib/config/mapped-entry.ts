/**
 * A solid's entry as composites' `configMapping`s give it, made again where a step runs
 * (see `MappedEnvSource`): the outermost mapping composite's config is read (its
 * `{ env: NAME }` references from the environment there), mapped, and so on down to the
 * solid, with the same schemas, defaults and transforms as at run start.
 */
import type { z } from 'zod';
import { isPlainObject } from '../support/deep-merge.ts';
import type { ConfigIssue } from '../errors.ts';
import type { CompositeNode, GraphNode } from '../define/graph.ts';
import type { MappedEnvSource } from '../define/step-request.ts';
import { optionalConfig } from './config-entry.ts';
import { entryWhere } from './solids-section.ts';

/** Parses `value` with `schema` (env-aware), reporting at `path` and returning undefined on issues. */
export type EnvParse = (schema: z.ZodType | undefined, value: unknown, path: (string | number)[]) => unknown;

/**
 * What the mappings give the solid: its config (when `source.config`) and the inputs
 * `source.inputs` names (its own, or a nested composite's input that feeds it).
 */
export interface MappedEntry {
  readonly config: unknown;
  readonly inputs: Readonly<Record<string, unknown>>;
}

/**
 * Runs the mappings from `source.composite` down to `node`; a mapping that throws or gives
 * a bad value is an issue at the root composite's config, naming the mapping and the solid.
 */
export function mappedEntry(
  groups: ReadonlyMap<string, CompositeNode>,
  node: GraphNode,
  source: MappedEnvSource,
  parse: EnvParse,
  issues: ConfigIssue[],
): MappedEntry | undefined {
  const root = groups.get(source.composite);
  if (!root?.composite.configMapping) {
    issues.push({
      path: [...entryWhere(source.composite).split('.'), 'config'],
      message: `composite "${source.composite}" that gives solid "${node.name}" its config maps no config in this process; the module must build the same pipeline everywhere`,
    });
    return undefined;
  }
  const at = [...entryWhere(root.name).split('.'), 'config'];
  const before = issues.length;
  // Issues of mapped values are reported at the root's config (the value the user gave), naming where inside.
  const inner: EnvParse = (schema, value, within) => {
    const count = issues.length;
    const parsed = parse(schema, value, within);
    for (let i = count; i < issues.length; i++) {
      const issue = issues[i]!;
      issues[i] = {
        path: at,
        message: `configMapping of composite "${root.name}" gave a bad value for solid "${node.name}" at ${issue.path.join('.')}: ${issue.message}`,
      };
    }
    return parsed;
  };
  const rootConfig = compositeConfig(root, source.written, parse, at);
  // A config that failed its schema is not mapped: the mapping would only fail on it.
  if (issues.length > before) return undefined;
  let mapped = runMapping(root, rootConfig, at, issues);
  const rest = node.name.slice(root.name.length + 1).split('.');
  let prefix = root.name;
  // The entries the mappings give the composites on the way: their own inputs feed the solid.
  const composites = new Map<string, Record<string, unknown>>();
  for (const part of rest.slice(0, -1)) {
    if (issues.length > before) return undefined;
    const entry = isPlainObject(mapped) ? mapped[part] : undefined;
    const group = groups.get((prefix = `${prefix}.${part}`))!;
    const given = isPlainObject(entry) ? entry : {};
    composites.set(group.name, given);
    if (group.composite.configMapping) {
      const config = compositeConfig(group, given['config'], inner, [...entryWhere(group.name).split('.'), 'config']);
      if (issues.length > before) return undefined;
      mapped = runMapping(group, config, at, issues);
    } else mapped = given['solids'];
  }
  if (issues.length > before) return undefined;
  const leaf = rest[rest.length - 1]!;
  const entry = isPlainObject(mapped) && isPlainObject(mapped[leaf]) ? mapped[leaf] : {};
  const where = entryWhere(node.name).split('.');
  const config =
    source.config && node.solid.config ? inner(optionalConfig(node.solid.config), entry['config'], [...where, 'config']) : undefined;
  const inputs: Record<string, unknown> = {};
  const given = entry['inputs'];
  for (const name of source.inputs) {
    const from = Object.hasOwn(node.fromComposite, name) ? node.fromComposite[name] : undefined;
    if (from) {
      const schema = groups.get(from.composite)?.composite.inputs[from.input];
      const value = inputValue(composites.get(from.composite)?.['inputs'], from.input);
      inputs[name] = inner(schema, value, [...entryWhere(from.composite).split('.'), 'inputs', from.input, 'value']);
    } else inputs[name] = inner(node.solid.inputs[name], inputValue(given, name), [...where, 'inputs', name, 'value']);
  }
  return issues.length > before ? undefined : { config, inputs };
}

/** A mapping composite's config: its `.configured()` value, or what was given for it. */
function compositeConfig(group: CompositeNode, given: unknown, parse: EnvParse, path: (string | number)[]): unknown {
  const def = group.composite;
  if (def.bound) return def.config ? parse(def.config, def.bound.value, path) : def.bound.value;
  return def.config ? parse(optionalConfig(def.config), given, path) : undefined;
}

function runMapping(group: CompositeNode, config: unknown, at: (string | number)[], issues: ConfigIssue[]): unknown {
  try {
    return group.composite.configMapping!(config);
  } catch (error) {
    issues.push({
      path: at,
      message: `configMapping of composite "${group.name}" threw: ${error instanceof Error ? error.message : String(error)}`,
    });
    return undefined;
  }
}

/** `<input>.value` of an entry's `inputs`. */
function inputValue(inputs: unknown, input: string): unknown {
  if (!isPlainObject(inputs) || !Object.hasOwn(inputs, input)) return undefined;
  const given = inputs[input];
  return isPlainObject(given) ? given['value'] : undefined;
}
