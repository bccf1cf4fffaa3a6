import {
  catchError,
  defer,
  firstValueFrom,
  from,
  lastValueFrom,
  map,
  Observable,
  of,
  range,
  reduce,
  retry,
  Subject,
  take,
  timer,
  toArray,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  asOperator,
  InvalidConfigError,
  InvalidDefinitionError,
  memoryLogger,
  mode,
  resource,
  RetryRequested,
  solid,
  StepExecutionError,
  TypeCheckError,
  type SolidContext,
} from '../../../lib/index.ts';

const valuesOf = <T>(source: Observable<T>): Promise<T[]> => lastValueFrom(source.pipe(toArray()), { defaultValue: [] as T[] });

function errorOf(source: Observable<unknown>): Promise<unknown> {
  return lastValueFrom(source).then(
    () => {
      throw new Error('completed instead of erroring');
    },
    (error: unknown) => error,
  );
}

const marbles = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n * 2 });

/** A resource that records its life in `log`. */
function recorded(log: string[], name = 'db') {
  return resource({
    config: z.object({ prefix: z.string().default('') }),
    async *init({ config }) {
      log.push(`init ${name}${config.prefix ? ` ${config.prefix}` : ''}`);
      try {
        yield { label: (n: number) => `${config.prefix}${n}` };
      } finally {
        log.push(`teardown ${name}`);
      }
    },
  });
}

describe('asOperator: values in, values out', () => {
  it('a solid with one input takes the bare value and emits its output, in order', async () => {
    expect(await valuesOf(of(1, 2, 3).pipe(asOperator(double)))).toEqual([2, 4, 6]);
  });

  it('several inputs take an object keyed by input name; none take any value as a trigger', async () => {
    const add = solid({ name: 'add', inputs: { a: z.number(), b: z.number() }, output: z.number(), compute: (_c, { a, b }) => a + b });
    expect(await valuesOf(of({ a: 1, b: 2 }, { a: 3, b: 4 }).pipe(asOperator(add)))).toEqual([3, 7]);
    let calls = 0;
    const tick = solid({ name: 'tick', output: z.number(), compute: () => ++calls });
    expect(await valuesOf(of('x', null, undefined).pipe(asOperator(tick)))).toEqual([1, 2, 3]);
  });

  it('emits every value a compute emits; several outputs as { [output]: value }, one object per value', async () => {
    const upTo = solid({
      name: 'up_to',
      inputs: { n: z.number() },
      output: z.number(),
      compute: (_c, { n }) => range(1, n),
    });
    expect(await valuesOf(of(2, 3).pipe(asOperator(upTo)))).toEqual([1, 2, 1, 2, 3]);
    const split = solid({
      name: 'split',
      inputs: { n: z.number() },
      outputs: { even: z.number(), odd: z.number(), half: z.number() },
      compute: (_c, { n }) => (n % 2 === 0 ? { even: n, half: n / 2 } : { odd: n }),
    });
    expect(await valuesOf(of(1, 4).pipe(asOperator(split)))).toEqual([{ odd: 1 }, { even: 4 }, { half: 2 }]);
  });

  it('gives each value a step: ctx.stepKey <solid>[i], one runId per subscription', async () => {
    const seen: Pick<SolidContext, 'stepKey' | 'solid' | 'runId' | 'mode' | 'attempt' | 'pipelineName'>[] = [];
    const look = solid({
      name: 'look',
      compute: (ctx) => {
        seen.push({
          stepKey: ctx.stepKey,
          solid: ctx.solid,
          runId: ctx.runId,
          mode: ctx.mode,
          attempt: ctx.attempt,
          pipelineName: ctx.pipelineName,
        });
      },
    });
    const looking = of(1, 2).pipe(asOperator(look.alias('looker')));
    await valuesOf(looking);
    await valuesOf(looking);
    expect(seen.map((s) => s.stepKey)).toEqual(['looker[0]', 'looker[1]', 'looker[0]', 'looker[1]']);
    expect(seen.every((s) => s.solid === 'looker' && s.mode === 'default' && s.attempt === 1)).toBe(true);
    expect(seen[0]!.pipelineName).toBe('as_operator_looker');
    expect(seen[0]!.runId).toBe(seen[1]!.runId);
    expect(seen[0]!.runId).not.toBe(seen[2]!.runId);
  });

  it('drains a long queue of synchronous computes at constant stack depth', async () => {
    let first = true;
    const inc = solid({
      name: 'inc',
      inputs: { n: z.number() },
      output: z.number(),
      // The first compute waits, so the other 100,000 values queue up behind it.
      compute: (_c, { n }) => {
        if (!first) return n + 1;
        first = false;
        return Promise.resolve(n + 1);
      },
    });
    const sum = await lastValueFrom(
      range(0, 100_000).pipe(
        asOperator(inc),
        reduce((a, b) => a + b, 0),
      ),
    );
    expect(sum).toBe((100_000 * 100_001) / 2);
  });
});

