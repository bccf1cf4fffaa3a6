import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ModeflowError,
  applyEvent,
  execute,
  initialRunState,
  isTerminal,
  memoryLogger,
  pipeline,
  reduceRunState,
  resource,
  run,
  solid,
  toRunResult,
  type RunEvent,
  type RunEventType,
} from '../../../lib/index.ts';
import { concat, config as rxjsConfig, from, lastValueFrom, of } from 'rxjs';
import { eventsOf, executors, ofType, on, quietMode, typesOf } from '../../helpers/index.ts';

const EVENT_TYPES: readonly RunEventType[] = [
  'RUN_START',
  'RESOURCE_INIT_START',
  'RESOURCE_INIT_SUCCESS',
  'RESOURCE_INIT_FAILURE',
  'STEP_START',
  'STEP_INPUT',
  'STEP_OUTPUT',
  'STEP_SUCCESS',
  'STEP_FAILURE',
  'STEP_SKIPPED',
  'STEP_RETRY',
  'LOG',
  'RESOURCE_TEARDOWN',
  'RUN_SUCCESS',
  'RUN_FAILURE',
  'RUN_CANCELED',
];

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });
const fail = solid({
  name: 'fail',
  inputs: { n: z.number() },
  compute: () => {
    throw Object.assign(new Error('it broke'), { code: 'E_BROKE' });
  },
});

const chain = pipeline({
  name: 'chain',
  modes: [quietMode()],
  graph: () => {
    inc(one());
  },
});

