/**
 * DESIGN.md, "Semantics in detail" → "Run lifecycle" (start/terminal, errors before start,
 * StepExecutionError, event types, STEP_FAILURE.error, retries, cancel, folding), and the
 * event invariants of "Public API".
 */
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  InvalidSubsetError,
  InvariantViolationError,
  RetryRequested,
  StepExecutionError,
  execute,
  mode,
  pipeline,
  preset,
  resource,
  run,
  solid,
  type Pipeline,
  type RunEvent,
  type RunResult,
} from '../../lib/index.ts';
import {
  aborted,
  deferred,
  eventsOf,
  executors,
  expectInvariants,
  inProcessExecutors,
  memoryMode,
  ofType,
  rejectionOf,
  silentMode,
  sleep,
  stepKeysOf,
  typesOf,
  until,
  virtualTime,
} from '../helpers/index.ts';

/** Resources that write `init <key>` / `teardown <key>` to `journal`. */
function tracked(journal: string[], key: string, deps: readonly string[] = [], failTeardown = false) {
  return resource({
    resources: deps,
    async *init() {
      journal.push(`init ${key}`);
      try {
        yield key;
      } finally {
        journal.push(`teardown ${key}`);
        if (failTeardown) throw new Error(`close of ${key} failed`);
      }
    },
  });
}

class QuotaError extends Error {
  readonly code = 'E_QUOTA';
  readonly limit = 3;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QuotaError';
  }
}

/** A pipeline that exercises most event kinds: a resource, a log, fan-out, a retry, a failure, skips. */
function busyPipeline() {
  const journal: string[] = [];
  const numbers = solid({
    name: 'numbers',
    resources: ['db'],
    output: z.number(),
    compute: (ctx) => {
      ctx.log.info('numbers');
      return from([1, 2, 3]);
    },
  });
  const flaky = solid({
    name: 'flaky',
    inputs: { n: z.number() },
    retry: { maxRetries: 1 },
    output: z.number(),
    compute: (ctx, { n }) => {
      if (ctx.attempt === 1 && n === 2) throw new Error('first try fails');
      return n;
    },
  });
  const boom = solid({
    name: 'boom',
    compute: () => {
      throw new Error('boom');
    },
  });
  const after = solid({ name: 'after', inputs: { x: z.unknown() }, compute: () => undefined });
  const independent = solid({ name: 'independent', output: z.number(), compute: () => 1 });
  const { mode: m, memory } = memoryMode({ resources: { db: tracked(journal, 'db') } });
  const p = pipeline({
    name: 'busy',
    modes: [m],
    graph: () => {
      flaky(numbers());
      after(boom());
      independent();
    },
  });
  return { p, journal, memory };
}

