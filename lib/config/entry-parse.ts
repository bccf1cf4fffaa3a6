/** Parsing one entry's parts by hand, as zod would: its inputs, a property, and the issues zod would give. */
import type { z } from 'zod';
import { KEY_SEPARATOR } from '../schema/config-issues.ts';
import { listNames } from '../define/definition.ts';
import type { CompositeInput, GraphNode } from '../define/graph.ts';
import { parseConfig } from '../schema/parse-config.ts';
import { entryWhere, type EntryInput, type MappedBy } from './solids-section.ts';
import { isGivenInCode } from './code-inputs.ts';

/** An issue as the hand-made parse reports it to zod. */
export type Issue = z.core.$ZodSuperRefineIssue;
/** Keys below `solids`. */
export type Path = readonly PropertyKey[];

/** Owner of inputs: a solid invocation, or a composite invocation (its own inputs). */
interface InputOwner {
  readonly name: string;
  readonly inputs: Readonly<Record<string, { readonly node: string; readonly index: number }>>;
  readonly viaComposite: Readonly<Record<string, CompositeInput>>;
}

/** Where `parseInputs` is: the entry, and what the messages need to know about it. */
interface InputSlot {
  readonly name: string;
  readonly where: string;
  readonly selection: ReadonlySet<string> | undefined;
  readonly mapped: MappedBy | undefined;
}

/**
 * Issues about an input that run config cannot give (it sits inside a composite whose
 * config mapping gives its solids' entries, and is left unconnected by the selection):
 * reported as they are, at the mapped composite's entry, not as a fault of the mapping.
 */
export const outsideMapping = new WeakSet<Issue>();

export function parseInputs(
  owner: InputOwner,
  inputs: readonly EntryInput[],
  raw: unknown,
  base: Path,
  slot: InputSlot,
  issues: Issue[],
): unknown {
  const where = slot.where;
  // Built only for issues.
  const at = (...rest: PropertyKey[]): PropertyKey[] => [...base, slot.name, ...rest];
  const what = 'solid' in owner ? `solid "${owner.name}"` : `composite "${owner.name}"`;
  const given = raw ?? EMPTY;
  if (!isObject(given)) {
    issues.push(notObject(given, at('inputs')));
    return given;
  }
  const parsed: Record<string, unknown> = {};
  for (const input of inputs) {
    const own = Object.hasOwn(given, input.name) ? given[input.name] : undefined;
    // Given in code (RunOptions.inputs): that value is checked there, and wins.
    if (own === undefined && (!input.needed || isGivenInCode(owner.name, input.name))) continue;
    const value = input.required ? own : (own ?? EMPTY);
    if (value === undefined) {
      issues.push(missingInput(owner, what, input.name, slot, at('inputs', input.name)));
      continue;
    }
    if (!isObject(value)) {
      issues.push(notObject(value, at('inputs', input.name)));
      continue;
    }
    const out: Record<string, unknown> = {};
    const failed = parseProperty(input.value, value, 'value', out);
    if (failed) addAt(issues, failed, at('inputs', input.name, 'value'));
    const unknown = value === EMPTY ? [] : Object.keys(value).filter((k) => k !== 'value');
    if (unknown.length > 0) {
      issues.push(
        unknownKeys(value, unknown, at('inputs', input.name), (k) => `unknown key "${k}" in ${where}.inputs.${input.name}; valid: "value"`),
      );
    }
    parsed[input.name] = out;
  }
  const unknown = given === EMPTY ? [] : Object.keys(given).filter((k) => !inputs.some((i) => i.name === k));
  if (unknown.length > 0) {
    const unconnected = listNames(inputs.map((i) => i.name));
    const fed = 'fromComposite' in owner ? (owner as GraphNode).fromComposite : undefined;
    issues.push(
      unknownKeys(given, unknown, at('inputs'), (k) => {
        // Not `owner.inputs[k]`: a key "__proto__" would find Object.prototype.
        if (Object.hasOwn(owner.inputs, k)) {
          const wire = owner.inputs[k]!;
          const from =
            wire.index < 0
              ? { composite: wire.node, input: (wire as unknown as { output: string }).output }
              : Object.hasOwn(owner.viaComposite, k) && slot.selection !== undefined && !slot.selection.has(wire.node)
                ? owner.viaComposite[k]!
                : undefined;
          if (from) return takesCompositeInput(k, what, from);
          return (
            `input "${k}" of ${what} is wired from "${wire.node}"; only unconnected inputs take a value ` + `(unconnected: ${unconnected})`
          );
        }
        if (fed && Object.hasOwn(fed, k)) return takesCompositeInput(k, what, fed[k]!);
        return `${what} has no input "${k}"; its unconnected inputs are: ${unconnected}`;
      }),
    );
  }
  return parsed;
}

