/**
 * The `solids` section of the run config, parsed by hand.
 *
 * A pipeline may hold 100,000 invocations, most with nothing to configure. A zod object
 * with a key per invocation is slow to build and overflows the stack when parsed,
 * so the section is parsed by hand: only the names given are looked at, plus the solids
 * that take something from run config. Zod still parses every user schema, shared by all
 * invocations of one definition, and reports the same issues at the same paths.
 */
import { z } from 'zod';
import { accepts, noConfigMessage, optionalConfig } from './config-entry.ts';
import { KEY_SEPARATOR } from '../schema/config-issues.ts';
import { listNames } from '../define/definition.ts';
import { withEnv } from '../schema/env-schema.ts';
import type { GraphNode } from '../define/graph.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { parseConfig } from '../schema/parse-config.ts';
import { isInputUnconnected } from './select.ts';
import { isGivenInCode } from './code-inputs.ts';

/** What the entry of an invocation takes; shared by invocations alike in what they take. */
export interface EntryKind {
  /** The config schema (env-aware, optional when it may be left out), unless none or bound. */
  readonly config: z.ZodType | undefined;
  /** The unconnected inputs, in declaration order. */
  readonly inputs: readonly EntryInput[];
  /** The keys an entry may have, for the unknown-key message. */
  readonly keys: readonly string[];
}

interface EntryInput {
  readonly name: string;
  readonly value: z.ZodType;
  /** True when the value may not be left out (no default, not optional): nor may the input's entry. */
  readonly required: boolean;
}

interface SolidSlot {
  readonly node: GraphNode;
  readonly index: number;
  /** Undefined outside the selection: anything goes there. */
  readonly kind: EntryKind | undefined;
}

export interface SolidsSection {
  readonly slots: ReadonlyMap<string, SolidSlot>;
  /** Selected solids parsed even when left out (config, bound config or inputs), in pipeline order. */
  readonly configurable: readonly SolidSlot[];
  /** Selected solids whose config is bound with `.configured()`, in pipeline order. */
  readonly bound: readonly SolidSlot[];
  /** The pipeline's solids, listed for the unknown-name message (long: built when needed). */
  readonly names: () => string;
}

/** The kind of every invocation with no config to give and no unconnected input. */
export const NOTHING: EntryKind = Object.freeze({ config: undefined, inputs: Object.freeze([]), keys: Object.freeze(['inputs']) });

/** Per definition, per unconnected-input list: the entry kind. */
const kinds = new WeakMap<object, Map<string, EntryKind>>();

export function solidsSection(pipeline: Pipeline, selection: ReadonlySet<string> | undefined): SolidsSection {
  const slots = new Map<string, SolidSlot>();
  const configurable: SolidSlot[] = [];
  const bound: SolidSlot[] = [];
  pipeline.nodes.forEach((node, index) => {
    const selected = !selection || selection.has(node.name);
    const slot: SolidSlot = { node, index, kind: selected ? kindOf(node, selection) : undefined };
    slots.set(node.name, slot);
    if (!selected) return;
    if (slot.kind !== NOTHING || node.solid.bound) configurable.push(slot);
    if (node.solid.bound) bound.push(slot);
  });
  let names: string | undefined;
  return { slots, configurable, bound, names: () => (names ??= listNames(pipeline.nodes.map((n) => n.name))) };
}

function kindOf(node: GraphNode, selection: ReadonlySet<string> | undefined): EntryKind {
  const def = node.solid;
  const unconnected = Object.keys(def.inputs).filter((input) => isInputUnconnected(node, input, selection));
  const config = def.config && !def.bound ? def.config : undefined;
  if (unconnected.length === 0 && !config) return NOTHING;
  let byInputs = kinds.get(def);
  if (!byInputs) kinds.set(def, (byInputs = new Map()));
  const key = unconnected.join('\0');
  let kind = byInputs.get(key);
  if (!kind) {
    const inputs = unconnected.map((name) => {
      const value = withEnv(def.inputs[name]!);
      return { name, value, required: !accepts(value, undefined) };
    });
    kind = { config: config && optionalConfig(withEnv(config)), inputs, keys: config ? ['inputs', 'config'] : ['inputs'] };
    byInputs.set(key, kind);
  }
  return kind;
}

type Issue = z.core.$ZodSuperRefineIssue;
type Path = readonly PropertyKey[];

/** The `solids` section: a hand-made parse (see above) inside the zod schema. */
export function solidsParser(section: SolidsSection): z.ZodType {
  // A preprocess (its transform is optional-in), so zod also runs it when `solids` is left out.
  const parse = (raw: unknown, ctx: z.core.$RefinementCtx): unknown => {
    const issues: Issue[] = [];
    const parsed = parseSolids(section, raw, issues);
    for (const issue of issues) ctx.addIssue(issue);
    return parsed;
  };
  return z.preprocess(parse, z.unknown());
}

function parseSolids(section: SolidsSection, raw: unknown, issues: Issue[]): Record<string, unknown> {
  const given = raw ?? {};
  if (!isObject(given)) {
    issues.push(notObject(given, []));
    return {};
  }
  const todo: SolidSlot[] = [];
  const unknown: string[] = [];
  for (const name of Object.keys(given)) {
    const slot = section.slots.get(name);
    if (slot) todo.push(slot);
    else unknown.push(name);
  }
  for (const slot of section.configurable) if (!Object.hasOwn(given, slot.node.name)) todo.push(slot);
  // In pipeline order, as a zod object with a key per solid would report them.
  todo.sort((a, b) => a.index - b.index);
  const parsed: [string, unknown][] = [];
  for (const slot of todo) {
    const name = slot.node.name;
    const value = Object.hasOwn(given, name) ? given[name] : undefined;
    parsed.push([name, slot.kind ? parseEntry(slot.node, slot.kind, value, issues) : value]);
  }
  if (unknown.length > 0) {
    const message = unknown.map((k) => `unknown solid "${k}"; solids are: ${section.names()}`).join(KEY_SEPARATOR);
    issues.push({ code: 'unrecognized_keys', keys: unknown, input: given, path: [], message });
  }
  return Object.fromEntries(parsed);
}