/** A busy pipeline: a resource, logs, a failure, a skip and an independent branch. */
const busy = pipeline({
  name: 'busy',
  modes: [quietMode({ resources: { r: resource({ init: () => 'r' }) } })],
  graph: () => {
    const n = solid({ name: 'src', resources: ['r'], output: z.number(), compute: (ctx) => (ctx.log.info('hello'), 1) })();
    inc.alias('after_fail')(fail(n) as never);
    inc.alias('ok')(n);
  },
});

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  describe('the event stream', () => {
    it('emits exactly the events of a two-step chain, in order', async () => {
      expect(typesOf(await eventsOf(chain, { runConfig }))).toEqual([
        'RUN_START',
        'STEP_START',
        'STEP_OUTPUT',
        'STEP_SUCCESS',
        'STEP_START',
        'STEP_INPUT',
        'STEP_OUTPUT',
        'STEP_SUCCESS',
        'RUN_SUCCESS',
      ]);
    });

    it('starts with RUN_START and ends with one terminal event, then completes', async () => {
      const list = await eventsOf(busy, { runConfig });
      expect(list[0]!.type).toBe('RUN_START');
      expect(list.filter(isTerminal)).toHaveLength(1);
      expect(isTerminal(list.at(-1)!)).toBe(true);
    });

    it('emits only the listed event types', async () => {
      const list = await eventsOf(busy, { runConfig });
      for (const event of list) expect(EVENT_TYPES).toContain(event.type);
    });

    it('gives every event runId, pipelineName, mode and an epoch-ms timestamp', async () => {
      const before = Date.now();
      const list = await eventsOf(busy, { runConfig, runId: 'r1' });
      const after = Date.now();
      for (const event of list) {
        expect(event).toMatchObject({ runId: 'r1', pipelineName: 'busy', mode: 'default' });
        expect(event.timestamp).toBeGreaterThanOrEqual(before);
        expect(event.timestamp).toBeLessThanOrEqual(after);
      }
    });

    it('gives step events their stepKey and solid', async () => {
      const list = await eventsOf(busy, { runConfig });
      const stepTypes = ['STEP_START', 'STEP_INPUT', 'STEP_OUTPUT', 'STEP_SUCCESS', 'STEP_FAILURE', 'STEP_SKIPPED', 'STEP_RETRY'];
      const stepEvents = list.filter((e) => stepTypes.includes(e.type));
      expect(stepEvents.length).toBeGreaterThan(0);
      for (const event of stepEvents) {
        expect(event).toHaveProperty('stepKey');
        expect(event).toHaveProperty('solid');
      }
    });

    it('makes every event JSON-serialisable', async () => {
      const list = await eventsOf(busy, { runConfig });
      for (const event of list) expect(JSON.parse(JSON.stringify(event))).toEqual(event);
    });

    it('gives each STEP_START exactly one STEP_SUCCESS or STEP_FAILURE', async () => {
      const list = await eventsOf(busy, { runConfig });
      for (const start of ofType(list, 'STEP_START')) {
        const ends = list.filter((e) => (e.type === 'STEP_SUCCESS' || e.type === 'STEP_FAILURE') && e.stepKey === start.stepKey);
        expect(ends).toHaveLength(1);
      }
    });

    it('names where an input came from in STEP_INPUT', async () => {
      const input = ofType(await eventsOf(chain, { runConfig }), 'STEP_INPUT')[0]!;
      expect(input).toMatchObject({ stepKey: 'inc', input: 'n', source: 'one.result' });
    });

    it('carries output values in STEP_OUTPUT', async () => {
      const outputs = ofType(await eventsOf(chain, { runConfig }), 'STEP_OUTPUT');
      expect(outputs.map((e) => [e.stepKey, e.output, e.value])).toEqual([
        ['one', 'result', 1],
        ['inc', 'result', 2],
      ]);
    });

    it('gives STEP_FAILURE the name, message, stack and fields of what compute threw', async () => {
      const failure = ofType(await eventsOf(busy, { runConfig }), 'STEP_FAILURE')[0]!;
      expect(failure.stepKey).toBe('fail');
      expect(failure.error).toMatchObject({ name: 'Error', message: 'it broke', code: 'E_BROKE' });
      expect(failure.error.stack).toContain('it broke');
    });

    it('records RUN_START with the executor, tags and run config', async () => {
      const start = ofType(await eventsOf(chain, { runConfig, tags: { team: 'data' } }), 'RUN_START')[0]!;
      expect(start.executor).toBe(exec.name);
      expect(start.tags).toEqual({ team: 'data' });
      expect(start.runConfig).toEqual(runConfig);
    });

    it('lists the failed steps in RUN_FAILURE', async () => {
      const terminal = (await eventsOf(busy, { runConfig })).at(-1)!;
      expect(terminal.type).toBe('RUN_FAILURE');
      expect(terminal.type === 'RUN_FAILURE' && terminal.failedSteps).toEqual(['fail']);
    });
  });

  describe('RunResult', () => {
    it('has status SUCCESS and success true for a run that succeeded', async () => {
      const result = await execute(chain, { runConfig });
      expect(result.status).toBe('SUCCESS');
      expect(result.success).toBe(true);
    });

    it('has status FAILURE and success false for a failed run', async () => {
      const result = await execute(busy, { runConfig, raiseOnError: false });
      expect(result.status).toBe('FAILURE');
      expect(result.success).toBe(false);
    });

    it('carries runId, pipelineName and mode', async () => {
      const result = await execute(chain, { runConfig, runId: 'abc' });
      expect([result.runId, result.pipelineName, result.mode]).toEqual(['abc', 'chain', 'default']);
    });

    it('holds the events the stream emitted', async () => {
      const result = await execute(busy, { runConfig, raiseOnError: false, runId: 'same' });
      const list = await eventsOf(busy, { runConfig, runId: 'same' });
      expect(typesOf(result.events)).toEqual(typesOf(list));
    });

    it('reports each solid’s status, success and skipped', async () => {
      const result = await execute(busy, { runConfig, raiseOnError: false });
      expect(result.solid('src')).toMatchObject({ status: 'SUCCESS', success: true, skipped: false });
      expect(result.solid('fail')).toMatchObject({ status: 'FAILURE', success: false, skipped: false });
      expect(result.solid('after_fail')).toMatchObject({ status: 'SKIPPED', success: false, skipped: true });
      expect(result.solid('ok')).toMatchObject({ status: 'SUCCESS', success: true });
    });

    it('gives the error of a failed solid as STEP_FAILURE carried it', async () => {
      const result = await execute(busy, { runConfig, raiseOnError: false });
      const failure = ofType(result.events, 'STEP_FAILURE')[0]!;
      expect(result.solid('fail').error).toEqual(failure.error);
    });

    it('gives a solid’s events', async () => {
      const result = await execute(chain, { runConfig });
      expect(typesOf(result.solid('inc').events)).toEqual(['STEP_START', 'STEP_INPUT', 'STEP_OUTPUT', 'STEP_SUCCESS']);
    });

    it('reads an output with output(solid) and output(solid, name)', async () => {
      const result = await execute(chain, { runConfig });
      expect(result.output('inc')).toBe(2);
      expect(result.output('inc', 'result')).toBe(2);
      expect(result.solid('inc').output()).toBe(2);
    });

    it('gives outputs as arrays of every value', async () => {
      const result = await execute(chain, { runConfig });
      expect(result.solid('inc').outputs).toEqual({ result: [2] });
    });

    it('gives output() the array when an output emitted several values', async () => {
      const many = solid({ name: 'many', compute: () => ['x', 'y'] });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          many();
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.output('many')).toEqual(['x', 'y']);
    });

    it('gives output() undefined and outputs [] for an output never produced', async () => {
      const maybe = solid({ name: 'maybe', outputs: { yes: z.number(), no: z.number() }, compute: () => ({ yes: 1 }) });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          maybe();
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.output('maybe', 'no')).toBeUndefined();
      expect(result.solid('maybe').outputs).toEqual({ yes: [1], no: [] });
    });

    it('produces the result output of a solid without output even when compute returns undefined', async () => {
      const quiet = solid({ name: 'quiet', compute: () => undefined });
      const next = solid({ name: 'next', inputs: { x: z.unknown() }, output: z.string(), compute: () => 'ran' });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          next(quiet());
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.solid('quiet').outputs).toEqual({ result: [undefined] });
      expect(result.output('next')).toBe('ran');
    });

    it('throws for a solid name the pipeline does not have', async () => {
      const result = await execute(chain, { runConfig });
      expect(() => result.solid('nope')).toThrow(ModeflowError);
    });

    it('gives a mapped solid the values of all its steps, in index order', async () => {
      const src = solid({
        name: 'src',
        output: z.number(),
        compute: async function* () {
          yield 3;
          yield 1;
          yield 2;
        },
      });
      const slow = solid({
        name: 'slow',
        inputs: { n: z.number() },
        output: z.number(),
        compute: async (_c, { n }) => {
          await new Promise((r) => setTimeout(r, n * 3));
          return n * 10;
        },
      });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          slow(src());
        },
      });
      const result = await execute(p, { runConfig });
      expect(result.solid('slow').outputs['result']).toEqual([30, 10, 20]);
      expect(result.solid('slow').stepKeys).toEqual(['slow[0]', 'slow[1]', 'slow[2]']);
    });

    it('gives a mapped solid FAILURE when any of its steps failed', async () => {
      const nums = solid({
        name: 'nums',
        output: z.number(),
        compute: async function* () {
          yield 1;
          yield 2;
          yield 3;
        },
      });
      const odd = solid({
        name: 'odd',
        inputs: { n: z.number() },
        output: z.number(),
        compute: (_c, { n }) => {
          if (n === 2) throw new Error('even');
          return n;
        },
      });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          odd(nums());
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('odd').status).toBe('FAILURE');
      expect(result.solid('odd').outputs['result']).toEqual([1, 3]);
      expect(result.solid('odd').error?.message).toBe('even');
    });

    it('gives a mapped solid SKIPPED when all its steps were skipped', async () => {
      const nums = solid({
        name: 'nums',
        output: z.number(),
        compute: async function* () {
          yield 1;
          yield 2;
        },
      });
      const boom = solid({
        name: 'boom',
        inputs: { n: z.number() },
        output: z.number(),
        compute: () => {
          throw new Error('boom');
        },
      });
      const after = solid({ name: 'after', inputs: { n: z.number() }, compute: () => undefined });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          after(boom(nums()));
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('after').status).toBe('SKIPPED');
      expect(result.solid('after').skipped).toBe(true);
    });
  });

  describe('outputs with several consumers', () => {
    it('deep-freezes an output handed to two consumers', async () => {
      const seen: boolean[] = [];
      const make = solid({ name: 'make', compute: () => ({ rows: [{ id: 1 }] }) });
      const look = solid({
        name: 'look',
        inputs: { v: z.any() },
        compute: (_c, { v }) => {
          seen.push(Object.isFrozen(v), Object.isFrozen(v.rows), Object.isFrozen(v.rows[0]));
        },
      });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          const m = make();
          look(m);
          look(m);
        },
      });
      await execute(p, { runConfig });
      expect(seen).toEqual([true, true, true, true, true, true]);
    });

    it('fails a consumer that tries to change a shared input, and leaves the other’s value intact', async () => {
      const make = solid({ name: 'make', compute: () => ({ n: 1 }) });
      const mutate = solid({
        name: 'mutate',
        inputs: { v: z.any() },
        compute: (_c, { v }) => {
          v.n = 99;
        },
      });
      const read = solid({ name: 'read', inputs: { v: z.any() }, compute: (_c, { v }) => v.n });
      const p = pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          const m = make();
          mutate(m);
          read(m);
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('mutate').status).toBe('FAILURE');
      expect(result.output('read')).toBe(1);
    });
  });
});

