/** The JSON Schema of a pipeline's run config, for editors and the CLI. */
import { z } from 'zod';
import { entry } from './config-entry.ts';
import { isPlainObject } from '../support/deep-merge.ts';
import { envDefaultJson, withEnvJson } from '../schema/env-schema.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { builtFor, pickMode, runConfigObject, type Built, type runConfigSchema } from './run-config-schema.ts';
import { selectSolids } from './select.ts';
import { NOTHING, type CompositeKind, type EntryInput, type EntryKind, type Slot, type SolidsSection } from './solids-section.ts';

/**
 * The JSON Schema (draft 2020-12, input side) of {@link runConfigSchema}, for editors and
 * the CLI; every config position also accepts `{ "env": "NAME" }`. Solids with nothing to
 * configure share one entry, `$defs.solidWithoutRunConfig`; solids alike in what they take
 * (one definition invoked several times) share one too, `$defs["solid.<definition>"]`.
 *
 * @example
 * writeFileSync('run-config.schema.json', JSON.stringify(runConfigJsonSchema(queryPipeline, 'prod')));
 *
 * @throws {InvariantViolationError} when `modeName` is unknown, or left out of a pipeline with several modes
 * @throws {InvalidSubsetError} when `select` is malformed or matches no solid
 */
export function runConfigJsonSchema(pipeline: Pipeline, modeName?: string, select?: string): Record<string, unknown> {
  const built = builtFor(pipeline, pickMode(pipeline, modeName), selectSolids(pipeline, select));
  // The parse schema checks solids by hand; JSON comes from a twin with one entry per kind.
  const { schema, kindKeys } = jsonTwin(built);
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override: envDefaultJson }) as Record<string, unknown>;
  // Recursive user schemas land in $defs; their positions take env references too.
  const defs = objectAt(json, '$defs');
  for (const [name, def] of Object.entries(defs)) defs[name] = withEnvJson(def, false);
  const sections = objectAt(json, 'properties');
  for (const section of ['solids', 'resources', 'loggers', 'execution']) {
    for (const entry of Object.values(objectAt(objectAt(sections, section), 'properties'))) withEnvEntry(entry);
  }
  expandSolidsJson(json, built.solids, kindKeys);
  return json;
}

/** An entry's config and input values also take `{ env: NAME }`; so do those of a composite's solids. */
function withEnvEntry(entry: unknown): void {
  const props = objectAt(entry, 'properties');
  if ('config' in props) props['config'] = withEnvJson(props['config'], true);
  for (const input of Object.values(objectAt(objectAt(props, 'inputs'), 'properties'))) {
    const inputProps = objectAt(input, 'properties');
    if ('value' in inputProps) inputProps['value'] = withEnvJson(inputProps['value'], true);
  }
  for (const child of Object.values(objectAt(objectAt(props, 'solids'), 'properties'))) withEnvEntry(child);
}

// ---------------------------------------------------------------------------------------
// JSON Schema of the solids section

type AnyKind = EntryKind | CompositeKind;

/**
 * The run config schema with a `solids` object holding one entry per kind, not per solid.
 * Kinds alike (the aliases of one definition: each is a definition of its own, with the
 * same schemas) share one entry too, so that each is converted once.
 */
function jsonTwin(built: Built): { schema: z.ZodType; kindKeys: ReadonlyMap<AnyKind | undefined, string> } {
  const kindKeys = new Map<AnyKind | undefined, string>();
  const byLikeness = new Map<string, string>();
  const likeness = likenessOf();
  const shape: Record<string, z.ZodType> = {};
  for (const slot of built.solids.slots.values()) {
    if (kindKeys.has(slot.kind)) continue;
    const like = likeness(slot);
    const same = like === undefined ? undefined : byLikeness.get(like);
    if (same !== undefined) {
      kindKeys.set(slot.kind, same);
      continue;
    }
    const key = `kind${Object.keys(shape).length}`;
    kindKeys.set(slot.kind, key);
    if (like !== undefined) byLikeness.set(like, key);
    shape[key] = slotSchema(slot);
  }
  return { schema: runConfigObject({ solids: entry(z.strictObject(shape)), ...built.sections }), kindKeys };
}

/**
 * What makes two solids' entries the same: one definition name, the same config schema
 * (by identity: an alias keeps its definition's) and the same unwired inputs. Undefined
 * for what is not shared this way (composites, solids outside the selection).
 */