describe.each(executors)('Run lifecycle ($name executor)', ({ runConfig }) => {
  describe('start and end', () => {
    it('the run Observable emits RUN_START first and one terminal event last, then completes (success)', async () => {
      const ok = solid({ name: 'ok', compute: () => 1 });
      const p = pipeline({
        name: 'starts_ends',
        modes: [silentMode()],
        graph: () => {
          ok();
        },
      });
      const seen: RunEvent[] = [];
      let completed = false;
      let errored: unknown;
      await new Promise<void>((resolve) => {
        run(p, { runConfig }).subscribe({
          next: (e) => seen.push(e),
          error: (e) => {
            errored = e;
            resolve();
          },
          complete: () => {
            completed = true;
            resolve();
          },
        });
      });
      expect(errored).toBeUndefined();
      expect(completed).toBe(true);
      expect(seen[0]?.type).toBe('RUN_START');
      expect(seen[seen.length - 1]?.type).toBe('RUN_SUCCESS');
      expect(expectInvariants(seen)).toEqual([]);
    });

    it('it never errors for failures inside a run: a failed step ends in RUN_FAILURE, then complete', async () => {
      const bad = solid({
        name: 'bad',
        compute: () => {
          throw new Error('inside');
        },
      });
      const p = pipeline({
        name: 'no_error_channel',
        modes: [silentMode()],
        graph: () => {
          bad();
        },
      });
      const seen: RunEvent[] = [];
      let completed = false;
      let errored: unknown;
      await new Promise<void>((resolve) => {
        run(p, { runConfig }).subscribe({
          next: (e) => seen.push(e),
          error: (e) => {
            errored = e;
            resolve();
          },
          complete: () => {
            completed = true;
            resolve();
          },
        });
      });
      expect(errored).toBeUndefined();
      expect(completed).toBe(true);
      expect(seen[seen.length - 1]?.type).toBe('RUN_FAILURE');
    });

    it('a resource init failure is inside the run: RUN_FAILURE, not an Observable error', async () => {
      const broken = resource({
        init: () => {
          throw new Error('cannot open');
        },
      });
      const needs = solid({ name: 'needs', resources: ['broken'], compute: () => 1 });
      const p = pipeline({
        name: 'init_failure',
        modes: [silentMode({ resources: { broken } })],
        graph: () => {
          needs();
        },
      });
      const events = await eventsOf(p, { runConfig });
      expect(typesOf(events)).toContain('RESOURCE_INIT_FAILURE');
      expect(events[events.length - 1]?.type).toBe('RUN_FAILURE');
      expect(stepKeysOf(events, 'STEP_START')).toEqual([]);
    });

    it('a resource init failure: no step runs, initialised resources are torn down, execute rejects with stepKey undefined (documented)', async () => {
      const journal: string[] = [];
      const broken = resource({
        resources: ['good'],
        init: () => {
          throw new Error('cannot open broken');
        },
      });
      const needs = solid({ name: 'needs', resources: ['broken'], compute: () => void journal.push('needs ran') });
      const p = pipeline({
        name: 'init_failure_teardown',
        modes: [silentMode({ resources: { good: tracked(journal, 'good'), broken } })],
        graph: () => {
          needs();
        },
      });
      const error = (await rejectionOf(execute(p, { runConfig }))) as StepExecutionError<RunResult>;
      expect(error).toBeInstanceOf(StepExecutionError);
      expect(error.stepKey).toBeUndefined();
      expect((error.cause as Error).message).toBe('cannot open broken');
      expect(journal).toEqual(['init good', 'teardown good']);
      expect(error.result.solid('needs').status).toBe('SKIPPED');
    });
  });

  describe('errors found before the run starts', () => {
    const ok = solid({ name: 'ok', config: z.object({ n: z.number() }), compute: () => 1 });
    // Typed by its names only as `string`: these cases pass names the compiler would refuse.
    const twoModes: Pipeline = pipeline({
      name: 'two_modes',
      modes: [mode({ name: 'a', loggers: {} }), mode({ name: 'b', loggers: {} })],
      presets: [preset({ name: 'in_b', mode: 'b' })],
      graph: () => {
        ok();
      },
    });
    const goodConfig = { solids: { ok: { config: { n: 1 } } } };
    const cases = [
      { what: 'an unknown mode', options: { mode: 'nope', runConfig: goodConfig }, error: InvariantViolationError },
      { what: 'several modes and none chosen', options: { runConfig: goodConfig }, error: InvariantViolationError },
      {
        what: 'invalid run config',
        options: { mode: 'a', runConfig: { solids: { ok: { config: { n: 'x' } } } } },
        error: InvalidConfigError,
      },
      { what: 'an unknown preset', options: { preset: 'ghost', runConfig: goodConfig }, error: InvariantViolationError },
      {
        what: 'a preset whose mode differs from an explicit mode',
        options: { preset: 'in_b', mode: 'a', runConfig: goodConfig },
        error: InvariantViolationError,
      },
      {
        what: 'a selection that matches nothing',
        options: { mode: 'a', runConfig: goodConfig, select: 'nothing_here' },
        error: InvalidSubsetError,
      },
    ] as const;

    it.each(cases)('$what is the Observable error on subscribe, with no event', async ({ options, error }) => {
      const seen: RunEvent[] = [];
      const failure = await new Promise<unknown>((resolve, reject) => {
        run(twoModes, { ...options, runConfig: { ...options.runConfig, ...runConfig } }).subscribe({
          next: (e) => seen.push(e),
          error: resolve,
          complete: () => reject(new Error('completed instead of erroring')),
        });
      });
      expect(failure).toBeInstanceOf(error);
      expect(seen).toEqual([]);
    });

    it.each(cases)('execute rejects with $what unchanged, whatever raiseOnError says', async ({ options, error }) => {
      for (const raiseOnError of [true, false, undefined]) {
        const o = {
          ...options,
          runConfig: { ...options.runConfig, ...runConfig },
          ...(raiseOnError === undefined ? {} : { raiseOnError }),
        };
        const fromExecute = await rejectionOf(execute(twoModes, o));
        expect(fromExecute).toBeInstanceOf(error);
        expect(fromExecute).not.toBeInstanceOf(StepExecutionError);
        const fromRun = await new Promise<unknown>((resolve) =>
          run(twoModes, o).subscribe({ error: resolve, complete: () => resolve(undefined) }),
        );
        expect((fromExecute as Error).message).toBe((fromRun as Error).message);
      }
    });

    it('the error is delivered on subscribe (during the subscribe() call)', () => {
      let delivered: unknown;
      run(twoModes, { mode: 'nope', runConfig: { ...goodConfig, ...runConfig } }).subscribe({
        error: (e) => {
          delivered = e;
        },
      });
      expect(delivered).toBeInstanceOf(InvariantViolationError);
      expect((delivered as Error).message).toContain('a');
      expect((delivered as Error).message).toContain('b');
    });

    it('no step starts (no compute runs) when config is invalid', async () => {
      let calls = 0;
      const counted = solid({ name: 'counted', config: z.object({ n: z.number() }), compute: () => void calls++ });
      const p = pipeline({
        name: 'no_compute',
        modes: [silentMode()],
        graph: () => {
          counted();
        },
      });
      await rejectionOf(execute(p, { runConfig: { ...runConfig, solids: { counted: { config: { n: 'x' } } } } }));
      expect(calls).toBe(0);
    });
  });

  it('execute never throws synchronously', async () => {
    const ok = solid({ name: 'ok', compute: () => 1 });
    const p = pipeline({
      name: 'no_sync_throw',
      modes: [silentMode()],
      graph: () => {
        ok();
      },
    });
    const attempts: Array<() => Promise<unknown>> = [
      () => execute(p, { mode: 'missing', runConfig }),
      () => execute(p, { runConfig: { ...runConfig, solids: { nope: {} } } }),
      () => execute(p, { runConfig: 'not an object' as never }),
      () => execute(undefined as never),
    ];
    for (const attempt of attempts) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = attempt();
      }).not.toThrow();
      expect(promise).toBeInstanceOf(Promise);
      await rejectionOf(promise!);
    }
  });

  describe('StepExecutionError for RUN_FAILURE', () => {
    it('.stepKey is the first failed step, .cause the first error, .result the result; its message includes the cause', async () => {
      const first = new Error('first failure message');
      const failsFirst = solid({
        name: 'fails_first',
        compute: () => {
          throw first;
        },
      });
      const failsLater = solid({
        name: 'fails_later',
        compute: async () => {
          await sleep(20);
          throw new Error('later failure');
        },
      });
      const p = pipeline({
        name: 'first_failure',
        modes: [silentMode()],
        graph: () => {
          failsFirst();
          failsLater();
        },
      });
      const error = await rejectionOf(execute(p, { runConfig }));
      expect(error).toBeInstanceOf(StepExecutionError);
      const e = error as StepExecutionError<RunResult>;
      expect(e.stepKey).toBe('fails_first');
      expect(e.cause).toBe(first);
      expect(e.result.status).toBe('FAILURE');
      expect(e.result.success).toBe(false);
      expect(e.result.solid('fails_later').status).toBe('FAILURE');
      expect(e.message).toContain('first failure message');
    });

    it('raiseOnError: false resolves with the failed result', async () => {
      const bad = solid({
        name: 'bad',
        compute: () => {
          throw new Error('nope');
        },
      });
      const p = pipeline({
        name: 'no_raise',
        modes: [silentMode()],
        graph: () => {
          bad();
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.status).toBe('FAILURE');
      expect(result.success).toBe(false);
      expect(result.solid('bad').status).toBe('FAILURE');
    });
  });

  describe('STEP_FAILURE.error', () => {
    it('is { name, message, stack, cause?, ...fields } of what the compute threw; RunResult.solid(x).error is that error', async () => {
      const thrower = solid({
        name: 'thrower',
        compute: () => {
          throw new QuotaError('quota exceeded', { cause: new Error('upstream said 429') });
        },
      });
      const p = pipeline({
        name: 'error_shape',
        modes: [silentMode()],
        graph: () => {
          thrower();
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      const failure = ofType(result.events, 'STEP_FAILURE')[0]!;
      expect(failure.error.name).toBe('QuotaError');
      expect(failure.error.message).toBe('quota exceeded');
      expect(typeof failure.error.stack).toBe('string');
      expect(failure.error.stack).toContain('quota exceeded');
      expect(failure.error['code']).toBe('E_QUOTA');
      expect(failure.error['limit']).toBe(3);
      expect((failure.error.cause as { message?: string }).message).toBe('upstream said 429');
      expect(JSON.parse(JSON.stringify(failure.error))).toEqual(failure.error);
      expect(result.solid('thrower').error).toEqual(failure.error);
    });

    it('is the TypeCheckError when an output fails its schema', async () => {
      const wrong = solid({ name: 'wrong', output: z.number(), compute: () => 'not a number' as unknown as number });
      const p = pipeline({
        name: 'type_check',
        modes: [silentMode()],
        graph: () => {
          wrong();
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      const failure = ofType(result.events, 'STEP_FAILURE')[0]!;
      expect(failure.error.name).toBe('TypeCheckError');
      expect(result.solid('wrong').error?.name).toBe('TypeCheckError');
    });

    it("a wrapper's message includes its cause's message (StepExecutionError around a TypeCheckError)", async () => {
      const wrong = solid({ name: 'wrong', output: z.number(), compute: () => 'nan' as unknown as number });
      const p = pipeline({
        name: 'wrapper_message',
        modes: [silentMode()],
        graph: () => {
          wrong();
        },
      });
      const error = (await rejectionOf(execute(p, { runConfig }))) as StepExecutionError<RunResult>;
      expect(error).toBeInstanceOf(StepExecutionError);
      expect(error.cause).toBeInstanceOf(Error);
      expect(error.message).toContain((error.cause as Error).message);
    });
  });

  describe('event invariants', () => {
    it('one terminal event, last; each STEP_START has exactly one STEP_SUCCESS or STEP_FAILURE', async () => {
      const { p } = busyPipeline();
      const events = await eventsOf(p, { runConfig });
      expect(expectInvariants(events)).toEqual([]);
      // the retried step still has one STEP_START
      expect(stepKeysOf(events, 'STEP_START').filter((k) => k === 'flaky[1]')).toHaveLength(1);
    });

    it('a step downstream of a failure is STEP_SKIPPED, and independent branches still run', async () => {
      const { p } = busyPipeline();
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.status).toBe('FAILURE');
      const skipped = ofType(result.events, 'STEP_SKIPPED');
      expect(skipped.map((e) => e.stepKey)).toEqual(['after']);
      expect(skipped[0]?.reason).toBe('UPSTREAM_FAILED');
      expect(stepKeysOf(result.events, 'STEP_START')).not.toContain('after');
      expect(result.solid('independent').status).toBe('SUCCESS');
      expect(result.solid('flaky').status).toBe('SUCCESS');
      expect(result.solid('after').status).toBe('SKIPPED');
    });

    for (const outcome of ['success', 'failure'] as const) {
      it(`every initialised resource is torn down exactly once, in reverse order of init, on ${outcome}`, async () => {
        const journal: string[] = [];
        const user = solid({
          name: 'user',
          resources: ['top'],
          compute: () => {
            if (outcome === 'failure') throw new Error('step failed');
          },
        });
        const m = silentMode({
          resources: {
            base: tracked(journal, 'base'),
            middle: tracked(journal, 'middle', ['base']),
            top: tracked(journal, 'top', ['middle']),
          },
        });
        const p = pipeline({
          name: `teardown_${outcome}`,
          modes: [m],
          graph: () => {
            user();
          },
        });
        const events = await eventsOf(p, { runConfig });
        expect(journal).toEqual(['init base', 'init middle', 'init top', 'teardown top', 'teardown middle', 'teardown base']);
        expect(ofType(events, 'RESOURCE_INIT_SUCCESS').map((e) => e.resource)).toEqual(['base', 'middle', 'top']);
        expect(ofType(events, 'RESOURCE_TEARDOWN').map((e) => e.resource)).toEqual(['top', 'middle', 'base']);
        expect(events[events.length - 1]?.type).toBe(outcome === 'success' ? 'RUN_SUCCESS' : 'RUN_FAILURE');
      });
    }

    it('independent resources are torn down in the exact reverse of their init order', async () => {
      const journal: string[] = [];
      const user = solid({ name: 'user', resources: ['c', 'a', 'b'], compute: () => 1 });
      const m = silentMode({ resources: { a: tracked(journal, 'a'), b: tracked(journal, 'b'), c: tracked(journal, 'c') } });
      const p = pipeline({
        name: 'sibling_teardown',
        modes: [m],
        graph: () => {
          user();
        },
      });
      const events = await eventsOf(p, { runConfig });
      const inits = ofType(events, 'RESOURCE_INIT_SUCCESS').map((e) => e.resource);
      expect(inits.slice().sort()).toEqual(['a', 'b', 'c']);
      expect(ofType(events, 'RESOURCE_TEARDOWN').map((e) => e.resource)).toEqual(inits.slice().reverse());
      expect(journal.filter((j) => j.startsWith('teardown')).map((j) => j.slice(9))).toEqual(inits.slice().reverse());
    });

    it('only resources that the selected steps need (transitively) are initialised', async () => {
      const journal: string[] = [];
      const needsTop = solid({ name: 'needs_top', resources: ['top'], compute: () => 1 });
      const needsOther = solid({ name: 'needs_other', resources: ['other'], compute: () => 1 });
      const plain = solid({ name: 'plain', compute: () => 1 });
      const m = silentMode({
        resources: {
          base: tracked(journal, 'base'),
          top: tracked(journal, 'top', ['base']),
          other: tracked(journal, 'other'),
          unused: tracked(journal, 'unused'),
        },
      });
      const p = pipeline({
        name: 'needed_resources',
        modes: [m],
        graph: () => {
          needsTop();
          needsOther();
          plain();
        },
      });
      await execute(p, { runConfig, select: 'needs_top,plain' });
      expect(journal.filter((j) => j.startsWith('init'))).toEqual(['init base', 'init top']);
      journal.length = 0;
      await execute(p, { runConfig, select: 'plain' });
      expect(journal).toEqual([]);
      journal.length = 0;
      await execute(p, { runConfig });
      expect(journal.filter((j) => j.startsWith('init')).sort()).toEqual(['init base', 'init other', 'init top']);
    });

    it('a teardown that throws: the others are still torn down, the error is in its RESOURCE_TEARDOWN, the run ends RUN_FAILURE', async () => {
      const journal: string[] = [];
      const user = solid({ name: 'user', resources: ['first', 'faulty', 'last'], compute: () => 1 });
      const m = silentMode({
        resources: {
          first: tracked(journal, 'first'),
          faulty: tracked(journal, 'faulty', ['first'], true),
          last: tracked(journal, 'last', ['faulty']),
        },
      });
      const p = pipeline({
        name: 'teardown_error',
        modes: [m],
        graph: () => {
          user();
        },
      });
      const events = await eventsOf(p, { runConfig });
      expect(journal.filter((j) => j.startsWith('teardown'))).toEqual(['teardown last', 'teardown faulty', 'teardown first']);
      const teardowns = ofType(events, 'RESOURCE_TEARDOWN');
      expect(teardowns.map((e) => e.resource)).toEqual(['last', 'faulty', 'first']);
      expect(teardowns.find((e) => e.resource === 'faulty')?.error?.message).toContain('close of faulty failed');
      expect(teardowns.find((e) => e.resource === 'first')?.error).toBeUndefined();
      expect(stepKeysOf(events, 'STEP_SUCCESS')).toEqual(['user']);
      expect(events[events.length - 1]?.type).toBe('RUN_FAILURE');
      const error = (await rejectionOf(execute(p, { runConfig }))) as StepExecutionError<RunResult>;
      expect(error).toBeInstanceOf(StepExecutionError);
      expect(error.stepKey).toBeUndefined();
      expect(error.message).toContain('close of faulty failed');
    });
  });

  it('folding events into a result is not quadratic: a 5,000-step chain (20,000+ events) executes', { timeout: 30_000 }, async () => {
    const start = solid({ name: 'start', output: z.number(), compute: () => 0 });
    const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });
    const p = pipeline({
      name: 'long_chain',
      modes: [silentMode()],
      graph: () => {
        let h = start();
        for (let i = 0; i < 5000; i++) h = inc(h);
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.events.length).toBeGreaterThanOrEqual(20_000);
    expect(result.output('inc_5000')).toBe(5000);
    expect(result.solid('inc_2500').status).toBe('SUCCESS');
  });
});

describe.each(inProcessExecutors)('Cancel ($name executor)', ({ runConfig }) => {
  it('the loggers get every event up to RUN_CANCELED, the canceled step included', async () => {
    const { p, started, memory } = blocking();
    const subscription = run(p, { runConfig }).subscribe();
    await started;
    subscription.unsubscribe();
    await until(() => memory.records().some((r) => r['event'] === 'RUN_CANCELED'), 'RUN_CANCELED in the logger');
    const eventLines = memory.records().filter((r) => typeof r['event'] === 'string');
    expect(eventLines[eventLines.length - 1]?.['event']).toBe('RUN_CANCELED');
    expect(eventLines.filter((r) => r['event'] === 'STEP_FAILURE' && r['stepKey'] === 'wait')).toHaveLength(1);
  });

  it('a resource init still running at cancel is allowed to finish, then torn down exactly once (documented)', async () => {
    const journal: string[] = [];
    const initStarted = deferred();
    const release = deferred();
    const slowInit = resource({
      async *init() {
        initStarted.resolve();
        await release.promise;
        journal.push('init slow');
        try {
          yield 'slow';
        } finally {
          journal.push('teardown slow');
        }
      },
    });
    const user = solid({ name: 'user', resources: ['slow'], compute: () => void journal.push('user ran') });
    const { mode: m, memory } = memoryMode({ resources: { slow: slowInit } });
    const p = pipeline({
      name: 'cancel_during_init',
      modes: [m],
      graph: () => {
        user();
      },
    });
    const subscription = run(p, { runConfig }).subscribe();
    await initStarted.promise;
    subscription.unsubscribe();
    release.resolve();
    await until(() => memory.records().some((r) => r['event'] === 'RUN_CANCELED'), 'RUN_CANCELED in the logger');
    await sleep(20);
    expect(journal).toEqual(['init slow', 'teardown slow']);
  });

  function blocking() {
    const journal: string[] = [];
    const started = deferred();
    const signals: AbortSignal[] = [];
    const wait = solid({
      name: 'wait',
      resources: ['second'],
      output: z.number(),
      compute: async (ctx) => {
        signals.push(ctx.signal);
        started.resolve();
        await aborted(ctx.signal);
        journal.push('wait saw abort');
        return 1;
      },
    });
    const later = solid({ name: 'later', inputs: { n: z.number() }, compute: () => void journal.push('later ran') });
    const { mode: m, memory } = memoryMode({
      resources: { first: tracked(journal, 'first'), second: tracked(journal, 'second', ['first']) },
    });
    const p = pipeline({
      name: 'blocking',
      modes: [m],
      graph: () => {
        later(wait());
      },
    });
    return { p, journal, started: started.promise, signals, memory };
  }

  it('after unsubscribe() nothing more is delivered; ctx.signal aborts; resources are torn down; the loggers get RUN_CANCELED', async () => {
    const { p, journal, started, signals, memory } = blocking();
    const seen: RunEvent[] = [];
    let completed = false;
    const subscription = run(p, { runConfig }).subscribe({
      next: (e) => seen.push(e),
      complete: () => {
        completed = true;
      },
    });
    await started;
    const deliveredBefore = seen.length;
    subscription.unsubscribe();
    await until(() => signals[0]!.aborted, 'ctx.signal to abort');
    await until(() => memory.records().some((r) => r['event'] === 'RUN_CANCELED'), 'RUN_CANCELED in the logger');
    await until(() => journal.includes('teardown first'), 'teardown');
    await sleep(20);
    expect(seen.length).toBe(deliveredBefore);
    expect(completed).toBe(false);
    expect(signals[0]!.aborted).toBe(true);
    expect(journal.filter((j) => j.startsWith('teardown'))).toEqual(['teardown second', 'teardown first']);
    expect(journal).not.toContain('later ran');
    expect(memory.records().filter((r) => r['event'] === 'RUN_CANCELED')).toHaveLength(1);
    // the terminal event the loggers got is after the teardown lines (if any were logged)
    expect(memory.records().some((r) => r['event'] === 'RUN_SUCCESS' || r['event'] === 'RUN_FAILURE')).toBe(false);
  });

  it('aborting options.signal ends the stream with RUN_CANCELED, then complete; the loggers get RUN_CANCELED once', async () => {
    const { p, journal, started, memory } = blocking();
    const controller = new AbortController();
    const seen: RunEvent[] = [];
    const done = new Promise<string>((resolve) => {
      run(p, { runConfig, signal: controller.signal }).subscribe({
        next: (e) => seen.push(e),
        error: () => resolve('error'),
        complete: () => resolve('complete'),
      });
    });
    await started;
    controller.abort();
    expect(await done).toBe('complete');
    expect(seen[seen.length - 1]?.type).toBe('RUN_CANCELED');
    expect(expectInvariants(seen)).toEqual([]);
    expect(ofType(seen, 'RESOURCE_TEARDOWN').map((e) => e.resource)).toEqual(['second', 'first']);
    expect(journal).not.toContain('later ran');
    expect(memory.records().filter((r) => r['event'] === 'RUN_CANCELED')).toHaveLength(1);
  });

  it("execute with an aborted signal resolves with status 'CANCELED' under raiseOnError: false; the running step is CANCELED", async () => {
    const { p, started } = blocking();
    const controller = new AbortController();
    const promise = execute(p, { runConfig, signal: controller.signal, raiseOnError: false });
    await started;
    controller.abort();
    const result = await promise;
    expect(result.status).toBe('CANCELED');
    expect(result.success).toBe(false);
    expect(result.solid('wait').status).toBe('CANCELED');
  });

  it('execute with an aborted signal otherwise rejects with StepExecutionError (result.status CANCELED)', async () => {
    const { p, started } = blocking();
    const controller = new AbortController();
    const promise = execute(p, { runConfig, signal: controller.signal });
    await started;
    controller.abort();
    const error = await rejectionOf(promise);
    expect(error).toBeInstanceOf(StepExecutionError);
    expect((error as StepExecutionError<RunResult>).result.status).toBe('CANCELED');
  });

  it('a cancel while a retry waits: no further attempt; the step still has exactly one STEP_SUCCESS or STEP_FAILURE', async () => {
    let calls = 0;
    const retried = deferred();
    const slowRetry = solid({
      name: 'slow_retry',
      retry: { maxRetries: 3, delayMs: 60_000 },
      compute: () => {
        calls++;
        throw new Error('try later');
      },
    });
    const p = pipeline({
      name: 'cancel_retry',
      modes: [silentMode()],
      graph: () => {
        slowRetry();
      },
    });
    const controller = new AbortController();
    const seen: RunEvent[] = [];
    const done = new Promise<void>((resolve) => {
      run(p, { runConfig, signal: controller.signal }).subscribe({
        next: (e) => {
          seen.push(e);
          if (e.type === 'STEP_RETRY') retried.resolve();
        },
        complete: () => resolve(),
        error: () => resolve(),
      });
    });
    await retried.promise;
    controller.abort();
    await done;
    expect(calls).toBe(1);
    expect(seen[seen.length - 1]?.type).toBe('RUN_CANCELED');
    expect(expectInvariants(seen)).toEqual([]);
  });

  it('unsubscribing from inside next() stops the run: no further step starts, the loggers get RUN_CANCELED', async () => {
    const journal: string[] = [];
    const a = solid({
      name: 'a',
      output: z.number(),
      compute: () => {
        journal.push('a ran');
        return 1;
      },
    });
    const b = solid({
      name: 'b',
      inputs: { n: z.number() },
      output: z.number(),
      compute: (_c, { n }) => {
        journal.push('b ran');
        return n;
      },
    });
    const c = solid({ name: 'c', inputs: { n: z.number() }, compute: () => void journal.push('c ran') });
    const { mode: m, memory } = memoryMode({ resources: { r: tracked(journal, 'r') } });
    const usesR = solid({ name: 'uses_r', resources: ['r'], compute: () => undefined });
    const p = pipeline({
      name: 'unsubscribe_in_next',
      modes: [m],
      graph: () => {
        c(b(a()));
        usesR();
      },
    });
    const seen: RunEvent[] = [];
    let subscription: { unsubscribe(): void } | undefined;
    let count = -1;
    subscription = run(p, { runConfig }).subscribe((e) => {
      seen.push(e);
      if (e.type === 'STEP_SUCCESS' && e.stepKey === 'a') {
        count = seen.length;
        subscription?.unsubscribe();
      }
    });
    // With everything synchronous the subscription object exists only once subscribe() returns.
    if (count >= 0 && seen.length === count) subscription.unsubscribe();
    else if (count >= 0) count = seen.length;
    await until(() => count >= 0, 'STEP_SUCCESS of a');
    await until(() => memory.records().some((r) => r['event'] === 'RUN_CANCELED'), 'RUN_CANCELED in the logger');
    await sleep(20);
    expect(seen.length).toBe(count);
    expect(seen[seen.length - 1]).toMatchObject({ type: 'STEP_SUCCESS', stepKey: 'a' });
    expect(journal).not.toContain('c ran');
    expect(journal.filter((j) => j === 'teardown r').length).toBeLessThanOrEqual(1);
    expect(journal.filter((j) => j.startsWith('init')).length).toBe(journal.filter((j) => j.startsWith('teardown')).length);
  });

  it('a signal already aborted when the run starts gives RUN_START, RUN_CANCELED and no step (documented)', async () => {
    const { p, journal } = blocking();
    const controller = new AbortController();
    controller.abort();
    const events = await eventsOf(p, { runConfig, signal: controller.signal });
    expect(events[0]?.type).toBe('RUN_START');
    expect(events[events.length - 1]?.type).toBe('RUN_CANCELED');
    expect(stepKeysOf(events, 'STEP_START')).toEqual([]);
    expect(journal.filter((j) => j.startsWith('init'))).toEqual([]);
  });

  it('a canceled step gets STEP_FAILURE with canceled: true and a RunCanceledError; ctx.signal.reason is a RunCanceledError (documented)', async () => {
    const { p, started, signals } = blocking();
    const controller = new AbortController();
    const promise = execute(p, { runConfig, signal: controller.signal, raiseOnError: false });
    await started;
    controller.abort();
    const result = await promise;
    const failure = ofType(result.events, 'STEP_FAILURE').find((e) => e.stepKey === 'wait');
    expect(failure?.canceled).toBe(true);
    expect(failure?.error.name).toBe('RunCanceledError');
    expect((signals[0]!.reason as Error).name).toBe('RunCanceledError');
    const terminal = result.events[result.events.length - 1];
    expect(terminal?.type).toBe('RUN_CANCELED');
  });

  it('a canceled run stays RUN_CANCELED even if a teardown throws; the error is in its RESOURCE_TEARDOWN (documented)', async () => {
    const journal: string[] = [];
    const started = deferred();
    const wait = solid({
      name: 'wait',
      resources: ['faulty'],
      compute: async (ctx) => {
        started.resolve();
        await aborted(ctx.signal);
      },
    });
    const p = pipeline({
      name: 'cancel_teardown_error',
      modes: [silentMode({ resources: { faulty: tracked(journal, 'faulty', [], true) } })],
      graph: () => {
        wait();
      },
    });
    const controller = new AbortController();
    const promise = eventsOf(p, { runConfig, signal: controller.signal });
    await started.promise;
    controller.abort();
    const events = await promise;
    expect(events[events.length - 1]?.type).toBe('RUN_CANCELED');
    expect(ofType(events, 'RESOURCE_TEARDOWN')[0]?.error?.message).toContain('close of faulty failed');
  });

  it('a compute that ignores ctx.signal gets only a short grace period; the run still ends', async () => {
    const started = deferred();
    const stubborn = solid({
      name: 'stubborn',
      compute: async () => {
        started.resolve();
        await sleep(20_000);
      },
    });
    const p = pipeline({
      name: 'stubborn',
      modes: [silentMode()],
      graph: () => {
        stubborn();
      },
    });
    const controller = new AbortController();
    const t0 = Date.now();
    const promise = execute(p, { runConfig, signal: controller.signal, raiseOnError: false });
    await started.promise;
    controller.abort();
    const result = await promise;
    expect(result.status).toBe('CANCELED');
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});

describe.each(inProcessExecutors)('Retries ($name executor)', ({ runConfig }) => {
  it('one STEP_START; STEP_RETRY (with attempt) per failed attempt that will be retried; then one STEP_SUCCESS', async () => {
    const attempts: number[] = [];
    const flaky = solid({
      name: 'flaky',
      retry: { maxRetries: 3 },
      output: z.number(),
      compute: (ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} failed`);
        return 42;
      },
    });
    const p = pipeline({
      name: 'retry_success',
      modes: [silentMode()],
      graph: () => {
        flaky();
      },
    });
    const result = await execute(p, { runConfig });
    const steps = result.events.filter((e) => e.type.startsWith('STEP_') && e.type !== 'STEP_OUTPUT' && e.type !== 'STEP_INPUT');
    expect(typesOf(steps)).toEqual(['STEP_START', 'STEP_RETRY', 'STEP_RETRY', 'STEP_SUCCESS']);
    expect(ofType(result.events, 'STEP_RETRY').map((e) => [e.attempt, e.error.message])).toEqual([
      [1, 'attempt 1 failed'],
      [2, 'attempt 2 failed'],
    ]);
    expect(attempts).toEqual([1, 2, 3]);
    expect(result.output('flaky')).toBe(42);
  });

  it('when retries run out: STEP_RETRY per retried attempt, then exactly one STEP_FAILURE with the last error', async () => {
    let calls = 0;
    const hopeless = solid({
      name: 'hopeless',
      retry: { maxRetries: 2 },
      compute: (ctx) => {
        calls++;
        throw new Error(`failure ${ctx.attempt}`);
      },
    });
    const p = pipeline({
      name: 'retry_exhausted',
      modes: [silentMode()],
      graph: () => {
        hopeless();
      },
    });
    const result = await execute(p, { runConfig, raiseOnError: false });
    expect(calls).toBe(3);
    expect(ofType(result.events, 'STEP_START')).toHaveLength(1);
    expect(ofType(result.events, 'STEP_RETRY').map((e) => e.attempt)).toEqual([1, 2]);
    const failures = ofType(result.events, 'STEP_FAILURE');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.error.message).toBe('failure 3');
    expect(failures[0]?.attempt).toBe(3);
    expect(ofType(result.events, 'STEP_SUCCESS')).toHaveLength(0);
  });

  it('RetryRequested is a failure only once retries run out (no policy: one retry)', async () => {
    const attempts: number[] = [];
    const asksOnce = solid({
      name: 'asks_once',
      output: z.number(),
      compute: (ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt === 1) throw new RetryRequested();
        return 7;
      },
    });
    const asksAlways = solid({
      name: 'asks_always',
      compute: () => {
        throw new RetryRequested();
      },
    });
    const p = pipeline({
      name: 'retry_requested',
      modes: [silentMode()],
      graph: () => {
        asksOnce();
        asksAlways();
      },
    });
    const result = await execute(p, { runConfig, raiseOnError: false });
    expect(attempts).toEqual([1, 2]);
    expect(result.solid('asks_once').status).toBe('SUCCESS');
    expect(result.output('asks_once')).toBe(7);
    expect(result.solid('asks_always').status).toBe('FAILURE');
    expect(result.solid('asks_always').error?.name).toBe('RetryRequested');
    expect(ofType(result.events, 'STEP_RETRY').filter((e) => e.stepKey === 'asks_always')).toHaveLength(1);
  });

  it('RetryRequested({ maxRetries }) asks for up to that many retries', async () => {
    const attempts: number[] = [];
    const patient = solid({
      name: 'patient',
      output: z.number(),
      compute: (ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 4) throw new RetryRequested({ maxRetries: 3 });
        return ctx.attempt;
      },
    });
    const p = pipeline({
      name: 'retry_requested_count',
      modes: [silentMode()],
      graph: () => {
        patient();
      },
    });
    const result = await execute(p, { runConfig });
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(result.output('patient')).toBe(4);
    expect(ofType(result.events, 'STEP_START')).toHaveLength(1);
  });

  it('an output failing its schema fails the attempt and is retried; an input failing its schema is not (documented)', async () => {
    const attempts: number[] = [];
    const wrongFirst = solid({
      name: 'wrong_first',
      retry: { maxRetries: 2 },
      output: z.number(),
      compute: (ctx) => {
        attempts.push(ctx.attempt);
        return (ctx.attempt === 1 ? 'nope' : 5) as number;
      },
    });
    let inputCalls = 0;
    const badInput = solid({ name: 'bad_input', inputs: { s: z.string() }, retry: { maxRetries: 2 }, compute: () => void inputCalls++ });
    const makesNumber = solid({ name: 'makes_number', output: z.unknown(), compute: () => 1 });
    const p = pipeline({
      name: 'retry_type_checks',
      modes: [silentMode()],
      graph: () => {
        wrongFirst();
        badInput({ s: makesNumber() as never });
      },
    });
    const result = await execute(p, { runConfig, raiseOnError: false });
    expect(attempts).toEqual([1, 2]);
    expect(result.output('wrong_first')).toBe(5);
    expect(
      ofType(result.events, 'STEP_RETRY')
        .filter((e) => e.stepKey === 'wrong_first')
        .map((e) => e.error.name),
    ).toEqual(['TypeCheckError']);
    expect(inputCalls).toBe(0);
    expect(ofType(result.events, 'STEP_RETRY').filter((e) => e.stepKey === 'bad_input')).toEqual([]);
    expect(result.solid('bad_input').error?.name).toBe('TypeCheckError');
  });

  it('the downstream sees only the value of the attempt that succeeded (documented)', async () => {
    const flaky = solid({
      name: 'flaky',
      retry: { maxRetries: 1 },
      output: z.number(),
      compute: async function* (ctx) {
        yield ctx.attempt * 100;
        if (ctx.attempt === 1) throw new Error('after emitting');
      },
    });
    const seen: number[] = [];
    const sink = solid({ name: 'sink', inputs: { n: z.number() }, compute: (_c, { n }) => void seen.push(n) });
    const p = pipeline({
      name: 'retry_values',
      modes: [silentMode()],
      graph: () => {
        sink(flaky());
      },
    });
    const result = await execute(p, { runConfig });
    expect(seen).toEqual([200]);
    expect(result.solid('flaky').outputs['result']).toEqual([200]);
  });
});

describe('Retry delays (virtualTime timestamps)', () => {
  function alwaysFailing(retry: { maxRetries: number; delayMs?: number; backoff?: 'fixed' | 'exponential' }) {
    const failing = solid({
      name: 'failing',
      retry,
      compute: () => {
        throw new Error('down');
      },
    });
    return pipeline({
      name: 'delays',
      modes: [silentMode()],
      graph: () => {
        failing();
      },
    });
  }
  /** Times of the failed attempts (STEP_RETRY…, then STEP_FAILURE), relative to STEP_START. */
  function attemptTimes(events: readonly RunEvent[]): number[] {
    const start = ofType(events, 'STEP_START')[0]!.timestamp;
    return events.filter((e) => e.type === 'STEP_RETRY' || e.type === 'STEP_FAILURE').map((e) => e.timestamp - start);
  }

  it("backoff 'fixed' (the default) waits delayMs before each retry", async () => {
    const result = await execute(alwaysFailing({ maxRetries: 3, delayMs: 1000 }), { runConfig: virtualTime, raiseOnError: false });
    expect(attemptTimes(result.events)).toEqual([0, 1000, 2000, 3000]);
    expect(ofType(result.events, 'STEP_RETRY').map((e) => e.delayMs)).toEqual([1000, 1000, 1000]);
  });

  it("backoff 'exponential' waits delayMs × 2^(attempt − 1)", async () => {
    const result = await execute(alwaysFailing({ maxRetries: 3, delayMs: 1000, backoff: 'exponential' }), {
      runConfig: virtualTime,
      raiseOnError: false,
    });
    expect(attemptTimes(result.events)).toEqual([0, 1000, 3000, 7000]);
    expect(ofType(result.events, 'STEP_RETRY').map((e) => e.delayMs)).toEqual([1000, 2000, 4000]);
  });

  it('delayMs defaults to 0', async () => {
    const result = await execute(alwaysFailing({ maxRetries: 2 }), { runConfig: virtualTime, raiseOnError: false });
    expect(attemptTimes(result.events)).toEqual([0, 0, 0]);
    expect(ofType(result.events, 'STEP_RETRY').map((e) => e.delayMs)).toEqual([0, 0]);
  });

  it("RetryRequested's delayMs overrides the policy's", async () => {
    const asks = solid({
      name: 'asks',
      retry: { maxRetries: 2, delayMs: 1000 },
      compute: () => {
        throw new RetryRequested({ delayMs: 250 });
      },
    });
    const p = pipeline({
      name: 'requested_delay',
      modes: [silentMode()],
      graph: () => {
        asks();
      },
    });
    const result = await execute(p, { runConfig: virtualTime, raiseOnError: false });
    expect(ofType(result.events, 'STEP_RETRY').map((e) => e.delayMs)).toEqual([250, 250]);
    expect(attemptTimes(result.events)).toEqual([0, 250, 500]);
  });

  it('exponential backoff applies to a RetryRequested delay too (documented)', async () => {
    const asks = solid({
      name: 'asks',
      retry: { maxRetries: 3, backoff: 'exponential' },
      compute: () => {
        throw new RetryRequested({ delayMs: 100 });
      },
    });
    const p = pipeline({
      name: 'requested_exponential',
      modes: [silentMode()],
      graph: () => {
        asks();
      },
    });
    const result = await execute(p, { runConfig: virtualTime, raiseOnError: false });
    expect(ofType(result.events, 'STEP_RETRY').map((e) => e.delayMs)).toEqual([100, 200, 400]);
  });

  it('delays are virtual under virtualTime: an hour-long backoff takes no wall time', async () => {
    const t0 = Date.now();
    const result = await execute(alwaysFailing({ maxRetries: 2, delayMs: 3_600_000 }), { runConfig: virtualTime, raiseOnError: false });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(attemptTimes(result.events)).toEqual([0, 3_600_000, 7_200_000]);
  });
});