describe('run state', () => {
  const chainEvents = () => eventsOf(chain);

  it('reduceRunState returns a frozen state', async () => {
    const state = reduceRunState(initialRunState(), await chainEvents());
    expect(Object.isFrozen(state)).toBe(true);
    expect(Object.isFrozen(state.steps)).toBe(true);
    expect(Object.isFrozen(state.steps['inc'])).toBe(true);
  });

  it('reduceRunState leaves the state it was given unchanged', async () => {
    const list = await chainEvents();
    const first = reduceRunState(initialRunState(), list.slice(0, 2));
    const snapshot = JSON.parse(JSON.stringify(first));
    reduceRunState(first, list.slice(2));
    expect(JSON.parse(JSON.stringify(first))).toEqual(snapshot);
  });

  it('folds a whole run into its final status and step statuses', async () => {
    const state = reduceRunState(initialRunState(), await eventsOf(busy, {}));
    expect(state.status).toBe('FAILURE');
    expect(state.steps['src']?.status).toBe('SUCCESS');
    expect(state.steps['fail']?.status).toBe('FAILURE');
    expect(state.steps['after_fail']?.status).toBe('SKIPPED');
    expect(state.counts).toMatchObject({ succeeded: 2, failed: 1, skipped: 1, running: 0 });
  });

  it('gives the same state in batches as in one go', async () => {
    const list = await eventsOf(busy, {});
    const whole = reduceRunState(initialRunState(), list);
    let batched = initialRunState();
    for (let i = 0; i < list.length; i += 3) batched = reduceRunState(batched, list.slice(i, i + 3));
    expect(batched).toEqual(whole);
  });

  it('keeps the unchanged parts of a state shared between snapshots', async () => {
    const list = await eventsOf(busy, {});
    const before = reduceRunState(initialRunState(), list.slice(0, -1));
    const after = reduceRunState(before, list.slice(-1));
    expect(after.steps).toBe(before.steps);
  });

  it('returns the same state for an empty batch', () => {
    const state = reduceRunState(initialRunState(), []);
    expect(reduceRunState(state, [])).toBe(state);
  });

  it('agrees with applyEvent on a mutable state', async () => {
    const list = await eventsOf(busy, {});
    const mutable = initialRunState();
    for (const e of list) applyEvent(mutable, e);
    expect(reduceRunState(initialRunState(), list)).toEqual(mutable);
  });

  it('toRunResult folds a run into the same result execute gives', async () => {
    const viaOperator = await lastValueFrom(run(chain, { runId: 'x' }).pipe(toRunResult(chain)));
    const viaExecute = await execute(chain, { runId: 'x' });
    expect(viaOperator.status).toBe(viaExecute.status);
    expect(viaOperator.output('inc')).toBe(viaExecute.output('inc'));
    expect(typesOf(viaOperator.events)).toEqual(typesOf(viaExecute.events as RunEvent[]));
  });
});

