/**
 * The `solids` section of the run config, parsed by hand.
 *
 * A pipeline may hold 100,000 invocations, most with nothing to configure. A zod object
 * with a key per invocation is slow to build and overflows the stack when parsed,
 * so the section is parsed by hand: only the names given are looked at, plus the solids
 * that take something from run config. Zod still parses every user schema, shared by all
 * invocations of one definition, and reports the same issues at the same paths.
 *
 * Composites nest: `solids.outer` holds the composite's own `inputs`, and either its
 * `config` (when it maps config onto its solids: `configMapping`, whose output is then
 * checked as `solids.outer.solids` would be) or `solids` for its solids, keyed by their
 * names inside it.
 */
import { z } from 'zod';
import { accepts, noConfigMessage, optionalConfig } from './config-entry.ts';
import { KEY_SEPARATOR } from '../schema/config-issues.ts';
import { listNames } from '../define/definition.ts';
import { withEnv } from '../schema/env-schema.ts';
import type { CompositeNode, GraphNode } from '../define/graph.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { parseConfig } from '../schema/parse-config.ts';
import { isInputUnconnected } from './select.ts';

/** What the entry of an invocation takes; shared by invocations alike in what they take. */
export interface EntryKind {
  /** The config schema (env-aware, optional when it may be left out), unless none or bound. */
  readonly config: z.ZodType | undefined;
  /** The unconnected inputs, in declaration order. */
  readonly inputs: readonly EntryInput[];
  /** The keys an entry may have, for the unknown-key message. */
  readonly keys: readonly string[];
}

export interface EntryInput {
  readonly name: string;
  readonly value: z.ZodType;
  /** True when the value may not be left out (no default, not optional): nor may the input's entry. */
  readonly required: boolean;
}

/** What a selected composite's entry takes. */
export interface CompositeKind {
  /** The schema of its `config` (env-aware), when it maps config and its config is not bound. */
  readonly config: z.ZodType | undefined;
  /** Its `.configured()` config: the env-aware schema it is checked against, and the value. */
  readonly bound: { readonly schema: z.ZodType | undefined; readonly value: unknown } | undefined;
  /** Its config mapping: its solids' config comes from it, never from `solids`. */
  readonly mapping: ((config: unknown) => unknown) | undefined;
  /** Its own inputs left unwired, whose values its solids take. */
  readonly inputs: readonly EntryInput[];
  readonly keys: readonly string[];
  /** Its solids and composites. */
  readonly children: SolidsSection;
}

interface SlotBase {
  /** The name at its level (`inner`). */
  readonly name: string;
  /** Its keys below `solids` (`['outer', 'solids', 'inner']`), for issues. */
  readonly path: readonly string[];
  /** Pipeline order (its first solid's, for a composite): issues are reported in this order. */
  readonly index: number;
}

export interface SolidSlot extends SlotBase {
  readonly type: 'solid';
  readonly node: GraphNode;
  /** Undefined outside the selection: anything goes there. */
  readonly kind: EntryKind | undefined;
}

export interface CompositeSlot extends SlotBase {
  readonly type: 'composite';
  readonly group: CompositeNode;
  /** Undefined when none of its solids is selected: anything goes there. */
  readonly kind: CompositeKind | undefined;
}

export type Slot = SolidSlot | CompositeSlot;

/** One level of the section: the pipeline's invocations, or one composite's. */
export interface SolidsSection {
  /** By name at this level. */
  readonly slots: ReadonlyMap<string, Slot>;
  /** Selected entries parsed even when left out (config, bound config or inputs), in pipeline order. */
  readonly configurable: readonly Slot[];
  /** Where this level is: `solids`, `solids.outer.solids`. */
  readonly where: string;
  /** The names at this level, listed for the unknown-name message (long: built when needed). */
  readonly names: () => string;
}

/** The whole section: its top level, and every solid's slot by invocation name. */
export interface SolidsTree extends SolidsSection {
  /** Every solid (at any depth) by its dotted invocation name. */
  readonly leaves: ReadonlyMap<string, SolidSlot>;
  /** Selected solids whose config is bound with `.configured()`, in pipeline order. */
  readonly bound: readonly SolidSlot[];
}

