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
import { noConfigMessage } from './config-entry.ts';
import { KEY_SEPARATOR } from '../schema/config-issues.ts';
import { listNames } from '../define/definition.ts';
import { parseComposite } from './composite-config.ts';
import { addAt, EMPTY, isObject, notObject, parseInputs, parseProperty, unknownKeys, type Issue, type Path } from './entry-parse.ts';
import type { EntryKind, SolidSlot, SolidsSection, Slot } from './solids-section.ts';

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
    if (!slot.kind) parsed.push([slot.name, value]);
    else if (slot.type === 'solid') parsed.push([slot.name, parseEntry(slot, slot.kind, value, path, issues)]);
    else parsed.push([slot.name, parseComposite(slot, slot.kind, value, path, issues, parseLevel)]);
  }
  if (unknown.length > 0) {
    const inside = section.where === 'solids' ? '' : ` in ${section.where}`;
    const message = unknown.map((k) => `unknown solid "${k}"${inside}; solids are: ${section.names()}`).join(KEY_SEPARATOR);
    issues.push({ code: 'unrecognized_keys', keys: unknown, input: given, path: [...path], message });
  }
  return Object.fromEntries(parsed);
}

// Paths are built only for issues (an entry gets the path of its level, `base`, and its
// slot): a big pipeline parses thousands of entries per run.

function parseEntry(slot: SolidSlot, kind: EntryKind, raw: unknown, base: Path, issues: Issue[]): unknown {
  const node = slot.node;
  const given = raw ?? EMPTY;
  if (!isObject(given)) {
    issues.push(notObject(given, [...base, slot.name]));
    return given;
  }
  const parsed: Record<string, unknown> = { inputs: parseInputs(node, kind.inputs, given['inputs'], base, slot, issues) };
  if (kind.config) {
    const failed = parseProperty(kind.config, given, 'config', parsed);
    if (failed) addAt(issues, failed, [...base, slot.name, 'config']);
  }
  const unknown = given === EMPTY ? [] : Object.keys(given).filter((k) => !kind.keys.includes(k));
  if (unknown.length > 0) {
    issues.push(
      unknownKeys(given, unknown, [...base, slot.name], (k) =>
        k === 'config'
          ? noConfigMessage(node.solid, `solid "${node.name}"`, slot.where)
          : `unknown key "${k}" in ${slot.where}; valid: ${listNames(kind.keys)}`,
      ),
    );
  }
  return parsed;
}
