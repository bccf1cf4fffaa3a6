/**
 * Does modeflow's per-step cost stay flat as pipelines grow? Chains of 1,000 and 100,000
 * trivial steps through run() (sync), µs per step; the 100,000-step chain also shows that
 * a long chain runs at constant stack depth. The same for random DAGs (3 inputs each),
 * beside hand-wired RxJS, whose memory access is as scattered.
 */
import { sample, scale } from './measure.ts';
import { handWiredRxjs } from './fixtures/contenders.ts';
import { chain, randomDag } from './fixtures/shapes.ts';
import { countEvents, shapePipeline } from './fixtures/modeflow-shapes.ts';
import type { BenchCase, Measured } from './types.ts';

const MAX_RATIO = 1.5;

export const cases: BenchCase[] = [
  {
    name: 'scale-chain',
    title: 'per-step cost at 100,000 steps vs 1,000: modeflow sync, run(), µs per step',
    run: async () => {
      const rows: Measured[] = [];
      let ran = false;
      let events = 0;
      for (const n of [1_000, 100_000]) {
        const p = shapePipeline(chain(n));
        const big = n === 100_000;
        const s = await sample(
          async () => {
            events = await countEvents(p);
            ran ||= big;
          },
          big ? { warmup: 1, reps: 3 } : { warmup: 3, reps: 9 },
        );
        rows.push({ contender: `modeflow sync, chain-${n.toLocaleString('en')}`, ...scale(s, 1000 / n) });
      }
      const ratio = rows[1]!.median / rows[0]!.median;
      return {
        unit: 'µs/step',
        rows,
        targets: [
          { label: `per-step cost at 100,000 ≤ ${MAX_RATIO}× the cost at 1,000`, value: `${ratio.toFixed(2)}×`, met: ratio <= MAX_RATIO },
          { label: 'a 100,000-step chain runs to RUN_SUCCESS', value: ran ? `yes, ${events.toLocaleString('en')} events` : 'no', met: ran },
        ],
      };
    },
  },
  {
    name: 'scale-dag',
    title: 'per-step cost of a random DAG (3 inputs each) at 100,000 steps vs 1,000, µs per step',
    run: async () => {
      const rows: Measured[] = [];
      for (const n of [1_000, 100_000]) {
        const shape = randomDag(n);
        const p = shapePipeline(shape);
        const reps = n === 100_000 ? { warmup: 1, reps: 3 } : { warmup: 3, reps: 9 };
        const label = `dag-${n.toLocaleString('en')}`;
        rows.push({ contender: `modeflow sync, ${label}`, ...scale(await sample(() => countEvents(p), reps), 1000 / n) });
        rows.push({ contender: `hand-wired RxJS, ${label}`, ...scale(await sample(() => handWiredRxjs(shape), reps), 1000 / n) });
      }
      const ratio = rows[2]!.median / rows[0]!.median;
      const rx = rows[3]!.median / rows[1]!.median;
      return {
        unit: 'µs/step',
        rows,
        targets: [
          {
            label: `modeflow: per-step cost at 100,000 ≤ ${MAX_RATIO}× the cost at 1,000`,
            value: `${ratio.toFixed(2)}×`,
            met: ratio <= MAX_RATIO,
          },
        ],
        notes: [
          `hand-wired RxJS grows ${rx.toFixed(2)}× over the same range: at 100,000 random edges every step's inputs and consumers are cache misses`,
        ],
      };
    },
  },
];
