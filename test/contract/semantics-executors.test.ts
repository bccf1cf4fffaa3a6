/**
 * DESIGN.md, "Semantics in detail" → "Executors" (the executor contract, maxConcurrent),
 * and "Outputs handed to more than one consumer are deep-frozen".
 */
import { asapScheduler, from, of, throwError, type SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConfigError, asyncExecutor, execute, executor, pipeline, solid, syncExecutor, type StepRequest } from '../../lib/index.ts';
import { inProcessExecutors, ofType, rejectionOf, silentMode, sleep } from '../helpers/index.ts';

/** A scheduler that counts what is scheduled on it, delegating to asapScheduler. */
function countingScheduler(): { scheduler: SchedulerLike; count: () => number } {
  let n = 0;
  const scheduler: SchedulerLike = {
    now: () => asapScheduler.now(),
    schedule: ((work: any, delay?: number, state?: unknown) => {
      n++;
      return asapScheduler.schedule(work, delay, state);
    }) as SchedulerLike['schedule'],
  };
  return { scheduler, count: () => n };
}

/** `count` independent steps that each take ~`ms`; reports the peak number in flight. */
function parallelSteps(count: number, ms = 30) {
  let inFlight = 0;
  let peak = 0;
  const work = solid({
    name: 'work',
    compute: async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(ms);
      inFlight--;
    },
  });
  return {
    graph: () => {
      for (let i = 0; i < count; i++) work();
    },
    peak: () => peak,
  };
}

