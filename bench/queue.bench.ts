/**
 * The queue executor: does CPU-heavy work spread over worker processes (64 × ~20 ms on 2
 * workers, beside sync and the worker pool), what does sending one trivial step through
 * Redis cost, and how long after a worker dies does its step finish on another? Each case
 * starts its own Redis (redis-server, loopback) and `modeflow worker` processes.
 */
import { lastValueFrom, tap, toArray } from 'rxjs';
import type { Pipeline, RunEvent, RunOptions } from '../lib/index.ts';
import { sample, stats, type Stats } from './measure.ts';
import { calibrate, spin } from './fixtures/spin.ts';
import { modeflow } from './fixtures/modeflow.ts';
import {
  CPU_STEPS,
  TRIVIAL_LARGE,
  TRIVIAL_SMALL,
  queueCpuFan,
  queueSlow,
  queueTrivialLarge,
  queueTrivialSmall,
} from './fixtures/queue-pipelines.ts';
import { startRedis, startWorker, type Redis, type Worker } from './fixtures/queue-services.ts';
import type { BenchCase, Measured, TargetResult } from './types.ts';

const { execute, run } = modeflow;

const WORKERS = 2;
const TASK_MS = 20;
const MIN_SPEEDUP = 1.8;
const MAX_DISPATCH_MS = 1;
const NO_REDIS = 'skipped: no redis-server on this machine (Debian/Ubuntu: apt-get install redis-server)';

function onQueue(redis: string, queue: string, config: Record<string, unknown> = {}): RunOptions['runConfig'] {
  return { execution: { queue: { config: { redis, queue, maxConcurrent: 64, ...config } } } };
}

async function withServices<T>(run: (redis: Redis) => Promise<T>): Promise<T | undefined> {
  const redis = await startRedis();
  if (!redis) return undefined;
  try {
    return await run(redis);
  } finally {
    await redis.stop();
  }
}

async function workers(redis: Redis, queue: string, concurrency: number, count = WORKERS): Promise<Worker[]> {
  return Promise.all(Array.from({ length: count }, () => startWorker(redis.url, queue, concurrency)));
}

async function mustSucceed(p: Pipeline, options: RunOptions): Promise<unknown> {
  const result = await execute(p, options);
  return result.output('total');
}

const cpu: BenchCase = {
  name: 'queue-cpu',
  title: `queue: ${CPU_STEPS} solids of ~${TASK_MS} ms pure-JS work fanning into one, ${WORKERS} worker processes, ms per run`,
  run: async () => {
    const iterations = calibrate(TASK_MS);
    const solids = { seed: { config: { iterations } } };
    const expected = (Array.from({ length: CPU_STEPS }, () => spin(iterations)) as number[]).reduce((a, b) => (a + b) | 0, 0);
    const notes: string[] = [`spin(${iterations.toLocaleString('en')}) ≈ ${TASK_MS} ms on the main thread`];
    const check = (who: string, got: unknown) => {
      if (got !== expected) notes.push(`✗ ${who} computed ${String(got)}, expected ${expected}`);
    };
    const rows: Measured[] = [];
    const targets: TargetResult[] = [];
    rows.push({
      contender: 'modeflow sync (one thread)',
      ...(await sample(async () => check('sync', await mustSucceed(queueCpuFan, { runConfig: { solids } })), { warmup: 1, reps: 3 })),
    });
    rows.push({
      contender: `modeflow workerPool (${WORKERS} threads, warm)`,
      ...(await sample(
        async () =>
          check(
            'workerPool',
            await mustSucceed(queueCpuFan, { runConfig: { solids, execution: { workerPool: { config: { maxWorkers: WORKERS } } } } }),
          ),
        { warmup: 1, reps: 5 },
      )),
    });
    const done = await withServices(async (redis) => {
      const pool = await workers(redis, 'bench-cpu', 1);
      try {
        const queued = await sample(
          async () => check('queue', await mustSucceed(queueCpuFan, { runConfig: { solids, ...onQueue(redis.url, 'bench-cpu') } })),
          { warmup: 1, reps: 5 },
        );
        rows.push({ contender: `modeflow queue (${WORKERS} worker processes, concurrency 1)`, ...queued });
        const speedup = rows[0]!.median / queued.median;
        targets.push({
          label: `speedup of queue over sync ≥ ${MIN_SPEEDUP}×`,
          value: `${speedup.toFixed(2)}×`,
          met: speedup >= MIN_SPEEDUP,
        });
        notes.push(`queue vs workerPool: ${(rows[1]!.median / queued.median).toFixed(2)}× the throughput`);
      } finally {
        await Promise.all(pool.map((w) => w.stop()));
      }
      return true;
    });
    if (!done) notes.push(`modeflow queue: ${NO_REDIS}`);
    return { unit: 'ms/run', rows, targets, notes };
  },
};

