/**
 * `RunOptions.inputs`: values of unconnected inputs given in code, checked by each input's
 * own schema before the run starts, kept out of what RUN_START shows, and taking
 * precedence over `solids.<s>.inputs` in run config.
 */
import type { ConfigIssue } from '../errors.ts';
import { listNames } from '../define/definition.ts';
import type { CompositeNode, GraphNode } from '../define/graph.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { configIssues } from '../schema/config-issues.ts';
import { parseConfig } from '../schema/parse-config.ts';
import { isInputUnconnected } from './select.ts';
import { entryWhere, feedingCompositeInput, isCompositeInputUnconnected } from './solids-section.ts';

/** Input values by solid or composite (invocation name, dotted inside composites), then by input name. */
export type CodeInputs = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** The inputs given in code, checked: values (as their schemas output them) by solid and input. */
export interface CheckedInputs {
  readonly values: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
  /** `{ [solid]: [input, …] }`: what RUN_START shows of them (names, never values). */
  readonly names: Readonly<Record<string, readonly string[]>>;
}

/** The inputs given in code whose values are awaited by the run config parse: `solid\0input`. */
let given: ReadonlySet<string> | undefined;

/**
 * Runs `parse` knowing which inputs are given in code, so that a required unconnected
 * input given there is not reported missing from run config (parsing is synchronous).
 */
export function withInputsInCode<T>(keys: ReadonlySet<string> | undefined, parse: () => T): T {
  const previous = given;
  given = keys;
  try {
    return parse();
  } finally {
    given = previous;
  }
}

/** True when input `input` of invocation `solid` is given in code for the parse in progress. */
export function isGivenInCode(solid: string, input: string): boolean {
  return given !== undefined && given.has(`${solid}\0${input}`);
}

/** The `solid\0input` keys of the inputs given, for {@link withInputsInCode}. */
export function codeInputKeys(inputs: CodeInputs | undefined): ReadonlySet<string> | undefined {
  if (inputs === undefined || !isRecord(inputs)) return undefined;
  const keys = new Set<string>();
  for (const [solid, values] of Object.entries(inputs)) {
    if (isRecord(values)) for (const input of Object.keys(values)) keys.add(`${solid}\0${input}`);
  }
  return keys;
}

/**
 * Checks the inputs given in code against the pipeline (and selection): each must be an
 * unconnected input of a solid, or of a composite (not wired, or wired from outside the
 * selection: its solids that read it take the value), and its value must pass the input's schema (as written:
 * a value in code is not run config, so `{ env: NAME }` is taken literally). Solids outside
 * the selection are accepted and ignored, as in run config. Problems are pushed to
 * `issues` at `['inputs', solid, input, …]`.
 */
export function checkCodeInputs(
  pipeline: Pipeline,
  inputs: CodeInputs,
  selection: ReadonlySet<string> | undefined,
  issues: ConfigIssue[],
): CheckedInputs {
  const values = new Map<string, Map<string, unknown>>();
  const names: Record<string, readonly string[]> = {};
  if (!isRecord(inputs)) {
    issues.push({ path: ['inputs'], message: `inputs must map solid names to { input: value } objects, got ${kindOf(inputs)}` });
    return { values, names };
  }
  for (const [solid, given] of Object.entries(inputs)) {
    const node = pipeline.node(solid);
    const group = node ? undefined : pipeline.composite(solid);
    if (!node && !group) {
      issues.push({
        path: ['inputs', solid],
        message: `unknown solid "${solid}"; solids are: ${listNames(pipeline.nodes.map((n) => n.name))}`,
      });
      continue;
    }
    if (!isRecord(given)) {
      issues.push({
        path: ['inputs', solid],
        message: `expected { input: value } for ${node ? 'solid' : 'composite'} "${solid}", got ${kindOf(given)}`,
      });
      continue;
    }
    names[solid] = Object.keys(given);
    const checked = node
      ? checkSolidInputs(node, given, selection, issues)
      : checkCompositeInputs(pipeline, group!, given, selection, issues);
    if (checked) values.set(solid, checked);
  }
  return { values, names };
}

