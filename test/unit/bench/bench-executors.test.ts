import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asyncExecutor, mode, pipeline, queueExecutor, solid, syncExecutor, virtualTimeExecutor } from '../../../lib/index.ts';
import { planBench } from '../../../lib/bench/bench-plan.ts';
import { benchExecutors, BenchmarkError, type BenchProgress } from '../../../lib/bench/index.ts';

const quiet = (executors = [syncExecutor, asyncExecutor, virtualTimeExecutor]) => mode({ loggers: {}, executors });

/** A three-step chain whose computes are counted. */
function countedChain() {
  const calls = { n: 0 };
  const start = solid({ name: 'start', output: z.number(), compute: () => (calls.n++, 1) });
  const inc = solid({ name: 'inc', inputs: { x: z.number() }, output: z.number(), compute: (_ctx, { x }) => x + 1 });
  const p = pipeline({ name: 'chain', modes: [quiet()], graph: () => void inc(inc(start())) });
  return { p, calls };
}

describe('benchExecutors', () => {
  it('runs each executor once cold, then the warm-up runs, then the timed runs, and reports them', async () => {
    const { p, calls } = countedChain();
    const report = await benchExecutors(p, { executors: ['sync', 'async'], runs: 3, warmup: 1 });
    expect(calls.n).toBe(2 * (1 + 1 + 3));
    expect(report.environment).toMatchObject({ pipeline: 'chain', mode: 'default', steps: 3, runs: 3, warmup: 1, node: process.version });
    expect(report.executors.map((e) => [e.label, e.runs, e.steps])).toEqual([
      ['sync', 3, 3],
      ['async', 3, 3],
    ]);
    for (const e of report.executors) {
      expect(e.minMs).toBeLessThanOrEqual(e.medianMs);
      expect(e.medianMs).toBeLessThanOrEqual(e.maxMs);
      expect(e.runsPerSecond).toBeCloseTo(1000 / e.medianMs, 6);
      expect(e.stepsPerSecond).toBeCloseTo(3 * e.runsPerSecond, 6);
      expect(e.peakRssBytes).toBeGreaterThan(0);
      expect(e.coldStartMs).toBeGreaterThan(0);
    }
    expect(report.summary).toHaveLength(1);
    expect(report.summary[0]).toMatch(/^(sync|async) ran \d+\.\d\d ± \d+\.\d\d× faster than (sync|async)/);
  });

  it('benches every executor of the mode but virtualTime unless told which', async () => {
    const { p } = countedChain();
    const report = await benchExecutors(p, { runs: 1, warmup: 0 });
    expect(report.executors.map((e) => e.label)).toEqual(['sync', 'async']);
  });

  it('leaves the queue out unless it is named or the run config configures it (it needs Redis and workers)', () => {
    const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
    const offering = pipeline({ name: 'one_q', modes: [quiet([syncExecutor, asyncExecutor, queueExecutor])], graph: () => void one() });
    const labels = (options: Parameters<typeof planBench>[1]) => planBench(offering, options).entries.map((e) => e.label);
    expect(labels({})).toEqual(['sync', 'async']);
    expect(labels({ executors: ['sync', 'queue'] })).toEqual(['sync', 'queue']);
    const configured = { execution: { queue: { config: { redis: 'redis://127.0.0.1:6390', queue: 'bench' } } } };
    expect(labels({ runConfig: configured })).toEqual(['sync', 'async', 'queue']);
  });

  it('tells each run where it is, for a progress line', async () => {
    const { p } = countedChain();
    const seen: BenchProgress[] = [];
    await benchExecutors(p, { executors: ['sync'], runs: 2, warmup: 1, onProgress: (progress) => seen.push(progress) });
    expect(seen.map((s) => `${s.executor} ${s.index}/${s.count} ${s.phase} ${s.run}/${s.of}`)).toEqual([
      'sync 1/1 cold 1/1',
      'sync 1/1 warmup 1/1',
      'sync 1/1 run 1/2',
      'sync 1/1 run 2/2',
    ]);
  });

  it('gives an executor the config run config has for it, under the config its spec adds', async () => {
    const { p } = countedChain();
    const report = await benchExecutors(p, {
      runConfig: { execution: { async: { config: { maxConcurrent: 3 } } } },
      executors: ['async', 'async:maxConcurrent=5'],
      runs: 1,
      warmup: 0,
    });
    expect(report.executors.map((e) => [e.label, e.config])).toEqual([
      ['async', { maxConcurrent: 3, cancelGraceMs: 1000 }],
      ['async(maxConcurrent=5)', { maxConcurrent: 5, cancelGraceMs: 1000 }],
    ]);
  });

  it('refuses before any run: an executor the mode lacks, a bad config, the same executor and config twice', async () => {
    const { p, calls } = countedChain();
    await expect(benchExecutors(p, { executors: ['sync', 'workerPool'] })).rejects.toThrow(
      'mode "default" of pipeline "chain" has no executor "workerPool"; it offers: "sync", "async", "virtualTime"',
    );
    await expect(benchExecutors(p, { executors: ['async:maxConcurrent=0'] })).rejects.toMatchObject({
      name: 'InvalidConfigError',
      issues: [expect.objectContaining({ path: ['execution', 'async', 'config', 'maxConcurrent'] })],
    });
    await expect(benchExecutors(p, { executors: ['async', 'async:maxConcurrent=16'] })).rejects.toThrow(
      'executors async and async(maxConcurrent=16) are the same: both run async with {"maxConcurrent":16,"cancelGraceMs":1000}',
    );
    await expect(benchExecutors(p, { runs: 0 })).rejects.toThrow('runs must be a whole number of at least 1, got 0');
    expect(calls.n).toBe(0);
  });

  it('stops when an executor gives other outputs than the first, naming executor, solid, output and where', async () => {
    const which = solid({
      name: 'which',
      output: z.object({ info: z.object({ scheduler: z.string() }) }),
      compute: (ctx) => ({ info: { scheduler: ctx.scheduler.constructor.name } }),
    });
    const p = pipeline({ name: 'executor_dependent', modes: [quiet()], graph: () => void which() });
    const failure = await benchExecutors(p, { executors: ['sync', 'async'], runs: 1, warmup: 0 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BenchmarkError);
    expect((failure as BenchmarkError).failure).toMatchObject({
      kind: 'outputs-differ',
      executor: 'async',
      baseline: 'sync',
      difference: { solid: 'which', output: 'result', path: '.info.scheduler', a: 'QueueScheduler', b: 'AsapScheduler' },
    });
    expect((failure as Error).message).toContain(
      `executor async gave other outputs than sync: solid "which", output "result" at .info.scheduler: sync gave 'QueueScheduler', async gave 'AsapScheduler'`,
    );
    // Told not to check, it times them.
    const report = await benchExecutors(p, { executors: ['sync', 'async'], runs: 1, warmup: 0, checkOutputs: false });
    expect(report.executors).toHaveLength(2);
  });

  it('stops when a run fails, naming the executor, the run and the step', async () => {
    let calls = 0;
    const flaky = solid({
      name: 'flaky',
      compute: () => {
        if (++calls > 1) throw new Error('disk full');
      },
    });
    const p = pipeline({ name: 'flaky_pipeline', modes: [quiet()], graph: () => void flaky() });
    const failure = await benchExecutors(p, { executors: ['sync'], runs: 3, warmup: 1 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BenchmarkError);
    expect((failure as Error).message).toBe('executor sync: warm-up run 1 of 1 failed: step "flaky": Error: disk full');

    calls = 5;
    await expect(benchExecutors(p, { executors: ['async'], runs: 3, warmup: 1 })).rejects.toThrow(
      'executor async: cold start failed: step "flaky": Error: disk full',
    );
  });

  it('stops with the run in progress canceled when its signal aborts, even while runs of synchronous solids follow each other', async () => {
    const { p, calls } = countedChain();
    const controller = new AbortController();
    // A timer: it fires only if the bench lets the event loop turn between runs.
    setTimeout(() => controller.abort(), 0);
    await expect(benchExecutors(p, { executors: ['sync'], runs: 10_000, warmup: 0, signal: controller.signal })).rejects.toThrow(
      /^executor sync: (cold start|run \d+ of 10000) was canceled$/,
    );
    expect(calls.n).toBeLessThan(10_000);
  });
});