describe('toRunResult', () => {
  it('errors, naming both run ids, when the stream holds events of two runs', async () => {
    const both = concat(run(chain, { runId: 'first' }), run(chain, { runId: 'second' }));
    const error = await lastValueFrom(both.pipe(toRunResult(chain))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModeflowError);
    expect((error as Error).message).toContain('first');
    expect((error as Error).message).toContain('second');
  });

  it('errors its stream, instead of throwing out of a callback, when an event cannot be folded', async () => {
    const unhandled: unknown[] = [];
    const previous = rxjsConfig.onUnhandledError;
    rxjsConfig.onUnhandledError = (error) => unhandled.push(error);
    try {
      const broken = of(null as unknown as RunEvent).pipe(toRunResult(chain));
      const error = await lastValueFrom(broken).then(
        () => undefined,
        (e: unknown) => e,
      );
      await new Promise((resolve) => setTimeout(resolve, 0)); // RxJS reports unhandled errors on a timer
      expect(error).toBeInstanceOf(TypeError);
      expect(unhandled).toEqual([]);
    } finally {
      rxjsConfig.onUnhandledError = previous;
    }
  });

  it.each(['__proto__', 'constructor', 'toString'])('folds a step and a resource keyed %s like any other', async (name) => {
    const list = (await eventsOf(chain, { runId: 'r' })).map((e) => ('stepKey' in e && e.stepKey === 'one' ? { ...e, stepKey: name } : e));
    const start = list[0]!;
    const base = { runId: start.runId, pipelineName: start.pipelineName, mode: start.mode, timestamp: start.timestamp };
    list.splice(
      1,
      0,
      { type: 'RESOURCE_INIT_START', ...base, resource: name },
      { type: 'RESOURCE_INIT_SUCCESS', ...base, resource: name, durationMs: 0 },
    );
    const result = await lastValueFrom(from(list).pipe(toRunResult(chain)));
    expect(result.status).toBe('SUCCESS');
    expect(Object.keys(result.state.steps)).toContain(name);
    expect(result.state.steps[name]?.status).toBe('SUCCESS');
    expect(result.state.resources[name]).toBe('READY');
    expect(Object.getPrototypeOf(result.state.steps)).toBe(null);
  });
});

