/**
 * The worker pool: does CPU-heavy work spread over both cores (64 × ~20 ms fanning into
 * one), and what does dispatching one step to a worker cost (trivial steps)? Raw piscina
 * runs the same spin() as the modeflow solids.
 */
import { Piscina } from 'piscina';
import type { Pipeline, RunOptions } from '../lib/index.ts';
import { modeflow } from './fixtures/modeflow.ts';
import { sample, scale, type Stats } from './measure.ts';
import { calibrate, spin } from './fixtures/spin.ts';
import {
  CPU_STEPS,
  cpuFan,
  TRIVIAL_LARGE,
  TRIVIAL_SMALL,
  trivialLarge,
  trivialSmall,
  workerPoolExecutor,
} from './fixtures/worker-pipelines.ts';
import type { BenchCase, Measured, TargetResult } from './types.ts';

const { execute } = modeflow;

const WORKERS = 2;
const TASK_MS = 20;
const MIN_SPEEDUP = 1.85;
const MIN_VS_PISCINA = 0.95;
const TASK = new URL('./fixtures/piscina-task.mjs', import.meta.url).href;
const MISSING = 'modeflow workerPool: skipped, lib/index.ts does not export workerPoolExecutor yet';

function newPool(): Piscina {
  return new Piscina({ filename: TASK, minThreads: WORKERS, maxThreads: WORKERS });
}

/**
 * A run on the workerPool executor. Runs share a warm pool (idleTimeoutMs, default 10 s,
 * outlasts the gaps between samples); `idleTimeoutMs: 0` gives each run a cold pool of its own.
 */
function poolRun(extra: RunOptions['runConfig'] = {}, executor: Record<string, unknown> = {}): Omit<RunOptions, 'mode'> {
  return { runConfig: { ...extra, execution: { workerPool: { config: { maxWorkers: WORKERS, ...executor } } } } };
}

async function mustSucceed(p: Pipeline, options: RunOptions): Promise<number> {
  const result = await execute(p, options);
  return result.output('total') as number;
}

/** Runs `tasks` through a pool with at most `inFlight` submitted at once. */
async function runLimited(pool: Piscina, tasks: number, iterations: number, inFlight: number): Promise<number[]> {
  const out: number[] = new Array(tasks);
  let next = 0;
  const lane = async () => {
    while (next < tasks) {
      const i = next++;
      out[i] = (await pool.run({ iterations })) as number;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, tasks) }, lane));
  return out;
}

const cpu: BenchCase = {
  name: 'worker-cpu',
  title: `worker pool: ${CPU_STEPS} solids of ~${TASK_MS} ms pure-JS work fanning into one, ${WORKERS} workers, ms per run`,
  run: async () => {
    const iterations = calibrate(TASK_MS);
    const config = { solids: { seed: { config: { iterations } } } };
    const expected = (Array.from({ length: CPU_STEPS }, () => spin(iterations)) as number[]).reduce((a, b) => (a + b) | 0, 0);
    const notes: string[] = [`spin(${iterations.toLocaleString('en')}) ≈ ${TASK_MS} ms on the main thread`];
    const check = (who: string, got: number) => {
      if (got !== expected) notes.push(`✗ ${who} computed ${got}, expected ${expected}`);
    };
    const rows: Measured[] = [];
    const opts = { warmup: 1, reps: 5 };

    rows.push({
      contender: 'modeflow sync (one thread)',
      ...(await sample(async () => check('sync', await mustSucceed(cpuFan, { runConfig: config })), { warmup: 1, reps: 3 })),
    });

    const piscinaOnce = async (pool: Piscina) => {
      const values = await runLimited(pool, CPU_STEPS, iterations, CPU_STEPS);
      check(
        'piscina',
        values.reduce((a, b) => (a + b) | 0, 0),
      );
    };
    rows.push({
      contender: 'raw piscina, new pool per run',
      ...(await sample(async () => {
        const pool = newPool();
        try {
          await piscinaOnce(pool);
        } finally {
          await pool.destroy();
        }
      }, opts)),
    });
    const warm = newPool();
    try {
      rows.push({ contender: 'raw piscina, warm pool', ...(await sample(() => piscinaOnce(warm), opts)) });
    } finally {
      await warm.destroy();
    }

    const targets: TargetResult[] = [];
    if (workerPoolExecutor) {
      // The warm-up run starts the shared pool; the timed runs find it warm, as piscina's warm pool.
      const pool = await sample(async () => check('workerPool', await mustSucceed(cpuFan, poolRun(config))), opts);
      rows.push({ contender: 'modeflow workerPool (shared pool, warm)', ...pool });
      // What the first run of a process pays: a pool of its own, started with the run.
      const coldRun = await sample(async () => check('workerPool cold', await mustSucceed(cpuFan, poolRun(config, { idleTimeoutMs: 0 }))), {
        warmup: 0,
        reps: 3,
      });
      rows.push({ contender: 'modeflow workerPool, cold pool per run (idleTimeoutMs: 0)', ...coldRun });
      const sync = rows[0]!;
      const piscinaCold = rows[1]!;
      const piscinaWarm = rows[2]!;
      targets.push(
        {
          label: `speedup of workerPool over sync ≥ ${MIN_SPEEDUP}×`,
          value: `${(sync.median / pool.median).toFixed(2)}×`,
          met: sync.median / pool.median >= MIN_SPEEDUP,
        },
        {
          label: `workerPool throughput ≥ ${MIN_VS_PISCINA}× raw piscina (both warm)`,
          value: `${(piscinaWarm.median / pool.median).toFixed(2)}×`,
          met: piscinaWarm.median / pool.median >= MIN_VS_PISCINA,
        },
      );
      notes.push(
        `cold, both start a pool per run: modeflow workerPool ${coldRun.median.toFixed(0)} ms = ` +
          `${(piscinaCold.median / coldRun.median).toFixed(2)}× raw piscina's throughput (its threads import only tsx and spin.ts; ` +
          `modeflow's import tsx, modeflow and the pipeline module); the first run of a process pays this, later runs share the warm pool`,
      );
    } else {
      notes.push(MISSING);
    }
    return { unit: 'ms/run', rows, targets, notes };
  },
};