const dispatch: BenchCase = {
  name: 'queue-dispatch',
  title: `queue: dispatch overhead per trivial step through Redis on loopback, ${WORKERS} worker processes, ms per step`,
  run: async () => {
    const rows: Measured[] = [];
    const notes: string[] = [];
    const targets: TargetResult[] = [];
    const done = await withServices(async (redis) => {
      for (const concurrency of [1, 16]) {
        const queue = `bench-dispatch-${concurrency}`;
        const pool = await workers(redis, queue, concurrency);
        try {
          const options: RunOptions = { runConfig: onQueue(redis.url, queue) ?? {} };
          const timeOf = (p: Pipeline): Promise<Stats> => sample(() => execute(p, options), { warmup: 1, reps: 5 });
          const large = await timeOf(queueTrivialLarge);
          const small = await timeOf(queueTrivialSmall);
          // The fixed cost of a run cancels in the difference.
          const perStep = (large.median - small.median) / (TRIVIAL_LARGE - TRIVIAL_SMALL);
          const inFlight = Math.min(64, WORKERS * concurrency);
          rows.push({
            contender: `per extra step, workers at concurrency ${concurrency} (${inFlight} in flight)`,
            median: perStep,
            min: perStep,
            max: perStep,
          });
          rows.push({
            contender: `  whole run of ${TRIVIAL_LARGE.toLocaleString('en')} steps, per step`,
            median: large.median / TRIVIAL_LARGE,
            min: large.min / TRIVIAL_LARGE,
            max: large.max / TRIVIAL_LARGE,
          });
          notes.push(`concurrency ${concurrency}: fixed cost of a run ≈ ${(small.median - perStep * TRIVIAL_SMALL).toFixed(0)} ms`);
          if (concurrency === 16) {
            targets.push({
              label: `dispatch overhead ≤ ${MAX_DISPATCH_MS} ms per trivial step`,
              value: `${perStep.toFixed(2)} ms`,
              met: perStep <= MAX_DISPATCH_MS,
            });
          }
        } finally {
          await Promise.all(pool.map((w) => w.stop()));
        }
      }
      return true;
    });
    if (!done) notes.push(NO_REDIS);
    return { unit: 'ms/step', rows, notes, targets };
  },
};

const LOCK_MS = 2000;
const STEP_MS = 500;
const FAILOVER_REPS = 3;

const failover: BenchCase = {
  name: 'queue-failover',
  title: `queue: a worker killed (kill -9) mid-step, lockDurationMs ${LOCK_MS}, a ${STEP_MS} ms step: ms from the kill`,
  run: async () => {
    const rows: Measured[] = [];
    const notes: string[] = [];
    const done = await withServices(async (redis) => {
      const queue = 'bench-failover';
      let pool = await workers(redis, queue, 1);
      const handedOn: number[] = [];
      const finished: number[] = [];
      try {
        for (let i = 0; i < FAILOVER_REPS; i++) {
          let killedAt = 0;
          let redeliveredAt = 0;
          let doneAt = 0;
          let victim: Worker | undefined;
          const events = await lastValueFrom(
            run(queueSlow, {
              runConfig: { ...onQueue(redis.url, queue, { lockDurationMs: LOCK_MS }), solids: { slow: { config: { ms: STEP_MS } } } },
            }).pipe(
              tap((e: RunEvent) => {
                if (e.type === 'LOG' && e.message === 'started' && !victim) {
                  victim = pool.find((w) => w.child.pid === e.fields['pid']);
                  killedAt = performance.now();
                  victim?.child.kill('SIGKILL');
                }
                if (e.type === 'LOG' && e.fields['redelivered'] === true) redeliveredAt = performance.now();
                if (e.type === 'STEP_SUCCESS') doneAt = performance.now();
              }),
              toArray(),
            ),
          );
          if (events.at(-1)?.type !== 'RUN_SUCCESS' || !redeliveredAt) notes.push(`✗ run ${i + 1} ended ${events.at(-1)?.type}`);
          handedOn.push(redeliveredAt - killedAt);
          finished.push(doneAt - killedAt);
          // A fresh worker in place of the dead one.
          pool = [...pool.filter((w) => w !== victim), ...(await workers(redis, queue, 1, 1))];
        }
      } finally {
        await Promise.all(pool.map((w) => w.stop()));
      }
      rows.push({ contender: 'handed to another worker (the re-delivery is logged)', ...stats(handedOn) });
      rows.push({ contender: `step finished there (includes its own ${STEP_MS} ms)`, ...stats(finished) });
      notes.push(
        `the lock lapses ≤ ${LOCK_MS} ms after its last renewal (renewed every ${LOCK_MS / 2} ms); the run looks for stalled jobs every ${LOCK_MS / 2} ms`,
      );
      return true;
    });
    if (!done) notes.push(NO_REDIS);
    return { unit: 'ms', rows, notes };
  },
};

export const cases: BenchCase[] = [cpu, dispatch, failover];
