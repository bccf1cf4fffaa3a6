/**
 * Retained memory per step: heap held by a RunResult from execute() (every event, every
 * output), measured after forced collections, before vs after.
 */
import type { Pipeline, RunResult } from '../lib/index.ts';
import { modeflow } from './fixtures/modeflow.ts';
import { collectGarbage, stats } from './measure.ts';
import { chain, randomDag, type Shape } from './fixtures/shapes.ts';
import { shapePipeline } from './fixtures/modeflow-shapes.ts';
import type { BenchCase, Measured } from './types.ts';

const { execute } = modeflow;

const MAX_BYTES = 1024;
const REPS = 5;

async function retainedPerStep(p: Pipeline, steps: number): Promise<number> {
  // Let the previous run's promise reactions let go of its result before measuring.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const held: RunResult = await execute(p);
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  if (!held.success) throw new Error(`run ended ${held.status}`);
  return (after - before) / steps;
}

export const cases: BenchCase[] = [
  {
    name: 'memory',
    title: 'retained memory per step: heap held by the RunResult of execute(), sync, bytes per step',
    run: async () => {
      if (!(globalThis as { gc?: unknown }).gc) {
        return { unit: 'B/step', rows: [], notes: ['skipped: needs node --expose-gc (npm run bench passes it)'] };
      }
      const rows: Measured[] = [];
      const shapes: Shape[] = [chain(10_000), randomDag(10_000, 3, 42)];
      for (const shape of shapes) {
        const p = shapePipeline(shape);
        await execute(p); // warm-up: code and caches are not per-run memory
        const samples: number[] = [];
        for (let r = 0; r < REPS; r++) samples.push(await retainedPerStep(p, shape.inputs.length));
        rows.push({ contender: `modeflow sync, ${shape.name}`, ...stats(samples) });
      }
      return {
        unit: 'B/step',
        rows,
        targets: rows.map((r) => ({
          label: `${r.contender}: ≤ ${MAX_BYTES} B/step`,
          value: `${r.median.toFixed(0)} B/step`,
          met: r.median <= MAX_BYTES,
        })),
      };
    },
  },
];
