/**
 * Engine overhead: µs per step on trivial solids, modeflow against the floor (direct
 * calls) and against what a user might use instead.
 */
import { Subscriber } from 'rxjs';
import type { RunEvent } from '../lib/index.ts';
import { libraryLabel, prepare, startRun } from './fixtures/modeflow.ts';
import { sample, scale, stats, type Stats } from './measure.ts';
import { chain, checksum, fan, randomDag, type Shape } from './fixtures/shapes.ts';
import { directCalls, effectLevels, handWiredRxjs, pGraph, promiseDag } from './fixtures/contenders.ts';
import { asyncRun, countEvents, outputValues, shapePipeline } from './fixtures/modeflow-shapes.ts';
import type { BenchCase, Measured } from './types.ts';

const TARGET_US = 1;

function overheadCase(make: () => Shape, name: string): BenchCase {
  return {
    name: `overhead-${name}`,
    title: `engine overhead on ${name}: trivial solids, µs per step`,
    run: async () => {
      const shape = make();
      const steps = shape.inputs.length;
      const expected = checksum(directCalls(shape));
      const p = shapePipeline(shape);
      const contenders: [string, () => unknown][] = [
        ['direct calls (floor)', () => directCalls(shape)],
        ['hand-wired RxJS', () => handWiredRxjs(shape)],
        ['naive Promise DAG', () => promiseDag(shape)],
        ['p-graph', () => pGraph(shape)],
        ['Effect (Effect.all per level)', effectLevels(shape)],
        ['modeflow sync', () => countEvents(p)],
        ['modeflow async', () => countEvents(p, asyncRun)],
      ];
      const notes: string[] = [];
      const rows: Measured[] = [];
      for (const [contender, fn] of contenders) {
        const got = contender.startsWith('modeflow')
          ? checksum(await outputValues(p, contender.endsWith('async') ? asyncRun : {}))
          : checksum((await fn()) as number[]);
        if (got !== expected) notes.push(`✗ ${contender} computed checksum ${got}, expected ${expected}`);
        const s = await sample(fn, { warmup: 2, reps: 7 });
        rows.push({ contender, ...scale(s, 1000 / steps) });
      }
      // Where modeflow's time goes. Plans and config schemas are cached per pipeline and
      // mode, so the runs above reuse them; a new pipeline's first run builds them.
      const firsts: number[] = [];
      for (let r = 0; r < 5; r++) {
        const fresh = shapePipeline(shape);
        const t = performance.now();
        await countEvents(fresh);
        firsts.push(performance.now() - t);
      }
      rows.push({ contender: 'modeflow sync: first run of a new pipeline', ...scale(stats(firsts), 1000 / steps) });
      const prepared = prepare(p, {});
      let events = 0;
      const engineOnly = await sample(() => {
        startRun(prepared, new Subscriber<RunEvent>({ next: () => void events++, error: () => {}, complete: () => {} }));
      });
      rows.push({ contender: 'modeflow sync: engine only (startRun)', ...scale(engineOnly, 1000 / steps) });
      rows.push({ contender: 'modeflow prepare() (cached plan)', ...scale(await sample(() => prepare(p, {})), 1000 / steps) });
      const sync = rows.find((r) => r.contender === 'modeflow sync')!;
      notes.push('run() = prepare() (mode, run config, plan; cached per pipeline and mode) + the engine (startRun)');
      const events1 = await countEvents(p);
      notes.push(
        `modeflow from ${libraryLabel}; ${steps.toLocaleString('en')} steps; modeflow emits ${events1.toLocaleString('en')} events per run, all delivered to the subscriber`,
      );
      return {
        unit: 'µs/step',
        rows,
        notes,
        targets: [{ label: `modeflow sync ≤ ${TARGET_US} µs/step (run(), all events)`, value: fmt(sync), met: sync.median <= TARGET_US }],
      };
    },
  };
}

function fmt(s: Stats): string {
  return `${s.median.toFixed(2)} µs/step`;
}

export const cases: BenchCase[] = [
  overheadCase(() => chain(10_000), 'chain-10,000'),
  overheadCase(() => fan(1_000), 'fan-1,000'),
  overheadCase(() => randomDag(10_000, 3, 42), 'dag-10,000'),
];