describe('executor({ name, config?, create })', () => {
  it('create({ config, signal }) gets the parsed config; steps are scheduled on its scheduler; dispose runs when the run finalises', async () => {
    const created: { config: unknown; signal: unknown }[] = [];
    let disposed = 0;
    const counting = countingScheduler();
    const custom = executor({
      name: 'custom',
      config: z.object({ label: z.string(), level: z.number().default(7) }),
      create: ({ config, signal }) => {
        created.push({ config, signal });
        return { scheduler: counting.scheduler, maxConcurrent: 2, dispose: () => void disposed++ };
      },
    });
    const a = solid({ name: 'a', output: z.number(), compute: () => 1 });
    const b = solid({ name: 'b', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });
    const p = pipeline({
      name: 'custom_executor',
      modes: [silentMode({ executors: [syncExecutor, custom] })],
      graph: () => {
        b(a());
      },
    });
    const result = await execute(p, { runConfig: { execution: { custom: { config: { label: 'x' } } } } });
    expect(result.output('b')).toBe(2);
    expect(created).toHaveLength(1);
    expect(created[0]?.config).toEqual({ label: 'x', level: 7 });
    expect(created[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(counting.count()).toBeGreaterThan(0);
    expect(disposed).toBe(1);
    expect(ofType(result.events, 'RUN_START')[0]?.executor).toBe('custom');
  });

  it('dispose also runs when the run fails', async () => {
    let disposed = 0;
    const custom = executor({
      name: 'custom',
      create: () => ({ scheduler: asapScheduler, maxConcurrent: 1, dispose: () => void disposed++ }),
    });
    const bad = solid({
      name: 'bad',
      compute: () => {
        throw new Error('x');
      },
    });
    const p = pipeline({
      name: 'custom_dispose_failure',
      modes: [silentMode({ executors: [custom] })],
      graph: () => {
        bad();
      },
    });
    const result = await execute(p, { raiseOnError: false });
    expect(result.status).toBe('FAILURE');
    expect(disposed).toBe(1);
  });

  it('an executor config without defaults is required in run config', async () => {
    const custom = executor({
      name: 'custom',
      config: z.object({ label: z.string() }),
      create: () => ({ scheduler: asapScheduler, maxConcurrent: 1 }),
    });
    const ok = solid({ name: 'ok', compute: () => 1 });
    const p = pipeline({
      name: 'custom_required_config',
      modes: [silentMode({ executors: [syncExecutor, custom] })],
      graph: () => {
        ok();
      },
    });
    const error = await rejectionOf(execute(p, { runConfig: { execution: { custom: {} } } }));
    expect(error).toBeInstanceOf(InvalidConfigError);
  });

  it('the engine has at most maxConcurrent steps in flight on a custom executor', async () => {
    const custom = executor({ name: 'two_at_a_time', create: () => ({ scheduler: asapScheduler, maxConcurrent: 2 }) });
    const steps = parallelSteps(6);
    const p = pipeline({ name: 'custom_concurrency', modes: [silentMode({ executors: [custom] })], graph: steps.graph });
    await execute(p);
    expect(steps.peak()).toBe(2);
  });

  it('runStep (when given) runs the step elsewhere; its output messages become the outputs', async () => {
    const requests: StepRequest[] = [];
    const remote = executor({
      name: 'remote',
      create: () => ({
        scheduler: asapScheduler,
        maxConcurrent: 1,
        runStep: (request) => {
          requests.push(request);
          const n = (request.inputs['n'] as number | undefined) ?? 0;
          return of({ type: 'output' as const, output: 'result', value: request.solid === 'source' ? 20 : n + 1 });
        },
      }),
    });
    const source = solid({
      name: 'source',
      output: z.number(),
      compute: () => {
        throw new Error('must not run in process');
      },
    });
    const next = solid({
      name: 'next',
      inputs: { n: z.number() },
      output: z.number(),
      compute: () => {
        throw new Error('must not run in process');
      },
    });
    const p = pipeline({
      name: 'remote_steps',
      modes: [silentMode({ executors: [remote] })],
      graph: () => {
        next(source());
      },
    });
    const result = await execute(p);
    expect(result.output('source')).toBe(20);
    expect(result.output('next')).toBe(21);
    expect(requests.map((r) => r.stepKey)).toEqual(['source', 'next']);
    expect(requests[1]?.inputs).toEqual({ n: 20 });
  });

  it('runStep errors fail the step; outputs from runStep are still type-checked by the engine', async () => {
    const remote = executor({
      name: 'remote',
      create: () => ({
        scheduler: asapScheduler,
        maxConcurrent: 1,
        runStep: (request) =>
          request.solid === 'fails'
            ? throwError(() => new Error('remote failed'))
            : from([{ type: 'output' as const, output: 'result', value: 'not a number' }]),
      }),
    });
    const fails = solid({ name: 'fails', compute: () => 1 });
    const typed = solid({ name: 'typed', output: z.number(), compute: () => 1 });
    const p = pipeline({
      name: 'remote_failures',
      modes: [silentMode({ executors: [remote] })],
      graph: () => {
        fails();
        typed();
      },
    });
    const result = await execute(p, { raiseOnError: false });
    expect(result.solid('fails').status).toBe('FAILURE');
    expect(result.solid('fails').error?.message).toContain('remote failed');
    expect(result.solid('typed').status).toBe('FAILURE');
    expect(result.solid('typed').error?.name).toBe('TypeCheckError');
  });
});

describe('maxConcurrent of the built-ins', () => {
  it('async: at most maxConcurrent computes in flight', async () => {
    const steps = parallelSteps(8);
    const p = pipeline({ name: 'async_concurrency', modes: [silentMode()], graph: steps.graph });
    await execute(p, { runConfig: { execution: { async: { config: { maxConcurrent: 3 } } } } });
    expect(steps.peak()).toBe(3);
  });

  // The issue overrides DESIGN's availableParallelism() for async: its steps wait on I/O.
  it('async: maxConcurrent defaults to 16, whatever the core count', async () => {
    const n = 16;
    const steps = parallelSteps(n + 3, 60);
    const p = pipeline({ name: 'async_default_concurrency', modes: [silentMode({ executors: [asyncExecutor] })], graph: steps.graph });
    await execute(p, { runConfig: { execution: { async: {} } } });
    expect(steps.peak()).toBe(n);
  });

  it('sync: one step at a time', async () => {
    const steps = parallelSteps(4, 5);
    const p = pipeline({ name: 'sync_concurrency', modes: [silentMode()], graph: steps.graph });
    await execute(p, { runConfig: { execution: { sync: {} } } });
    expect(steps.peak()).toBe(1);
  });

  it('virtualTime: maxConcurrent bounds steps in flight', async () => {
    const steps = parallelSteps(6, 5);
    const p = pipeline({ name: 'virtual_concurrency', modes: [silentMode()], graph: steps.graph });
    await execute(p, { runConfig: { execution: { virtualTime: { config: { maxConcurrent: 2 } } } } });
    expect(steps.peak()).toBe(2);
  });
});

describe.each(inProcessExecutors)('Outputs handed to more than one consumer are deep-frozen ($name executor)', ({ runConfig }) => {
  it('a consumer mutating its input cannot change the other consumer’s input', async () => {
    const seenByReader: unknown[] = [];
    const mutatorOutcome: string[] = [];
    const produce = solid({ name: 'produce', output: z.unknown(), compute: () => ({ nested: { x: 1 }, list: [1, 2] }) });
    const mutator = solid({
      name: 'mutator',
      inputs: { v: z.unknown() },
      compute: (_c, { v }) => {
        const value = v as { nested: { x: number }; list: number[] };
        try {
          value.nested.x = 2;
          value.list.push(3);
          mutatorOutcome.push('mutated');
        } catch {
          mutatorOutcome.push('threw');
        }
      },
    });
    const reader = solid({
      name: 'reader',
      inputs: { v: z.unknown() },
      compute: (_c, { v }) => {
        const value = v as { nested: { x: number }; list: number[] };
        seenByReader.push(structuredClone(value), Object.isFrozen(value.nested), Object.isFrozen(value.list));
      },
    });
    const p = pipeline({
      name: 'frozen_outputs',
      modes: [silentMode()],
      graph: () => {
        const v = produce();
        mutator(v);
        reader(v);
      },
    });
    const result = await execute(p, { runConfig, raiseOnError: false });
    expect(seenByReader).toEqual([{ nested: { x: 1 }, list: [1, 2] }, true, true]);
    expect(mutatorOutcome).toEqual(['threw']);
    expect(result.output('produce')).toEqual({ nested: { x: 1 }, list: [1, 2] });
  });

  it('assigning into a shared input throws, failing that consumer only (documented)', async () => {
    const produce = solid({ name: 'produce', output: z.unknown(), compute: () => ({ nested: { x: 1 } }) });
    const mutator = solid({
      name: 'mutator',
      inputs: { v: z.unknown() },
      compute: (_c, { v }) => {
        (v as { nested: { x: number } }).nested.x = 99;
      },
    });
    const reader = solid({ name: 'reader', inputs: { v: z.unknown() }, output: z.unknown(), compute: (_c, { v }) => v });
    const p = pipeline({
      name: 'frozen_failure',
      modes: [silentMode()],
      graph: () => {
        const v = produce();
        mutator(v);
        reader(v);
      },
    });
    const result = await execute(p, { runConfig, raiseOnError: false });
    expect(result.solid('mutator').status).toBe('FAILURE');
    expect(result.solid('reader').status).toBe('SUCCESS');
    expect(result.output('reader')).toEqual({ nested: { x: 1 } });
  });
});

describe('All executors give the same outputs for the same pipeline', () => {
  it('sync, async and virtualTime agree on a fan-out/collect pipeline', async () => {
    const numbers = solid({ name: 'numbers', output: z.number(), compute: () => from([3, 1, 2]) });
    const square = solid({
      name: 'square',
      inputs: { n: z.number() },
      output: z.number(),
      compute: async (_c, { n }) => {
        await sleep(3 - n);
        return n * n;
      },
    });
    const total = solid({ name: 'total', inputs: { xs: z.array(z.number()) }, output: z.array(z.number()), compute: (_c, { xs }) => xs });
    const p = pipeline({
      name: 'equivalence',
      modes: [silentMode()],
      graph: () => {
        total(square(numbers()).collect());
      },
    });
    const outputs = [];
    for (const { runConfig } of inProcessExecutors) {
      const result = await execute(p, { runConfig });
      outputs.push({ square: result.solid('square').outputs, total: result.output('total') });
    }
    expect(outputs[0]).toEqual({ square: { result: [9, 1, 4] }, total: [9, 1, 4] });
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  });
});