/** A solid's inputs given in code; undefined when it is outside the selection. */
function checkSolidInputs(
  node: GraphNode,
  given: Record<string, unknown>,
  selection: ReadonlySet<string> | undefined,
  issues: ConfigIssue[],
): Map<string, unknown> | undefined {
  const solid = node.name;
  if (selection && !selection.has(solid)) return undefined;
  // An input fed by a composite's input takes that input's value.
  const feeding = (input: string) => feedingCompositeInput(node, input, selection);
  const unconnected = Object.keys(node.solid.inputs).filter((i) => !feeding(i) && isInputUnconnected(node, i, selection));
  const checked = new Map<string, unknown>();
  for (const [input, value] of Object.entries(given)) {
    const path = ['inputs', solid, input];
    if (!Object.hasOwn(node.solid.inputs, input)) {
      issues.push({ path, message: `solid "${solid}" has no input "${input}"; its unconnected inputs are: ${listNames(unconnected)}` });
      continue;
    }
    const fed = feeding(input);
    if (fed) {
      issues.push({
        path,
        message:
          `input "${input}" of solid "${solid}" is input "${fed.input}" of composite "${fed.composite}"; ` +
          `give it as inputs["${fed.composite}"].${fed.input} (or in run config as ${entryWhere(fed.composite)}.inputs.${fed.input}.value)`,
      });
      continue;
    }
    if (!unconnected.includes(input)) {
      issues.push({
        path,
        message:
          `input "${input}" of solid "${solid}" is wired from "${node.inputs[input]!.node}"; only unconnected inputs take a value ` +
          `(unconnected: ${listNames(unconnected)})`,
      });
      continue;
    }
    const parsed = parseInput(node.solid.inputs[input]!, value);
    if (parsed.success) checked.set(input, parsed.data);
    else issues.push(...configIssues(parsed.issues, path));
  }
  return checked;
}

/**
 * A composite's own inputs given in code: those unconnected within the selection (not
 * wired, or wired from outside it), fed to its solids that read them. Undefined when none
 * of its solids is selected.
 */
function checkCompositeInputs(
  pipeline: Pipeline,
  group: CompositeNode,
  given: Record<string, unknown>,
  selection: ReadonlySet<string> | undefined,
  issues: ConfigIssue[],
): Map<string, unknown> | undefined {
  const name = group.name;
  if (selection && !pipeline.nodes.slice(group.first, group.end).some((n) => selection.has(n.name))) return undefined;
  const schemas = group.composite.inputs;
  const unconnected = Object.keys(schemas).filter((i) => isCompositeInputUnconnected(group, i, selection));
  const checked = new Map<string, unknown>();
  for (const [input, value] of Object.entries(given)) {
    const path = ['inputs', name, input];
    if (!Object.hasOwn(schemas, input)) {
      issues.push({ path, message: `composite "${name}" has no input "${input}"; its unconnected inputs are: ${listNames(unconnected)}` });
      continue;
    }
    if (!unconnected.includes(input)) {
      const wire = group.inputs[input]!;
      const from =
        wire.index < 0
          ? { composite: wire.node, input: wire.output }
          : Object.hasOwn(group.viaComposite, input)
            ? group.viaComposite[input]
            : undefined;
      issues.push({
        path,
        message: from
          ? `input "${input}" of composite "${name}" is input "${from.input}" of composite "${from.composite}"; give it as inputs["${from.composite}"].${from.input}`
          : `input "${input}" of composite "${name}" is wired from "${wire.node}"; only unconnected inputs take a value (unconnected: ${listNames(unconnected)})`,
      });
      continue;
    }
    const parsed = parseInput(schemas[input]!, value);
    if (parsed.success) checked.set(input, parsed.data);
    else issues.push(...configIssues(parsed.issues, path));
  }
  return checked;
}

function parseInput(schema: Parameters<typeof parseConfig>[0], value: unknown): ReturnType<typeof parseConfig> {
  try {
    return parseConfig(schema, value, 0);
  } catch (error) {
    // A refinement or transform of the user's that throws: its message is the issue.
    const message = error instanceof Error ? error.message : String(error);
    return { success: false, issues: [{ code: 'custom', path: [], message: `its schema threw: ${message}`, input: value }] };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