describe('asOperator: checks and failures', () => {
  it('an input that fails its schema errors the stream with TypeCheckError, without retries', async () => {
    let calls = 0;
    const counted = solid({
      name: 'counted',
      retry: { maxRetries: 3 },
      inputs: { n: z.number() },
      compute: () => void calls++,
    });
    const error = await errorOf(of('one' as unknown as number).pipe(asOperator(counted)));
    expect(error).toBeInstanceOf(TypeCheckError);
    expect(error).toMatchObject({ solid: 'counted', stepKey: 'counted[0]', direction: 'input', port: 'n' });
    expect(calls).toBe(0);
  });

  it('several inputs given something other than an object is a TypeCheckError naming them', async () => {
    const add = solid({ name: 'add', inputs: { a: z.number(), b: z.number() }, compute: () => 0 });
    const error = await errorOf(of(1 as unknown as { a: number; b: number }).pipe(asOperator(add)));
    expect(error).toBeInstanceOf(TypeCheckError);
    expect((error as Error).message).toMatch(/several inputs \(a, b\), so each value must be an object keyed by input name; got number/);
  });

  it('schemas transform what passes: the compute gets, and the stream emits, their outputs', async () => {
    const parse = solid({
      name: 'parse',
      inputs: { text: z.string().transform((s) => s.trim()) },
      output: z.string().transform((s) => s.length),
      compute: (_c, { text }) => text,
    });
    expect(await valuesOf(of('  ab ').pipe(asOperator(parse)))).toEqual([2]);
  });

  it('an output that fails its schema is retried under the policy, then errors the stream with TypeCheckError', async () => {
    const attempts: number[] = [];
    const bad = solid({
      name: 'bad',
      retry: { maxRetries: 1 },
      output: z.number(),
      compute: (ctx) => {
        attempts.push(ctx.attempt);
        return 'not a number' as unknown as number;
      },
    });
    const error = await errorOf(of(1).pipe(asOperator(bad)));
    expect(error).toBeInstanceOf(TypeCheckError);
    expect(error).toMatchObject({ direction: 'output', port: 'result', stepKey: 'bad[0]' });
    expect(attempts).toEqual([1, 2]);
  });

  it("a compute's failure, once retries run out, errors the stream with StepExecutionError carrying the error", async () => {
    const thrown = new RangeError('out of range');
    const attempts: number[] = [];
    const failing = solid({
      name: 'failing',
      retry: { maxRetries: 2 },
      compute: (ctx) => {
        attempts.push(ctx.attempt);
        throw thrown;
      },
    });
    const seen: unknown[] = [];
    const error = await errorOf(
      of(1, 2).pipe(
        asOperator(failing),
        map((v) => seen.push(v)),
      ),
    );
    expect(error).toBeInstanceOf(StepExecutionError);
    expect((error as StepExecutionError).cause).toBe(thrown);
    expect((error as StepExecutionError).stepKey).toBe('failing[0]');
    expect((error as Error).message).toBe('asOperator(solid "failing"): step failing[0] failed after 3 attempts: RangeError: out of range');
    expect(attempts).toEqual([1, 2, 3]);
    expect(seen).toEqual([]);
  });

  it('RetryRequested asks for another attempt; a success then goes on', async () => {
    const flaky = solid({
      name: 'flaky',
      output: z.number(),
      compute: (ctx) => {
        if (ctx.attempt === 1) throw new RetryRequested();
        return ctx.attempt;
      },
    });
    expect(await valuesOf(of(1, 2).pipe(asOperator(flaky)))).toEqual([2, 2]);
  });

  it('so retry() and catchError() work on it', async () => {
    let subscriptions = 0;
    const once = solid({
      name: 'once',
      inputs: { n: z.number() },
      output: z.number(),
      compute: (_c, { n }) => {
        if (subscriptions === 1) throw new Error('first subscription fails');
        return n;
      },
    });
    const source = defer(() => {
      subscriptions++;
      return of(7);
    });
    expect(await valuesOf(source.pipe(asOperator(once), retry(1)))).toEqual([7]);
    const failing = solid({ name: 'failing', compute: () => Promise.reject(new Error('nope')) });
    const handled = await firstValueFrom(
      of(1).pipe(
        asOperator(failing),
        catchError((error: unknown) => of(error instanceof StepExecutionError ? 'handled' : 'other')),
      ),
    );
    expect(handled).toBe('handled');
  });

  it('the source erroring errors the stream with its error, after teardown', async () => {
    const log: string[] = [];
    const uses = solid({ name: 'uses', inputs: { n: z.number() }, resources: ['db'], compute: () => undefined });
    const failure = new Error('source broke');
    const source = new Observable<number>((s) => {
      s.next(1);
      s.error(failure);
    });
    const error = await errorOf(source.pipe(asOperator(uses, { resources: { db: recorded(log) } })));
    expect(error).toBe(failure);
    expect(log).toEqual(['init db', 'teardown db']);
  });
});