/** The kind of every invocation with no config to give and no unconnected input. */
export const NOTHING: EntryKind = Object.freeze({ config: undefined, inputs: Object.freeze([]), keys: Object.freeze(['inputs']) });

/** Per definition, per unconnected-input list: the entry kind. */
const kinds = new WeakMap<object, Map<string, EntryKind>>();

/** The section's levels for `pipeline` with `selection` (undefined: everything). */
export function solidsSection(pipeline: Pipeline, selection: ReadonlySet<string> | undefined): SolidsTree {
  const leaves = new Map<string, SolidSlot>();
  const bound: SolidSlot[] = [];
  // Members of each level, in call order: solids by their composite, composites by their parent.
  const members = new Map<string | undefined, (GraphNode | CompositeNode)[]>();
  const add = (level: string | undefined, member: GraphNode | CompositeNode) => {
    const list = members.get(level);
    if (list) list.push(member);
    else members.set(level, [member]);
  };
  for (const node of pipeline.nodes) add(node.composite, node);
  for (const group of pipeline.composites) add(group.parent, group);
  // Selected solids before index i, to tell whether a composite holds any; and which composite inputs they read.
  const selectedBefore = new Int32Array(pipeline.nodes.length + 1);
  const usedInputs = new Set<string>();
  pipeline.nodes.forEach((node, i) => {
    const selected = !selection || selection.has(node.name);
    selectedBefore[i + 1] = selectedBefore[i]! + (selected ? 1 : 0);
    if (selected) for (const from of Object.values(node.fromComposite)) usedInputs.add(`${from.composite}.${from.input}`);
  });

  const level = (composite: string | undefined, prefix: readonly string[], where: string): SolidsSection => {
    const list = (members.get(composite) ?? []).sort((a, b) => indexOf(a) - indexOf(b));
    const slots = new Map<string, Slot>();
    const configurable: Slot[] = [];
    for (const member of list) {
      const name = member.name.slice(composite === undefined ? 0 : composite.length + 1);
      const path = [...prefix, name];
      if ('solid' in member) {
        const selected = !selection || selection.has(member.name);
        const slot: SolidSlot = {
          type: 'solid',
          name,
          path,
          index: member.index,
          node: member,
          kind: selected ? kindOf(member, selection) : undefined,
        };
        slots.set(name, slot);
        leaves.set(member.name, slot);
        if (!selected) continue;
        const fed = Object.keys(member.fromComposite).length > 0;
        if (slot.kind !== NOTHING || member.solid.bound || fed) configurable.push(slot);
        if (member.solid.bound) bound.push(slot);
        continue;
      }
      const selected = selectedBefore[member.end]! - selectedBefore[member.first]! > 0;
      const children = level(member.name, [...path, 'solids'], `${where}.${name}.solids`);
      const kind = selected ? compositeKind(member, children, usedInputs) : undefined;
      const slot: CompositeSlot = { type: 'composite', name, path, index: member.first, group: member, kind };
      slots.set(name, slot);
      if (kind && (kind.mapping || kind.inputs.length > 0 || kind.children.configurable.length > 0)) configurable.push(slot);
    }
    let names: string | undefined;
    return { slots, configurable, where, names: () => (names ??= listNames(slots.keys())) };
  };

  const top = level(undefined, [], 'solids');
  bound.sort((a, b) => a.index - b.index);
  return { ...top, leaves, bound };
}

function indexOf(member: GraphNode | CompositeNode): number {
  return 'solid' in member ? member.index : member.first;
}

function kindOf(node: GraphNode, selection: ReadonlySet<string> | undefined): EntryKind {
  const def = node.solid;
  const unconnected = Object.keys(def.inputs).filter(
    (input) => !Object.hasOwn(node.fromComposite, input) && isInputUnconnected(node, input, selection),
  );
  const config = def.config && !def.bound ? def.config : undefined;
  if (unconnected.length === 0 && !config) return NOTHING;
  let byInputs = kinds.get(def);
  if (!byInputs) kinds.set(def, (byInputs = new Map()));
  const key = unconnected.join('\0');
  let kind = byInputs.get(key);
  if (!kind) {
    kind = {
      config: config && optionalConfig(withEnv(config)),
      inputs: entryInputs(def.inputs, unconnected, () => true),
      keys: config ? ['inputs', 'config'] : ['inputs'],
    };
    byInputs.set(key, kind);
  }
  return kind;
}

