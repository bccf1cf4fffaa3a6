/**
 * The shape of a run config's `solids` section for one pipeline and selection: one level
 * per graph (the pipeline's, and each composite's), each entry a solid or a composite, and
 * what each entry takes. Built once per pipeline, mode and selection (run-config-schema.ts),
 * parsed by solids-config.ts.
 */
import type { z } from 'zod';
import { accepts, optionalConfig } from './config-entry.ts';
import { listNames } from '../define/definition.ts';
import { withEnv } from '../schema/env-schema.ts';
import type { CompositeInput, CompositeNode, GraphNode } from '../define/graph.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { membersByLevel } from '../define/graph-levels.ts';
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
  /** False for a composite's input that no selected solid reads: left out, it is not parsed. */
  readonly needed: boolean;
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
  /** Its entry, for messages (and, split at the dots, its path): `solids.outer.solids.inner`. */
  readonly where: string;
  /** Pipeline order (its first solid's, for a composite): issues are reported in this order. */
  readonly index: number;
  /** The selection (undefined: everything), for messages about its inputs. */
  readonly selection: ReadonlySet<string> | undefined;
  /**
   * The outermost enclosing composite that maps its config onto its solids: this entry is
   * then what the mapping gives, never run config. Undefined when there is none.
   */
  readonly mapped: MappedBy | undefined;
}