describe('asOperator: timing (marbles)', () => {
  const slow = solid({
    name: 'slow',
    inputs: { ms: z.number() },
    output: z.number(),
    compute: (ctx, { ms }) => timer(ms, ctx.scheduler).pipe(map(() => ms)),
  });

  it('concurrency 1 (the default) keeps the order of the source, like concatMap', () => {
    marbles().run(({ cold, expectObservable }) => {
      const out = cold('(ab|)', { a: 30, b: 10 }).pipe(asOperator(slow));
      expectObservable(out).toBe('30ms a 9ms (b|)', { a: 30, b: 10 });
    });
  });

  it('concurrency 2 runs two at once and emits as they finish, like mergeMap', () => {
    marbles().run(({ cold, expectObservable }) => {
      const out = cold('(ab|)', { a: 30, b: 10 }).pipe(asOperator(slow, { concurrency: 2 }));
      expectObservable(out).toBe('10ms b 19ms (a|)', { a: 30, b: 10 });
    });
  });

  it("waits the retry policy's delays, one value after another", () => {
    const flaky = solid({
      name: 'flaky',
      inputs: { n: z.number() },
      output: z.number(),
      retry: { maxRetries: 2, delayMs: 10 },
      compute: (ctx, { n }) => {
        if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt}`);
        return n * 2;
      },
    });
    marbles().run(({ cold, expectObservable }) => {
      const out = cold('a-b|', { a: 1, b: 2 }).pipe(asOperator(flaky));
      expectObservable(out).toBe('20ms a 19ms (b|)', { a: 2, b: 4 });
    });
  });
});

describe('asOperator: resources, config, logs', () => {
  it('initialises resources before subscribing to the source and tears them down once, before complete', async () => {
    const log: string[] = [];
    const uses = solid({
      name: 'uses',
      inputs: { n: z.number() },
      output: z.string(),
      resources: ['db', 'tick'],
      compute: (ctx, { n }) => `${(ctx.resources.db as { label(n: number): string }).label(n)}@${ctx.resources.tick as number}`,
    });
    const source = defer(() => {
      log.push('source subscribed');
      return of(1, 2);
    });
    const out = await valuesOf(
      source.pipe(
        asOperator(uses, { resources: { db: recorded(log), tick: 5 }, runConfig: { resources: { db: { config: { prefix: '#' } } } } }),
        map((v) => {
          log.push(`value ${v}`);
          return v;
        }),
      ),
    );
    expect(out).toEqual(['#1@5', '#2@5']);
    expect(log).toEqual(['init db #', 'source subscribed', 'value #1@5', 'value #2@5', 'teardown db']);
  });

  it("takes mode's resources, the given ones winning key by key", async () => {
    const log: string[] = [];
    const uses = solid({
      name: 'uses',
      resources: ['db', 'tick'],
      compute: (ctx) => `${(ctx.resources.db as { label(n: number): string }).label(1)}/${ctx.resources.tick as number}`,
    });
    const prod = mode({ name: 'prod', resources: { db: recorded(log, 'prod_db'), tick: resource({ init: () => 1 }) }, loggers: {} });
    expect(await valuesOf(of(0).pipe(asOperator(uses, { mode: prod, resources: { tick: 2 } })))).toEqual(['1/2']);
    expect(log).toEqual(['init prod_db', 'teardown prod_db']);
  });

  it('tears down once on unsubscribe, after aborting ctx.signal of running computes and letting them settle', async () => {
    const log: string[] = [];
    const waits = solid({
      name: 'waits',
      resources: ['db'],
      compute: (ctx) =>
        new Promise((resolve) => {
          log.push('compute started');
          ctx.signal.addEventListener('abort', () => {
            log.push(`aborted: ${(ctx.signal.reason as Error).name}`);
            setTimeout(() => {
              log.push('compute settled');
              resolve(undefined);
            }, 5);
          });
        }),
    });
    const subscription = of(1)
      .pipe(asOperator(waits, { resources: { db: recorded(log) } }))
      .subscribe();
    await until(() => log.includes('compute started'));
    subscription.unsubscribe();
    await until(() => log.includes('teardown db'));
    expect(log).toEqual(['init db', 'compute started', 'aborted: RunCanceledError', 'compute settled', 'teardown db']);
  });

  it('tears down once when a downstream take() ends the stream early', async () => {
    const log: string[] = [];
    const uses = solid({ name: 'uses', inputs: { n: z.number() }, output: z.number(), resources: ['db'], compute: (_c, { n }) => n });
    expect(await valuesOf(from([1, 2, 3]).pipe(asOperator(uses, { resources: { db: recorded(log) } }), take(1)))).toEqual([1]);
    await until(() => log.includes('teardown db'));
    expect(log).toEqual(['init db', 'teardown db']);
  });

  it('a resource that fails to initialise errors the stream; the source is never subscribed', async () => {
    let subscribed = false;
    const broken = resource({
      init: () => {
        throw new Error('cannot connect');
      },
    });
    const uses = solid({ name: 'uses', resources: ['db'], compute: () => 1 });
    const error = await errorOf(defer(() => ((subscribed = true), of(1))).pipe(asOperator(uses, { resources: { db: broken } })));
    expect(error).toBeInstanceOf(StepExecutionError);
    expect((error as Error).message).toBe('asOperator(solid "uses"): resource "db" failed to initialise: Error: cannot connect');
    expect(subscribed).toBe(false);
  });

  it('a teardown that fails errors the stream in place of complete', async () => {
    const closing = resource({
      async *init() {
        yield 1;
        throw new Error('lost writes');
      },
    });
    const uses = solid({ name: 'uses', resources: ['db'], compute: () => 1 });
    const seen: unknown[] = [];
    const error = await errorOf(
      of(1).pipe(
        asOperator(uses, { resources: { db: closing } }),
        map((v) => seen.push(v)),
      ),
    );
    expect(seen).toEqual([1]);
    expect((error as Error).message).toBe('asOperator(solid "uses"): resource "db" failed to tear down: Error: lost writes');
  });

  it('is cold: each subscription has its own resources', async () => {
    const log: string[] = [];
    const uses = solid({ name: 'uses', resources: ['db'], compute: () => 1 });
    const operator = of(1).pipe(asOperator(uses, { resources: { db: recorded(log) } }));
    await Promise.all([valuesOf(operator), valuesOf(operator)]);
    expect(log.filter((l) => l === 'init db')).toHaveLength(2);
    expect(log.filter((l) => l === 'teardown db')).toHaveLength(2);
  });

  it('reads config from config or runConfig.solids.<name>.config, config winning, parsed strictly', async () => {
    const scaled = solid({
      name: 'scaled',
      inputs: { n: z.number() },
      output: z.number(),
      config: z.object({ factor: z.number(), offset: z.number().default(0) }),
      compute: (ctx, { n }) => n * ctx.config.factor + ctx.config.offset,
    });
    const runConfig = { solids: { scaled: { config: { factor: 10, offset: 1 } } } };
    expect(await valuesOf(of(1).pipe(asOperator(scaled, { runConfig })))).toEqual([11]);
    expect(await valuesOf(of(1).pipe(asOperator(scaled, { runConfig, config: { factor: 3 } })))).toEqual([3]);
    const error = await errorOf(of(1).pipe(asOperator(scaled, { config: { factor: 'x', ofset: 1 } })));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).issues.map((i) => i.path)).toEqual([
      ['config', 'factor'],
      ['config', 'ofset'],
    ]);
  });

  it('refuses execution and solids.<name>.inputs in run config, with every other issue', async () => {
    const error = await errorOf(
      of(1).pipe(
        asOperator(double, {
          runConfig: { execution: { sync: {} }, solids: { double: { inputs: { n: { value: 1 } } } }, loggers: { console: {} } },
        }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidConfigError);
    const paths = (error as InvalidConfigError).issues.map((i) => i.path.join('.'));
    expect(paths).toContain('execution');
    expect(paths).toContain('solids.double.inputs');
    expect(paths).toContain('loggers.console');
  });

  it("ctx.log goes to mode's sinks when a mode is given, and nowhere otherwise", async () => {
    const memory = memoryLogger();
    const logs = solid({
      name: 'logs',
      inputs: { n: z.number() },
      compute: (ctx, { n }) => ctx.log.info({ n }, 'saw %d', n),
    });
    await valuesOf(of(1, 2).pipe(asOperator(logs, { mode: mode({ name: 'app', loggers: { memory } }) })));
    expect(memory.records().map((r) => [r['msg'], r['stepKey'], r['mode'], r['n']])).toEqual([
      ['saw 1', 'logs[0]', 'app', 1],
      ['saw 2', 'logs[1]', 'app', 2],
    ]);
    expect(await valuesOf(of(1).pipe(asOperator(logs)))).toEqual([undefined]);
  });

  it('a resource the solid requires and nothing provides is refused at once', () => {
    const uses = solid({ name: 'uses', resources: ['db'], compute: () => 1 });
    expect(() => asOperator(uses)).toThrow(InvalidDefinitionError);
    expect(() => asOperator(uses, { resources: { cache: 1 } })).toThrow(
      /asOperator\(solid "uses"\): no resource "db", which the solid requires; give it in options.resources .* \(given: cache\)/,
    );
    expect(() => asOperator(double, { concurrency: 0 })).toThrow(/concurrency must be an integer ≥ 1 or Infinity, got 0/);
  });

  it('a Subject of values is served as they come, each after the previous one', async () => {
    const requests = new Subject<number>();
    const results: number[] = [];
    const done = lastValueFrom(requests.pipe(asOperator(double), toArray()));
    requests.next(1);
    requests.next(2);
    requests.complete();
    results.push(...(await done));
    expect(results).toEqual([2, 4]);
  });
});

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  if (!predicate()) throw new Error('timed out waiting');
}