function entryInputs(
  schemas: Readonly<Record<string, z.ZodType>>,
  names: readonly string[],
  needed: (name: string) => boolean,
): EntryInput[] {
  return names.map((name) => {
    const value = withEnv(schemas[name]!);
    return { name, value, required: needed(name) && !accepts(value, undefined) };
  });
}

function compositeKind(group: CompositeNode, children: SolidsSection, usedInputs: ReadonlySet<string>): CompositeKind {
  const def = group.composite;
  const unwired = Object.keys(def.inputs).filter((input) => !Object.hasOwn(group.inputs, input));
  // An input no selected solid reads may be left out.
  const inputs = entryInputs(def.inputs, unwired, (input) => usedInputs.has(`${group.name}.${input}`));
  const mapping = def.configMapping;
  const config = mapping && def.config && !def.bound ? optionalConfig(withEnv(def.config)) : undefined;
  const bound = def.bound ? { schema: def.config && withEnv(def.config), value: def.bound.value } : undefined;
  const keys = ['inputs', ...(config ? ['config'] : []), ...(mapping ? [] : ['solids'])];
  return { config, bound, mapping, inputs, keys, children };
}

type Issue = z.core.$ZodSuperRefineIssue;
type Path = readonly PropertyKey[];

/** The `solids` section: a hand-made parse (see above) inside the zod schema. */
export function solidsParser(section: SolidsSection): z.ZodType {
  // A preprocess (its transform is optional-in), so zod also runs it when `solids` is left out.
  const parse = (raw: unknown, ctx: z.core.$RefinementCtx): unknown => {
    const issues: Issue[] = [];
    const parsed = parseLevel(section, raw, [], issues);
    for (const issue of issues) ctx.addIssue(issue);
    return parsed;
  };
  return z.preprocess(parse, z.unknown());
}

/** One level (`solids`, or `solids.<composite>.solids`) at `path` below `solids`. */
function parseLevel(section: SolidsSection, raw: unknown, path: Path, issues: Issue[]): Record<string, unknown> {
  const given = raw ?? {};
  if (!isObject(given)) {
    issues.push(notObject(given, path));
    return {};
  }
  const todo: Slot[] = [];
  const unknown: string[] = [];
  for (const name of Object.keys(given)) {
    const slot = section.slots.get(name);
    if (slot) todo.push(slot);
    else unknown.push(name);
  }
  for (const slot of section.configurable) if (!Object.hasOwn(given, slot.name)) todo.push(slot);
  // In pipeline order, as a zod object with a key per solid would report them.
  todo.sort((a, b) => a.index - b.index);
  const parsed: [string, unknown][] = [];
  for (const slot of todo) {
    const value = Object.hasOwn(given, slot.name) ? given[slot.name] : undefined;
    const at = [...path, slot.name];
    if (!slot.kind) parsed.push([slot.name, value]);
    else if (slot.type === 'solid') parsed.push([slot.name, parseEntry(slot, slot.kind, value, at, section.where, issues)]);
    else parsed.push([slot.name, parseComposite(slot, slot.kind, value, at, section.where, issues)]);
  }
  if (unknown.length > 0) {
    const inside = section.where === 'solids' ? '' : ` in ${section.where}`;
    const message = unknown.map((k) => `unknown solid "${k}"${inside}; solids are: ${section.names()}`).join(KEY_SEPARATOR);
    issues.push({ code: 'unrecognized_keys', keys: unknown, input: given, path: [...path], message });
  }
  return Object.fromEntries(parsed);
}

// Paths are built only for issues: a big pipeline parses thousands of entries per run.