describe('events stay JSON when values are not', () => {
  it('shows a BigInt output as its decimal string in the event, and keeps the BigInt in the result', async () => {
    const big = solid({ name: 'big', output: z.bigint(), compute: () => 9007199254740993n });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        big();
      },
    });
    const result = await execute(p);
    const output = ofType([...result.events], 'STEP_OUTPUT')[0]!;
    expect(JSON.parse(JSON.stringify(output)).value).toBe('9007199254740993');
    expect(result.output('big')).toBe(9007199254740993n);
  });

  it('shows a reference back to an enclosing object as [Circular], and keeps the object in the result', async () => {
    const tree = solid({
      name: 'tree',
      compute: () => {
        const root: { name: string; children: { name: string; parent?: unknown }[] } = { name: 'root', children: [] };
        root.children.push({ name: 'leaf', parent: root });
        return root;
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        tree();
      },
    });
    const result = await execute(p);
    const shown = JSON.parse(JSON.stringify(result.events)) as RunEvent[];
    expect(ofType(shown, 'STEP_OUTPUT')[0]!.value).toEqual({ name: 'root', children: [{ name: 'leaf', parent: '[Circular]' }] });
    const kept = result.output('tree') as { children: { parent: unknown }[] };
    expect(kept.children[0]!.parent).toBe(kept);
  });

  it('keeps shared references that are no cycle, and plain values as they are', async () => {
    const shared = { n: 1 };
    const twice = solid({ name: 'twice', compute: () => ({ a: shared, b: shared }) });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        twice();
      },
    });
    const result = await execute(p);
    const output = ofType([...result.events], 'STEP_OUTPUT')[0]!;
    expect(output.value).toBe(result.output('twice'));
    expect(JSON.parse(JSON.stringify(output)).value).toEqual({ a: { n: 1 }, b: { n: 1 } });
  });

  it('shows objects nested deeper than 100 levels as [Nested too deeply] in outputs, logs and the run config, and keeps the value in the result', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10_000; i++) deep = { child: deep };
    const echo = solid({
      name: 'echo',
      config: z.object({ tree: z.any() }),
      compute: (ctx) => {
        ctx.log.info({ tree: ctx.config.tree }, 'deep');
        return ctx.config.tree;
      },
    });
    const mem = memoryLogger();
    const p = pipeline({
      name: 'p',
      modes: [quietMode({ loggers: { mem } })],
      graph: () => {
        echo();
      },
    });
    // At debug, the sink also writes every engine event (as JSON lines).
    const result = await execute(p, {
      runConfig: { solids: { echo: { config: { tree: deep } } }, loggers: { mem: { config: { level: 'debug' } } } },
    });
    expect(result.success).toBe(true);
    // Every event is JSON, and shows 100 levels of objects, then the marker.
    const shown = JSON.parse(JSON.stringify(result.events)) as RunEvent[];
    const levelsOf = (value: unknown): [number, unknown] => {
      let n = 0;
      let at = value;
      while (typeof at === 'object' && at !== null && 'child' in at) [n, at] = [n + 1, (at as { child: unknown }).child];
      return [n, at];
    };
    expect(levelsOf(ofType(shown, 'STEP_OUTPUT')[0]!.value)).toEqual([100, '[Nested too deeply]']);
    expect(levelsOf(ofType(shown, 'LOG')[0]!.fields['tree'])).toEqual([99, '[Nested too deeply]']);
    const runConfig = ofType(shown, 'RUN_START')[0]!.runConfig as { solids: { echo: { config: { tree: unknown } } } };
    expect(levelsOf(runConfig.solids.echo.config.tree)).toEqual([96, '[Nested too deeply]']);
    expect(result.output('echo')).toBe(deep);
  });

  it('shows BigInt log fields as strings in LOG events', async () => {
    const counts = solid({
      name: 'counts',
      compute: (ctx) => {
        ctx.log.info({ rows: 3n }, 'counted');
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        counts();
      },
    });
    const list = await eventsOf(p);
    const log = ofType(list, 'LOG')[0]!;
    expect(JSON.parse(JSON.stringify(log)).fields).toEqual({ rows: '3' });
  });
});

describe('events stay JSON when values hold odd keys', () => {
  it('keeps an own __proto__ key of an output value (as JSON.parse makes one) in its JSON-safe copy', async () => {
    const parsed = solid({ name: 'parsed', compute: () => ({ ...JSON.parse('{"__proto__": {"x": 1}}'), big: 1n }) as object });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        parsed();
      },
    });
    const list = await eventsOf(p);
    const shown = JSON.parse(JSON.stringify(ofType(list, 'STEP_OUTPUT')[0]!.value)) as Record<string, unknown>;
    expect(Object.keys(shown)).toEqual(['__proto__', 'big']);
    expect(shown['big']).toBe('1');
  });
});