const dispatch: BenchCase = {
  name: 'worker-dispatch',
  title: `worker pool: dispatch overhead per trivial step, ${WORKERS} workers, µs per step`,
  run: async () => {
    const rows: Measured[] = [];
    const notes: string[] = [];
    const N = 5000;
    const pool = newPool();
    try {
      await runLimited(pool, 200, 0, WORKERS); // start the workers
      const perTask = async (inFlight: number) =>
        scale(await sample(() => runLimited(pool, N, 0, inFlight), { warmup: 2, reps: 7 }), 1000 / N);
      rows.push({ contender: `raw piscina, warm pool, ${WORKERS} in flight`, ...(await perTask(WORKERS)) });
      rows.push({ contender: `raw piscina, warm pool, all ${N} submitted`, ...(await perTask(N)) });
    } finally {
      await pool.destroy();
    }
    if (workerPoolExecutor) {
      const timeOf = async (p: Pipeline): Promise<Stats> => sample(() => execute(p, poolRun()), { warmup: 1, reps: 5 });
      const large = await timeOf(trivialLarge);
      const small = await timeOf(trivialSmall);
      // A cold pool per run (idleTimeoutMs: 0): start-up as the first run of a process pays it.
      const cold = await sample(() => execute(trivialSmall, poolRun({}, { idleTimeoutMs: 0 })), { warmup: 0, reps: 3 });
      rows.push({
        contender: `modeflow workerPool, ${TRIVIAL_LARGE.toLocaleString('en')} steps, whole run`,
        ...scale(large, 1000 / TRIVIAL_LARGE),
      });
      // The fixed cost of a run cancels in the difference.
      const marginal = ((large.median - small.median) * 1000) / (TRIVIAL_LARGE - TRIVIAL_SMALL);
      const fixedMs = small.median - (marginal * TRIVIAL_SMALL) / 1000;
      const coldMs = cold.median - small.median;
      rows.push({
        contender: `modeflow workerPool, per extra step (${TRIVIAL_LARGE.toLocaleString('en')} vs ${TRIVIAL_SMALL} steps)`,
        median: marginal,
        min: marginal,
        max: marginal,
      });
      notes.push(`modeflow workerPool fixed cost per run on the warm shared pool: ≈ ${fixedMs.toFixed(1)} ms`);
      notes.push(
        `modeflow workerPool cold pool (the first run of a process, or idleTimeoutMs: 0): + ≈ ${coldMs.toFixed(0)} ms ` +
          `(pool start, each worker importing tsx, modeflow and the pipeline module)`,
      );
      if (marginal <= 0) notes.push('the per-extra-step figure is lost in noise this run (the fixed cost varied more than the steps cost)');
    } else {
      notes.push(MISSING);
    }
    notes.push('piscina alone was measured at ~36 µs/task when the issue was written');
    return { unit: 'µs/step', rows, notes };
  },
};

export const cases: BenchCase[] = [cpu, dispatch];
