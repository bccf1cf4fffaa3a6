/**
 * What a correct engine must make of a generated graph, by direct evaluation: each
 * solid's status and every value of each output, with the fan-outs, joins, collects,
 * skips and retries of DESIGN's semantics worked out step by step.
 */
import { emitted, inputLineage, type SolidGraphSpec, type SolidSpec } from './solid-graph-spec.ts';

/** How a generated solid ends. */
export type ExpectedStatus = 'SUCCESS' | 'FAILURE' | 'SKIPPED';

/** What a run of a generated graph must give. */
export interface ExpectedRun {
  /** The run's status. */
  readonly status: 'SUCCESS' | 'FAILURE';
  /** Per solid, per output, every value in order: `result.solid(name).outputs`. */
  readonly outputs: Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>>;
  /** Per solid: `result.solid(name).status`. */
  readonly solids: Readonly<Record<string, ExpectedStatus>>;
  /** The resources initialised: those the solids require, and what those depend on. */
  readonly resources: readonly string[];
}

const MOD = 1_000_003;

/** The values a step of solid `index` emits on its main output, for its inputs in order. */
export function mainValues(index: number, solid: SolidSpec, inputs: readonly unknown[]): number[] {
  let h = ((index + 1) * 7919) % MOD;
  for (const value of inputs) {
    const n = Array.isArray(value) ? value.reduce((a: number, b: number) => (a + b) % MOD, 0) : (value as number);
    h = (h * 131 + n) % MOD;
  }
  return Array.from({ length: solid.emit }, (_, k) => (h + k) % MOD);
}

/** The `extra` value that goes with the first main value. */
export const extraValue = (main: number): number => (main * 10) % MOD;

/** Whether a solid fails for good: it always fails, or fails once with no retry left. */
export const failsForGood = (solid: SolidSpec): boolean => solid.fail === 'always' || (solid.fail === 'once' && !solid.retry?.maxRetries);

type Ended = { readonly status: ExpectedStatus; readonly reason?: 'UPSTREAM_FAILED' | 'OUTPUT_NOT_PRODUCED' };

/** One step of a solid: its index path and its values per output. */
interface Instance {
  readonly key: readonly number[];
  readonly values: Readonly<Record<string, readonly number[]>>;
}

/**
 * The expected run of `spec`. Every step of a solid behaves alike (a solid's emission
 * count and failures do not depend on its inputs), so statuses are per solid.
 */
export function expectedRun(spec: SolidGraphSpec): ExpectedRun {
  const ports = spec.multipleOutputs ? ['main', 'extra'] : ['result'];
  const main = ports[0]!;
  const ended: Ended[] = [];
  const lineages: number[][] = [];
  const instances: Instance[][] = [];
  spec.solids.forEach((solid, i) => {
    let lineage: number[] = [];
    let end: Ended | undefined;
    for (const input of solid.inputs) {
      const line = inputLineage(input, spec.solids, lineages);
      if (line.length > lineage.length) lineage = line;
      const upstream = ended[input.from]!;
      if (upstream.status === 'FAILURE' || upstream.reason === 'UPSTREAM_FAILED') end = { status: 'SKIPPED', reason: 'UPSTREAM_FAILED' };
      else if (!input.collect && (upstream.status === 'SKIPPED' || emitted(spec.solids[input.from]!, input.output) === 0)) {
        end ??= { status: 'SKIPPED', reason: 'OUTPUT_NOT_PRODUCED' };
      }
    }
    lineages.push(lineage);
    end ??= { status: failsForGood(solid) ? 'FAILURE' : 'SUCCESS' };
    ended.push(end);
    if (end.status !== 'SUCCESS') {
      instances.push([]);
      return;
    }
    const mine: Instance[] = [];
    for (const key of keysUnder(lineage, spec.solids)) {
      const inputs = solid.inputs.map((input) => {
        if (input.collect) return instances[input.from]!.flatMap((step) => step.values[input.output] ?? []);
        const depth = lineages[input.from]!.length;
        const producer = instances[input.from]!.find((step) => samePrefix(step.key, key, depth))!;
        const values = producer.values[input.output]!;
        return emitted(spec.solids[input.from]!, input.output) > 1 ? values[key[depth]!] : values[0];
      });
      const values = mainValues(i, solid, inputs);
      const out: Record<string, number[]> = { [main]: values };
      if (spec.multipleOutputs) out['extra'] = solid.extra && values.length > 0 ? [extraValue(values[0]!)] : [];
      mine.push({ key, values: out });
    }
    instances.push(mine);
  });
  const outputs: Record<string, Record<string, unknown[]>> = {};
  const solids: Record<string, ExpectedStatus> = {};
  spec.solids.forEach((_, i) => {
    solids[`n${i}`] = ended[i]!.status;
    outputs[`n${i}`] = Object.fromEntries(ports.map((port) => [port, instances[i]!.flatMap((step) => step.values[port] ?? [])]));
  });
  return {
    status: Object.values(solids).includes('FAILURE') ? 'FAILURE' : 'SUCCESS',
    outputs,
    solids,
    resources: neededResources(spec),
  };
}

/** Every index path under `lineage`, in step-key order (`[0][0]`, `[0][1]`, `[1][0]`, …). */
function keysUnder(lineage: readonly number[], solids: readonly SolidSpec[]): number[][] {
  let keys: number[][] = [[]];
  for (const origin of lineage) {
    const n = solids[origin]!.emit;
    keys = keys.flatMap((key) => Array.from({ length: n }, (_, k) => [...key, k]));
  }
  return keys;
}

function samePrefix(a: readonly number[], b: readonly number[], length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Resource keys the solids require, with their dependencies, transitively, in key order. */
function neededResources(spec: SolidGraphSpec): string[] {
  const needed = new Set<number>();
  const visit = (j: number): void => {
    if (needed.has(j)) return;
    needed.add(j);
    for (const d of spec.resources[j]!.deps) visit(d);
  };
  for (const solid of spec.solids) for (const j of solid.resources) visit(j);
  return [...needed].sort((a, b) => a - b).map((j) => `res${j}`);
}