function likenessOf(): (slot: Slot) => string | undefined {
  const ids = new WeakMap<object, number>();
  let count = 0;
  const idOf = (value: object | undefined): string => {
    if (value === undefined) return '-';
    let id = ids.get(value);
    if (id === undefined) ids.set(value, (id = ++count));
    return String(id);
  };
  return (slot) => {
    if (slot.type !== 'solid' || !slot.kind) return undefined;
    const def = slot.node.solid;
    const inputs = slot.kind.inputs.map((input) => `${input.name}:${idOf(input.value)}:${input.required}`);
    return [def.name, slot.kind.config ? idOf(def.config) : '-', ...inputs].join('\0');
  };
}

function slotSchema(slot: Slot): z.ZodType {
  if (!slot.kind) return z.unknown().optional();
  return slot.type === 'solid' ? kindSchema(slot.kind) : compositeSchema(slot.kind);
}

function inputsSchema(inputs: readonly EntryInput[]): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const input of inputs) {
    const obj = z.strictObject({ value: input.value });
    shape[input.name] = input.required ? obj : entry(obj);
  }
  return entry(z.strictObject(shape));
}

function kindSchema(kind: EntryKind): z.ZodType {
  const shape: Record<string, z.ZodType> = { inputs: inputsSchema(kind.inputs) };
  if (kind.config) shape['config'] = kind.config;
  return entry(z.strictObject(shape));
}

/** A composite's entry: its inputs, and its `config` (mapped onto its solids) or its solids' entries. */
function compositeSchema(kind: CompositeKind): z.ZodType {
  const shape: Record<string, z.ZodType> = { inputs: inputsSchema(kind.inputs) };
  if (kind.config) shape['config'] = kind.config;
  if (!kind.mapping) {
    const solids: Record<string, z.ZodType> = {};
    for (const [name, slot] of kind.children.slots) solids[name] = slotSchema(slot);
    shape['solids'] = entry(z.strictObject(solids));
  }
  return entry(z.strictObject(shape));
}

const NOTHING_DEF = 'solidWithoutRunConfig';

/**
 * Replaces the twin's per-kind entries with one per solid, in pipeline order. An entry
 * that several solids share (a definition invoked many times) is written once, in `$defs`
 * (`solid.<definition name>`), and each of those solids refers to it: a copy per solid made
 * the schema of a 1,000-solid chain ~745 KB.
 */
function expandSolidsJson(json: Record<string, unknown>, section: SolidsSection, kindKeys: ReadonlyMap<AnyKind | undefined, string>): void {
  const solids = objectAt(objectAt(json, 'properties'), 'solids');
  const byKind = objectAt(solids, 'properties');
  const requiredKinds = new Set(Array.isArray(solids['required']) ? (solids['required'] as string[]) : []);
  const uses = new Map<string, number>();
  for (const slot of section.slots.values()) {
    const key = kindKeys.get(slot.kind)!;
    uses.set(key, (uses.get(key) ?? 0) + 1);
  }
  const refs = new Map<string, string>();
  const properties: [string, unknown][] = [];
  const required: string[] = [];
  for (const [name, slot] of section.slots) {
    const key = kindKeys.get(slot.kind)!;
    let schema = byKind[key];
    if (slot.kind && (slot.kind === NOTHING || uses.get(key)! > 1)) {
      let ref = refs.get(key);
      if (ref === undefined) {
        const defs = (json['$defs'] ??= {}) as Record<string, unknown>;
        const defName = slot.kind === NOTHING ? NOTHING_DEF : freeName(defs, `${slot.type}.${definitionName(slot)}`);
        defs[defName] ??= schema;
        ref = `#/$defs/${pointerEscape(defName)}`;
        refs.set(key, ref);
      }
      schema = { $ref: ref };
    } else if (uses.get(key)! > 1) {
      // Outside the selection (anything goes): a small schema, copied.
      schema = structuredClone(schema);
    }
    properties.push([name, schema]);
    if (requiredKinds.has(key)) required.push(name);
  }
  solids['properties'] = Object.fromEntries(properties);
  if (required.length > 0) solids['required'] = required;
  else delete solids['required'];
}

/** The name of what a slot invokes: its solid's or composite's definition. */
function definitionName(slot: Slot): string {
  return slot.type === 'solid' ? slot.node.solid.name : slot.group.composite.name;
}

/** `base`, or `base.2`, `base.3`… when taken (one definition, several entry kinds: different unwired inputs). */
function freeName(defs: Readonly<Record<string, unknown>>, base: string): string {
  if (!(base in defs)) return base;
  let n = 2;
  while (`${base}.${n}` in defs) n++;
  return `${base}.${n}`;
}

/** A `$defs` key as a JSON Pointer token (RFC 6901). */
function pointerEscape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function objectAt(value: unknown, key: string): Record<string, unknown> {
  const found = isPlainObject(value) ? value[key] : undefined;
  return isPlainObject(found) ? found : {};
}