// Paths are built only for issues: a big pipeline parses thousands of entries per run.

function parseEntry(node: GraphNode, kind: EntryKind, raw: unknown, issues: Issue[]): unknown {
  const where = `solids.${node.name}`;
  const given = raw ?? EMPTY;
  if (!isObject(given)) {
    issues.push(notObject(given, [node.name]));
    return given;
  }
  const parsed: Record<string, unknown> = { inputs: parseInputs(node, kind, given['inputs'], issues) };
  if (kind.config) {
    const failed = parseProperty(kind.config, given, 'config', parsed);
    if (failed) addAt(issues, failed, [node.name, 'config']);
  }
  const unknown = given === EMPTY ? [] : Object.keys(given).filter((k) => !kind.keys.includes(k));
  if (unknown.length > 0) {
    issues.push(
      unknownKeys(given, unknown, [node.name], (k) =>
        k === 'config'
          ? noConfigMessage(node.solid, `solid "${node.name}"`, where)
          : `unknown key "${k}" in ${where}; valid: ${listNames(kind.keys)}`,
      ),
    );
  }
  return parsed;
}

function parseInputs(node: GraphNode, kind: EntryKind, raw: unknown, issues: Issue[]): unknown {
  const where = `solids.${node.name}`;
  const given = raw ?? EMPTY;
  if (!isObject(given)) {
    issues.push(notObject(given, [node.name, 'inputs']));
    return given;
  }
  const parsed: Record<string, unknown> = {};
  for (const input of kind.inputs) {
    const own = Object.hasOwn(given, input.name) ? given[input.name] : undefined;
    // Given in code (RunOptions.inputs): that value is checked there, and wins.
    if (own === undefined && isGivenInCode(node.name, input.name)) continue;
    const value = input.required ? own : (own ?? EMPTY);
    if (value === undefined) {
      const message = `input "${input.name}" of solid "${node.name}" is not connected; give it as ${where}.inputs.${input.name}.value`;
      issues.push({ code: 'invalid_type', expected: 'object', input: undefined, path: [node.name, 'inputs', input.name], message });
      continue;
    }
    if (!isObject(value)) {
      issues.push(notObject(value, [node.name, 'inputs', input.name]));
      continue;
    }
    const out: Record<string, unknown> = {};
    const failed = parseProperty(input.value, value, 'value', out);
    if (failed) addAt(issues, failed, [node.name, 'inputs', input.name, 'value']);
    const unknown = value === EMPTY ? [] : Object.keys(value).filter((k) => k !== 'value');
    if (unknown.length > 0) {
      issues.push(
        unknownKeys(
          value,
          unknown,
          [node.name, 'inputs', input.name],
          (k) => `unknown key "${k}" in ${where}.inputs.${input.name}; valid: "value"`,
        ),
      );
    }
    parsed[input.name] = out;
  }
  const unknown = given === EMPTY ? [] : Object.keys(given).filter((k) => !kind.inputs.some((i) => i.name === k));
  if (unknown.length > 0) {
    const unconnected = listNames(kind.inputs.map((i) => i.name));
    issues.push(
      unknownKeys(given, unknown, [node.name, 'inputs'], (k) =>
        Object.hasOwn(node.inputs, k) // not `node.inputs[k]`: a key "__proto__" would find Object.prototype
          ? `input "${k}" of solid "${node.name}" is wired from "${node.inputs[k]!.node}"; only unconnected inputs take a value ` +
            `(unconnected: ${unconnected})`
          : `solid "${node.name}" has no input "${k}"; its unconnected inputs are: ${unconnected}`,
      ),
    );
  }
  return parsed;
}

/** What an entry left out (or `null`) reads as. */
const EMPTY: Record<string, unknown> = Object.freeze({});

/**
 * Parses `holder[key]` into `into[key]` as a zod object parses a property: a key left out
 * of an optional schema is skipped, a defaulted one gets its default. Returns the issues.
 */
function parseProperty(
  schema: z.ZodType,
  holder: Record<string, unknown>,
  key: string,
  into: Record<string, unknown>,
): z.core.$ZodIssue[] | undefined {
  const present = Object.hasOwn(holder, key);
  const { optin, optout } = schema._zod;
  if (!present && optin === 'optional' && optout === 'optional') return undefined;
  const parsed = parseConfig(schema, present ? holder[key] : undefined, 1);
  if (!parsed.success) return !present && optin !== undefined && optout === 'optional' ? undefined : parsed.issues;
  if (parsed.data !== undefined || present || (optin === 'defaulted' && optout !== 'optional')) into[key] = parsed.data;
  return undefined;
}

function addAt(issues: Issue[], found: readonly z.core.$ZodIssue[], path: Path): void {
  for (const issue of found) issues.push({ ...issue, path: [...path, ...issue.path] } as Issue);
}

/** Zod's own "expected object" issue: its message is made (and localised) by zod. */
function notObject(input: unknown, path: Path): Issue {
  return { code: 'invalid_type', expected: 'object', input, path: [...path] };
}

function unknownKeys(input: Record<string, unknown>, keys: string[], path: Path, message: (key: string) => string): Issue {
  return { code: 'unrecognized_keys', keys, input, path: [...path], message: keys.map(message).join(KEY_SEPARATOR) };
}

/** What zod takes for an object. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
