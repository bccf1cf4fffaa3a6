import type { Pipeline } from '../define/pipeline.ts';
import type { RunResult } from '../events/result.ts';
import { firstDifference, type Difference } from './first-difference.ts';

/** Where two runs of one pipeline first disagree. */
export interface OutputDifference extends Difference {
  readonly solid: string;
  /** The output, or undefined when the solids' statuses differ. */
  readonly output: string | undefined;
}

/**
 * The first solid (in the pipeline's order) whose status or outputs differ between two
 * runs, with the first differing place inside its output; undefined when every solid
 * ended the same and gave the same values. Each output is compared as the array of all
 * its values (one per mapped step of a fan-out).
 *
 * @example
 * const diff = differentOutputs(p, await execute(p, sync), await execute(p, async));
 */
export function differentOutputs(pipeline: Pipeline, a: RunResult, b: RunResult): OutputDifference | undefined {
  for (const node of pipeline.nodes) {
    const x = a.solid(node.name);
    const y = b.solid(node.name);
    if (x.status !== y.status) return { solid: node.name, output: undefined, path: '', a: x.status, b: y.status, why: 'status' };
    const names = new Set([...Object.keys(x.outputs), ...Object.keys(y.outputs)]);
    for (const output of names) {
      const xs = valuesOf(x.outputs, output);
      const ys = valuesOf(y.outputs, output);
      if (xs.length !== ys.length) return { solid: node.name, output, path: '', a: xs, b: ys, why: `${count(xs)} vs ${count(ys)}` };
      // One value is compared as itself, so that the path reads as `output()` gives it.
      const found = xs.length === 1 ? firstDifference(xs[0], ys[0]) : firstDifference(xs, ys);
      if (found) return { ...found, solid: node.name, output };
    }
  }
  return undefined;
}

function valuesOf(outputs: Readonly<Record<string, readonly unknown[]>>, output: string): readonly unknown[] {
  return Object.hasOwn(outputs, output) ? outputs[output]! : [];
}

function count(values: readonly unknown[]): string {
  return `${values.length} value${values.length === 1 ? '' : 's'}`;
}