/** The message for an input whose value is its composite's input's. */
function takesCompositeInput(input: string, what: string, from: CompositeInput): string {
  return (
    `input "${input}" of ${what} takes the value of input "${from.input}" of composite "${from.composite}"; ` +
    `give it as ${entryWhere(from.composite)}.inputs.${from.input}.value`
  );
}

/**
 * The issue for a required input left out: where to give it, which is never inside a
 * composite whose config mapping gives its solids' entries (run config refuses that).
 */
function missingInput(owner: InputOwner, what: string, input: string, slot: InputSlot, path: PropertyKey[]): Issue {
  if (!slot.mapped) {
    const wired = Object.hasOwn(owner.inputs, input) ? `wired from "${owner.inputs[input]!.node}", which is not selected` : 'not connected';
    const message = `input "${input}" of ${what} is ${wired}; give it as ${slot.where}.inputs.${input}.value`;
    return { code: 'invalid_type', expected: 'object', input: undefined, path, message };
  }
  const inCode = `in code: RunOptions.inputs { "${owner.name}": { ${input}: … } }`;
  const mapping = `composite "${slot.mapped.name}" maps its config onto its solids (configMapping), so run config takes no entry for ${what}`;
  if (!Object.hasOwn(owner.inputs, input)) {
    // Unwired in the definition: the mapping is the one to give it.
    const message = `input "${input}" of ${what} is not connected and ${mapping}; have the mapping give it, or give it ${inCode}`;
    return { code: 'invalid_type', expected: 'object', input: undefined, path, message };
  }
  const producer = owner.inputs[input]!.node;
  const message =
    `input "${input}" of ${what} is wired from "${producer}", which is not selected, and ${mapping}; ` +
    `select "${producer}" too, or give the value ${inCode}`;
  const issue: Issue = { code: 'custom', input: undefined, path: slot.mapped.where.split('.').slice(1), message };
  outsideMapping.add(issue);
  return issue;
}

/** What an entry left out (or `null`) reads as. */
export const EMPTY: Record<string, unknown> = Object.freeze({});

/**
 * Parses `holder[key]` into `into[key]` as a zod object parses a property: a key left out
 * of an optional schema is skipped, a defaulted one gets its default. Returns the issues.
 */
export function parseProperty(
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

export function addAt(issues: Issue[], found: readonly z.core.$ZodIssue[], path: Path): void {
  for (const issue of found) issues.push({ ...issue, path: [...path, ...issue.path] } as Issue);
}

/** Zod's own "expected object" issue: its message is made (and localised) by zod. */
export function notObject(input: unknown, path: Path): Issue {
  return { code: 'invalid_type', expected: 'object', input, path: [...path] };
}

export function unknownKeys(input: Record<string, unknown>, keys: string[], path: Path, message: (key: string) => string): Issue {
  return { code: 'unrecognized_keys', keys, input, path: [...path], message: keys.map(message).join(KEY_SEPARATOR) };
}

/** What zod takes for an object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
