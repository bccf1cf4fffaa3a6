/**
 * What does a hook cost per step? A chain of 10,000 trivial solids (sync executor, all
 * events delivered), without hooks (the baseline: the engine makes no hook machinery for
 * it), with a pipeline hook that never fires (a failure hook on steps that succeed: the
 * per-step check), and with a success hook on every step (each fires: a call and a
 * HOOK_COMPLETED event per step), plain and returning a Promise.
 */
import { z } from 'zod';
import { countEvents, quietMode } from './fixtures/modeflow-shapes.ts';
import { modeflow } from './fixtures/modeflow.ts';
import { scale, stats } from './measure.ts';
import type { AnyHook, OutputHandle, Pipeline } from '../lib/index.ts';
import type { BenchCase, Measured } from './types.ts';

const { failureHook, pipeline, solid, successHook } = modeflow;

const STEPS = 10_000;
const ROUNDS = 15;

const first = solid({ name: 'first', compute: () => 1 });
const next = solid({ name: 'next', inputs: { n: z.unknown() }, compute: (_ctx, { n }) => (n as number) + 1 });

function chainWith(hooks: readonly AnyHook[]): Pipeline {
  return pipeline({
    name: 'hooked_chain',
    modes: [quietMode],
    hooks,
    graph: () => {
      let handle = first() as OutputHandle<unknown>;
      for (let i = 1; i < STEPS; i++) handle = next({ n: handle }) as OutputHandle<unknown>;
    },
  });
}

export const cases: BenchCase[] = [
  {
    name: 'hooks-chain-10,000',
    title: `hooks on a chain of ${STEPS.toLocaleString('en')} trivial solids (sync executor), µs per step`,
    run: async () => {
      const contenders: [string, Pipeline][] = [
        ['no hooks (baseline)', chainWith([])],
        ['a failure hook that never fires', chainWith([failureHook({ name: 'never', fn: () => undefined })])],
        ['a success hook on every step', chainWith([successHook({ name: 'each', fn: () => undefined })])],
        ['a success hook on every step, returning a Promise', chainWith([successHook({ name: 'each_async', fn: async () => undefined })])],
      ];
      // Rounds interleave the contenders (each round times each once, the order rotating),
      // so that load from elsewhere and the JIT's warm-up of the shared engine fall on all
      // of them alike.
      for (let i = 0; i < 5; i++) for (const [, p] of contenders) await countEvents(p);
      const times: number[][] = contenders.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < contenders.length; k++) {
          const c = (k + round) % contenders.length;
          const started = performance.now();
          await countEvents(contenders[c]![1]);
          times[c]!.push(performance.now() - started);
        }
      }
      const rows: Measured[] = contenders.map(([contender], c) => ({ contender, ...scale(stats(times[c]!), 1000 / STEPS) }));
      return { unit: 'µs/step', rows, notes: ['every event delivered to the subscriber; no logger sinks'] };
    },
  },
];
