/**
 * Does modeflow's per-step cost stay flat as pipelines grow? Chains of 1,000 and 100,000
 * trivial steps through run() (sync), µs per step; the 100,000-step chain also shows that
 * a long chain runs at constant stack depth.
 */
import { sample, scale } from './measure.ts';
import { chain } from './fixtures/shapes.ts';
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
];
