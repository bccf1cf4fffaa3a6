import { catchError, concat, filter, firstValueFrom, lastValueFrom, map, of, retry, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  memoryLogger,
  mode,
  pipeline,
  run,
  solid,
  StepExecutionError,
  throwOnFailure,
  type RunEvent,
  type RunResult,
} from '../../../lib/index.ts';

const quiet = () => mode({ loggers: { memory: memoryLogger() } });

/** A pipeline whose `flaky` step fails on the first `failures` runs (counted across runs). */
function flakyPipeline(failures: number) {
  let runs = 0;
  const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
  const flaky = solid({
    name: 'flaky',
    inputs: { n: z.number() },
    output: z.number(),
    compute: (_ctx, { n }) => {
      runs++;
      if (runs <= failures) throw new RangeError(`failure ${runs}`);
      return n + 1;
    },
  });
  return pipeline({
    name: 'flaky_pipeline',
    modes: [quiet()],
    graph: () => {
      flaky(one());
    },
  });
}

function errorOf(source: Promise<unknown>): Promise<unknown> {
  return source.then(
    () => {
      throw new Error('resolved');
    },
    (error: unknown) => error,
  );
}

describe('throwOnFailure', () => {
  it('passes the events of a successful run unchanged, then completes', async () => {
    const p = flakyPipeline(0);
    const plain = await lastValueFrom(run(p, { runId: 'r1' }).pipe(toArray()));
    const through = await lastValueFrom(run(p, { runId: 'r1' }).pipe(throwOnFailure(), toArray()));
    expect(through.map((e) => e.type)).toEqual(plain.map((e) => e.type));
    expect(through.at(-1)?.type).toBe('RUN_SUCCESS');
  });

  it('turns RUN_FAILURE into a StepExecutionError in place of that event, with the result folded from the events', async () => {
    const p = flakyPipeline(1);
    const seen: RunEvent[] = [];
    const error = await errorOf(
      lastValueFrom(
        run(p).pipe(
          throwOnFailure(),
          map((e) => seen.push(e)),
        ),
      ),
    );
    expect(error).toBeInstanceOf(StepExecutionError);
    const failure = error as StepExecutionError<RunResult>;
    expect(failure.stepKey).toBe('flaky');
    expect(failure.cause).toBeInstanceOf(RangeError);
    expect(failure.message).toMatch(/step flaky failed: RangeError: failure 1/);
    expect(seen.map((e) => e.type)).not.toContain('RUN_FAILURE');
    const result = failure.result;
    expect(result.status).toBe('FAILURE');
    expect(result.events.at(-1)?.type).toBe('RUN_FAILURE');
    expect(result.events.slice(0, -1)).toEqual(seen);
    expect(result.output('one')).toBe(1);
    expect(result.solid('flaky').error?.message).toBe('failure 1');
  });

  it('lets retry() run a failed run again (marbles: two failures, then success, a second apart)', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ expectObservable }) => {
      const runs = run(flakyPipeline(2)).pipe(
        throwOnFailure(),
        retry({ count: 2, delay: 1000 }),
        filter((e) => e.type === 'RUN_START' || e.type === 'RUN_SUCCESS'),
        map((e) => e.type),
      );
      expectObservable(runs).toBe('a 999ms a 999ms (ab|)', { a: 'RUN_START', b: 'RUN_SUCCESS' });
    });
  });

  it('lets catchError() handle the failure', async () => {
    const handled = await lastValueFrom(
      run(flakyPipeline(1)).pipe(
        throwOnFailure(),
        filter(() => false),
        catchError((error: unknown) => of(error instanceof StepExecutionError ? `handled ${error.stepKey}` : 'other')),
      ),
    );
    expect(handled).toBe('handled flaky');
  });

  it('passes RUN_CANCELED through and completes: a cancel is no failure', async () => {
    const waits = solid({
      name: 'waits',
      compute: (ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(undefined))),
    });
    const p = pipeline({ name: 'cancelable', modes: [quiet()], graph: () => void waits() });
    const controller = new AbortController();
    const events = lastValueFrom(run(p, { signal: controller.signal }).pipe(throwOnFailure(), toArray()));
    setTimeout(() => controller.abort(), 5);
    expect((await events).at(-1)?.type).toBe('RUN_CANCELED');
  });

  it('folds each run of a shared stream on its own', async () => {
    const error = (await errorOf(
      lastValueFrom(concat(run(flakyPipeline(0), { runId: 'good' }), run(flakyPipeline(1), { runId: 'bad' })).pipe(throwOnFailure())),
    )) as StepExecutionError<RunResult>;
    expect(error.result.runId).toBe('bad');
    expect(new Set(error.result.events.map((e) => e.runId))).toEqual(new Set(['bad']));
  });

  it('is cold: each subscription folds its own run', async () => {
    const failing = run(flakyPipeline(5)).pipe(throwOnFailure());
    const first = (await errorOf(firstValueFrom(failing.pipe(toArray())))) as StepExecutionError<RunResult>;
    const second = (await errorOf(firstValueFrom(failing.pipe(toArray())))) as StepExecutionError<RunResult>;
    expect(first.result.runId).not.toBe(second.result.runId);
    expect(second.result.events.filter((e) => e.type === 'RUN_START')).toHaveLength(1);
  });
});