/** A composite whose config mapping gives its solids' entries. */
export interface MappedBy {
  /** Its invocation name (`outer`). */
  readonly name: string;
  /** Its entry (`solids.outer`). */
  readonly where: string;
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

/** Where invocation `name` (dotted inside composites) sits in run config: `solids.outer.solids.inner`. */
export function entryWhere(name: string): string {
  return `solids.${name.split('.').join('.solids.')}`;
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
  const members = membersByLevel(pipeline);
  // Selected solids before index i, to tell whether a composite holds any; and which composite inputs they read.
  const selectedBefore = new Int32Array(pipeline.nodes.length + 1);
  const usedInputs = new Set<string>();
  pipeline.nodes.forEach((node, i) => {
    const selected = !selection || selection.has(node.name);
    selectedBefore[i + 1] = selectedBefore[i]! + (selected ? 1 : 0);
    if (!selected) return;
    for (const from of Object.values(node.fromComposite)) usedInputs.add(`${from.composite}.${from.input}`);
    for (const input in node.viaComposite) {
      const via = node.viaComposite[input]!;
      if (isInputUnconnected(node, input, selection)) usedInputs.add(`${via.composite}.${via.input}`);
    }
  });

  const level = (composite: string | undefined, where: string, mapped: MappedBy | undefined): SolidsSection => {
    const list = (members.get(composite) ?? []).sort((a, b) => indexOf(a) - indexOf(b));
    const slots = new Map<string, Slot>();
    const configurable: Slot[] = [];
    for (const member of list) {
      const name = member.name.slice(composite === undefined ? 0 : composite.length + 1);
      const entry = `${where}.${name}`;
      if ('solid' in member) {
        const selected = !selection || selection.has(member.name);
        const slot: SolidSlot = {
          type: 'solid',
          name,
          where: entry,
          index: member.index,
          selection,
          mapped,
          node: member,
          kind: selected ? kindOf(member, selection) : undefined,
        };
        slots.set(name, slot);
        leaves.set(member.name, slot);
        if (!selected) continue;
        if (slot.kind !== NOTHING || member.solid.bound || hasKeys(member.fromComposite) || isFedFromComposite(member, selection)) {
          configurable.push(slot);
        }
        if (member.solid.bound) bound.push(slot);
        continue;
      }
      const selected = selectedBefore[member.end]! - selectedBefore[member.first]! > 0;
      const children = level(
        member.name,
        `${entry}.solids`,
        mapped ?? (member.composite.configMapping ? { name: member.name, where: entry } : undefined),
      );
      const kind = selected ? compositeKind(member, children, usedInputs, selection) : undefined;
      const slot: CompositeSlot = { type: 'composite', name, where: entry, index: member.first, selection, mapped, group: member, kind };
      slots.set(name, slot);
      if (kind && (kind.mapping || kind.inputs.length > 0 || kind.children.configurable.length > 0)) configurable.push(slot);
    }
    let names: string | undefined;
    return { slots, configurable, where, names: () => (names ??= listNames(slots.keys())) };
  };

  const top = level(undefined, 'solids', undefined);
  bound.sort((a, b) => a.index - b.index);
  return { ...top, leaves, bound };
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

function indexOf(member: GraphNode | CompositeNode): number {
  return 'solid' in member ? member.index : member.first;
}

function kindOf(node: GraphNode, selection: ReadonlySet<string> | undefined): EntryKind {
  const def = node.solid;
  const unconnected = Object.keys(def.inputs).filter(
    (input) =>
      !Object.hasOwn(node.fromComposite, input) && !Object.hasOwn(node.viaComposite, input) && isInputUnconnected(node, input, selection),
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
    const read = needed(name);
    return { name, value, required: read && !accepts(value, undefined), needed: read };
  });
}

function compositeKind(
  group: CompositeNode,
  children: SolidsSection,
  usedInputs: ReadonlySet<string>,
  selection: ReadonlySet<string> | undefined,
): CompositeKind {
  const def = group.composite;
  const unwired = Object.keys(def.inputs).filter((input) => isCompositeInputUnconnected(group, input, selection));
  // An input no selected solid reads may be left out.
  const inputs = entryInputs(def.inputs, unwired, (input) => usedInputs.has(`${group.name}.${input}`));
  const mapping = def.configMapping;
  const config = mapping && def.config && !def.bound ? optionalConfig(withEnv(def.config)) : undefined;
  const bound = def.bound ? { schema: def.config && withEnv(def.config), value: def.bound.value } : undefined;
  const keys = ['inputs', ...(config ? ['config'] : []), ...(mapping ? [] : ['solids'])];
  return { config, bound, mapping, inputs, keys, children };
}

/**
 * The composite input whose value input `input` of solid `node` takes in a run with
 * `selection`: the unwired composite input it is wired to, or the outermost composite
 * input its wire passed through when the wire's producer is not selected. Undefined when
 * the input is wired within the selection or is the solid's own unconnected input.
 *
 * @example
 * feedingCompositeInput(p.node('outer.add')!, 'x', new Set(['outer.add'])); // { composite: 'outer', input: 'x' }
 */
export function feedingCompositeInput(
  node: GraphNode,
  input: string,
  selection: ReadonlySet<string> | undefined,
): CompositeInput | undefined {
  if (Object.hasOwn(node.fromComposite, input)) return node.fromComposite[input];
  if (Object.hasOwn(node.viaComposite, input) && isInputUnconnected(node, input, selection)) return node.viaComposite[input];
  return undefined;
}

/**
 * True when a selected solid's input takes the value of a composite's input because the
 * wire reaching it through that input comes from outside the selection.
 */
export function isFedFromComposite(node: GraphNode, selection: ReadonlySet<string> | undefined): boolean {
  if (selection === undefined) return false;
  for (const input in node.viaComposite) if (isInputUnconnected(node, input, selection)) return true;
  return false;
}

/**
 * True when input `input` of composite invocation `group` takes its value from run config
 * (`solids.<composite>.inputs.<input>.value`): it is not wired, or its wire comes from
 * outside the selection without passing through an input of an enclosing composite (that
 * one takes the value then).
 *
 * @example
 * isCompositeInputUnconnected(p.composite('outer')!, 'x', new Set(['outer.add'])); // true when x is wired from a solid not selected
 */
export function isCompositeInputUnconnected(group: CompositeNode, input: string, selection: ReadonlySet<string> | undefined): boolean {
  if (!Object.hasOwn(group.inputs, input)) return true;
  const wire = group.inputs[input]!;
  return selection !== undefined && wire.index >= 0 && !selection.has(wire.node) && !Object.hasOwn(group.viaComposite, input);
}