function parseEntry(slot: SolidSlot, kind: EntryKind, raw: unknown, path: Path, level: string, issues: Issue[]): unknown {
  const node = slot.node;
  const where = `${level}.${slot.name}`;
  const given = raw ?? EMPTY;
  if (!isObject(given)) {
    issues.push(notObject(given, path));
    return given;
  }
  const parsed: Record<string, unknown> = { inputs: parseInputs(node, kind.inputs, given['inputs'], path, where, issues) };
  if (kind.config) {
    const failed = parseProperty(kind.config, given, 'config', parsed);
    if (failed) addAt(issues, failed, [...path, 'config']);
  }
  const unknown = given === EMPTY ? [] : Object.keys(given).filter((k) => !kind.keys.includes(k));
  if (unknown.length > 0) {
    issues.push(
      unknownKeys(given, unknown, path, (k) =>
        k === 'config'
          ? noConfigMessage(node.solid, `solid "${node.name}"`, where)
          : `unknown key "${k}" in ${where}; valid: ${listNames(kind.keys)}`,
      ),
    );
  }
  return parsed;
}

/** A composite's entry: its own inputs, then its config mapped onto its solids, or its `solids`. */
function parseComposite(slot: CompositeSlot, kind: CompositeKind, raw: unknown, path: Path, level: string, issues: Issue[]): unknown {
  const group = slot.group;
  const where = `${level}.${slot.name}`;
  const given = raw ?? EMPTY;
  if (!isObject(given)) {
    issues.push(notObject(given, path));
    return given;
  }
  const parsed: Record<string, unknown> = { inputs: parseInputs(group, kind.inputs, given['inputs'], path, where, issues) };
  if (kind.mapping) parsed['solids'] = mapConfig(slot, kind, given, parsed, path, issues);
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

/** Owner of inputs: a solid invocation, or a composite invocation (its own inputs). */
interface InputOwner {
  readonly name: string;
  readonly inputs: Readonly<Record<string, { readonly node: string }>>;
}

function parseInputs(owner: InputOwner, inputs: readonly EntryInput[], raw: unknown, path: Path, where: string, issues: Issue[]): unknown {
  const what = 'solid' in owner ? `solid "${owner.name}"` : `composite "${owner.name}"`;
  const given = raw ?? EMPTY;
  if (!isObject(given)) {
    issues.push(notObject(given, [...path, 'inputs']));
    return given;
  }
  const parsed: Record<string, unknown> = {};
  for (const input of inputs) {
    const own = Object.hasOwn(given, input.name) ? given[input.name] : undefined;
    const value = input.required ? own : (own ?? EMPTY);
    if (value === undefined) {
      const message = `input "${input.name}" of ${what} is not connected; give it as ${where}.inputs.${input.name}.value`;
      issues.push({ code: 'invalid_type', expected: 'object', input: undefined, path: [...path, 'inputs', input.name], message });
      continue;
    }
    if (!isObject(value)) {
      issues.push(notObject(value, [...path, 'inputs', input.name]));
      continue;
    }
    const out: Record<string, unknown> = {};
    const failed = parseProperty(input.value, value, 'value', out);
    if (failed) addAt(issues, failed, [...path, 'inputs', input.name, 'value']);
    const unknown = value === EMPTY ? [] : Object.keys(value).filter((k) => k !== 'value');
    if (unknown.length > 0) {
      issues.push(
        unknownKeys(
          value,
          unknown,
          [...path, 'inputs', input.name],
          (k) => `unknown key "${k}" in ${where}.inputs.${input.name}; valid: "value"`,
        ),
      );
    }
    parsed[input.name] = out;
  }
  const unknown = given === EMPTY ? [] : Object.keys(given).filter((k) => !inputs.some((i) => i.name === k));
  if (unknown.length > 0) {
    const unconnected = listNames(inputs.map((i) => i.name));
    const fed = 'fromComposite' in owner ? (owner as GraphNode).fromComposite : undefined;
    issues.push(
      unknownKeys(given, unknown, [...path, 'inputs'], (k) => {
        // Not `owner.inputs[k]`: a key "__proto__" would find Object.prototype.
        if (Object.hasOwn(owner.inputs, k)) {
          return (
            `input "${k}" of ${what} is wired from "${owner.inputs[k]!.node}"; only unconnected inputs take a value ` +
            `(unconnected: ${unconnected})`
          );
        }
        if (fed && Object.hasOwn(fed, k)) {
          const from = fed[k]!;
          return `input "${k}" of ${what} takes the value of input "${from.input}" of composite "${from.composite}"; give that one`;
        }
        return `${what} has no input "${k}"; its unconnected inputs are: ${unconnected}`;
      }),
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
