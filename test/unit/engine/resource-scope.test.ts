import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  StepExecutionError,
  execute,
  pipeline,
  resource,
  runConfigJsonSchema,
  solid,
  type Resource,
  executor,
  memoryLogger,
  mode,
  run,
  ResourceScope,
  type ScopeReport,
} from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on, quietMode, rejectionOf, typesOf, deferred, until } from '../../helpers/index.ts';
import { queueScheduler } from 'rxjs';

/** A resource that records its init and teardown in `journal` (async-generator style). */
function tracked(journal: string[], name: string, deps: readonly string[] = [], teardownError?: Error): Resource<string> {
  return resource({
    resources: deps,
    async *init() {
      journal.push(`init ${name}`);
      try {
        yield name;
      } finally {
        journal.push(`teardown ${name}`);
        if (teardownError) throw teardownError;
      }
    },
  });
}

const uses = (name: string, keys: readonly string[], compute: () => unknown = () => undefined) => solid({ name, resources: keys, compute });

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  describe('init', () => {
    it('initialises resources in dependency order', async () => {
      const journal: string[] = [];
      const p = pipeline({
        name: 'p',
        modes: [
          quietMode({
            resources: {
              client: tracked(journal, 'client', ['pool']),
              pool: tracked(journal, 'pool', ['config']),
              config: tracked(journal, 'config'),
            },
          }),
        ],
        graph: () => uses('s', ['client'])(),
      });
      await execute(p, { runConfig });
      expect(journal.filter((j) => j.startsWith('init'))).toEqual(['init config', 'init pool', 'init client']);
    });

    it('hands a resource the values of the resources it depends on', async () => {
      const base = resource({ init: () => ({ url: 'mem://' }) });
      const client = resource({ resources: ['base'], init: ({ resources }) => `client of ${(resources.base as { url: string }).url}` });
      const p = pipeline({
        name: 'p',
        modes: [quietMode({ resources: { base, client } })],
        graph: () => solid({ name: 's', resources: ['client'], compute: (ctx) => ctx.resources.client })(),
      });
      expect((await execute(p, { runConfig })).output('s')).toBe('client of mem://');
    });

    it('initialises only the resources the steps need', async () => {
      const journal: string[] = [];
      const p = pipeline({
        name: 'p',
        modes: [quietMode({ resources: { used: tracked(journal, 'used'), unused: tracked(journal, 'unused') } })],
        graph: () => uses('s', ['used'])(),
      });
      await execute(p, { runConfig });
      expect(journal).toEqual(['init used', 'teardown used']);
    });

    it('initialises what a needed resource depends on, transitively', async () => {
      const journal: string[] = [];
      const p = pipeline({
        name: 'p',
        modes: [
          quietMode({
            resources: {
              top: tracked(journal, 'top', ['middle']),
              middle: tracked(journal, 'middle', ['bottom']),
              bottom: tracked(journal, 'bottom'),
              other: tracked(journal, 'other'),
            },
          }),
        ],
        graph: () => uses('s', ['top'])(),
      });
      const list = await eventsOf(p, { runConfig });
      expect(ofType(list, 'RESOURCE_INIT_SUCCESS').map((e) => e.resource)).toEqual(['bottom', 'middle', 'top']);
    });

    it('initialises a resource needed by two solids once', async () => {
      let inits = 0;
      const shared = resource({ init: () => ++inits });
      const p = pipeline({
        name: 'p',
        modes: [quietMode({ resources: { shared } })],
        graph: () => {
          uses('a', ['shared'])();
          uses('b', ['shared'])();
        },
      });
      await execute(p, { runConfig });
      expect(inits).toBe(1);
    });

    it('reports RESOURCE_INIT_START and RESOURCE_INIT_SUCCESS before any step starts', async () => {
      const p = pipeline({
        name: 'p',
        modes: [quietMode({ resources: { r: resource({ init: () => 1 }) } })],
        graph: () => uses('s', ['r'])(),
      });
      const list = typesOf(await eventsOf(p, { runConfig }));
      expect(list.slice(0, 4)).toEqual(['RUN_START', 'RESOURCE_INIT_START', 'RESOURCE_INIT_SUCCESS', 'STEP_START']);
    });

    it('passes resources.<key>.config from run config to init', async () => {
      const store = resource({ config: z.object({ path: z.string() }), init: ({ config }) => config.path });
      const p = pipeline({
        name: 'p',
        modes: [quietMode({ resources: { store } })],
        graph: () => solid({ name: 's', resources: ['store'], compute: (ctx) => ctx.resources.store })(),
      });
      const result = await execute(p, { runConfig: { ...runConfig, resources: { store: { config: { path: 'dev.db' } } } } });
      expect(result.output('s')).toBe('dev.db');
    });

    it('passes the runId to init', async () => {
      let seen: string | undefined;
      const r = resource({ init: ({ runId }) => void (seen = runId) });
      const p = pipeline({ name: 'p', modes: [quietMode({ resources: { r } })], graph: () => uses('s', ['r'])() });
      await execute(p, { runConfig, runId: 'run_42' });
      expect(seen).toBe('run_42');
    });
  });

  describe('init styles', () => {
    const readValue = (r: Resource) =>
      execute(
        pipeline({
          name: 'p',
          modes: [quietMode({ resources: { r } })],
          graph: () => solid({ name: 's', resources: ['r'], compute: (ctx) => ctx.resources.r })(),
        }),
        { runConfig },
      );

    it('takes a plain returned value', async () => {
      expect((await readValue(resource({ init: () => 'plain' }))).output('s')).toBe('plain');
    });

    it('takes a Promise of the value', async () => {
      expect((await readValue(resource({ init: async () => 'promised' }))).output('s')).toBe('promised');
    });

    it('takes the value an async generator yields, and runs the code after yield at teardown', async () => {
      const journal: string[] = [];
      const result = await readValue(tracked(journal, 'gen'));
      expect(result.output('s')).toBe('gen');
      expect(journal).toEqual(['init gen', 'teardown gen']);
    });

    it('runs the teardown of a generator after the steps', async () => {
      const journal: string[] = [];
      const p = pipeline({
        name: 'p',
        modes: [quietMode({ resources: { r: tracked(journal, 'r') } })],
        graph: () => uses('s', ['r'], () => void journal.push('step'))(),
      });
      await execute(p, { runConfig });
      expect(journal).toEqual(['init r', 'step', 'teardown r']);
    });

    it('disposes a value with Symbol.asyncDispose at teardown', async () => {
      let disposed = 0;
      const value = { [Symbol.asyncDispose]: async () => void disposed++ };
      await readValue(resource({ init: () => value }));
      expect(disposed).toBe(1);
    });

    it('disposes a value with Symbol.dispose at teardown', async () => {
      let disposed = 0;
      const value = { [Symbol.dispose]: () => void disposed++ };
      await readValue(resource({ init: async () => value }));
      expect(disposed).toBe(1);
    });

    it('reports a RESOURCE_TEARDOWN for a plain value too', async () => {
      const p = pipeline({
        name: 'p',
        modes: [quietMode({ resources: { r: resource({ init: () => 1 }) } })],
        graph: () => uses('s', ['r'])(),
      });
      const list = await eventsOf(p, { runConfig });
      expect(ofType(list, 'RESOURCE_TEARDOWN').map((e) => e.resource)).toEqual(['r']);
    });
  });

  describe('teardown', () => {
    const three = (journal: string[], failWith?: Error, compute?: () => unknown) =>
      pipeline({
        name: 'p',
        modes: [
          quietMode({
            resources: {
              first: tracked(journal, 'first'),
              second: tracked(journal, 'second', [], failWith),
              third: tracked(journal, 'third'),
            },
          }),
        ],
        graph: () => uses('s', ['first', 'second', 'third'], compute)(),
      });

    it('tears resources down in reverse order of init when the run succeeds', async () => {
      const journal: string[] = [];
      await execute(three(journal), { runConfig });
      expect(journal).toEqual(['init first', 'init second', 'init third', 'teardown third', 'teardown second', 'teardown first']);
    });

    it('tears resources down in reverse order when a step fails', async () => {
      const journal: string[] = [];
      const result = await execute(
        three(journal, undefined, () => {
          throw new Error('boom');
        }),
        { runConfig, raiseOnError: false },
      );
      expect(result.status).toBe('FAILURE');
      expect(journal.slice(3)).toEqual(['teardown third', 'teardown second', 'teardown first']);
    });

    it('tears each resource down exactly once', async () => {
      const journal: string[] = [];
      const list = await eventsOf(three(journal), { runConfig });
      expect(ofType(list, 'RESOURCE_TEARDOWN').map((e) => e.resource)).toEqual(['third', 'second', 'first']);
      expect(journal.filter((j) => j.startsWith('teardown'))).toHaveLength(3);
    });

    it('still tears the others down when one teardown throws', async () => {
      const journal: string[] = [];
      await execute(three(journal, new Error('close failed')), { runConfig, raiseOnError: false });
      expect(journal.slice(3)).toEqual(['teardown third', 'teardown second', 'teardown first']);
    });

    it('puts a teardown error in that resource’s RESOURCE_TEARDOWN event', async () => {
      const journal: string[] = [];
      const list = await eventsOf(three(journal, new Error('close failed')), { runConfig });
      const teardowns = ofType(list, 'RESOURCE_TEARDOWN');
      expect(teardowns.find((e) => e.resource === 'second')?.error?.message).toBe('close failed');
      expect(teardowns.find((e) => e.resource === 'first')?.error).toBeUndefined();
      expect(teardowns.find((e) => e.resource === 'third')?.error).toBeUndefined();
    });

    it('ends the run RUN_FAILURE when a teardown throws after the steps succeeded', async () => {
      const journal: string[] = [];
      const list = await eventsOf(three(journal, new Error('close failed')), { runConfig });
      expect(list.at(-1)?.type).toBe('RUN_FAILURE');
      expect(ofType(list, 'STEP_SUCCESS')).toHaveLength(1);
    });

    it('makes execute reject with the teardown error as cause', async () => {
      const journal: string[] = [];
      const boom = new Error('close failed');
      const error = await rejectionOf(execute(three(journal, boom), { runConfig }));
      expect(error).toBeInstanceOf(StepExecutionError);
      expect((error as StepExecutionError).cause).toBe(boom);
      expect((error as StepExecutionError).stepKey).toBeUndefined();
    });
  });

  describe('a teardown that does not settle', () => {
    /** first, second (whose teardown never settles), third: torn down third, second, first. */
    const stuckSecond = (journal: string[]) => {
      const stuck = resource({
        async *init() {
          try {
            yield 'second';
          } finally {
            journal.push('teardown second begins');
            await new Promise(() => undefined);
          }
        },
      });
      return pipeline({
        name: 'p',
        modes: [quietMode({ resources: { first: tracked(journal, 'first'), second: stuck, third: tracked(journal, 'third') } })],
        graph: () => uses('s', ['first', 'second', 'third'])(),
      });
    };
    const limited = { ...runConfig, resources: { second: { teardownTimeoutMs: 20 } } };

    it('is reported in its RESOURCE_TEARDOWN with timedOut: true and an error saying it timed out after N ms', async () => {
      const list = await eventsOf(stuckSecond([]), { runConfig: limited });
      const teardown = ofType(list, 'RESOURCE_TEARDOWN').find((e) => e.resource === 'second')!;
      expect(teardown.timedOut).toBe(true);
      expect(teardown.error?.message).toContain('timed out after 20 ms');
      expect(teardown.error?.message).toContain('resources.second.teardownTimeoutMs');
      for (const other of ofType(list, 'RESOURCE_TEARDOWN').filter((e) => e.resource !== 'second')) {
        expect(other.error).toBeUndefined();
        expect(other.timedOut).toBeUndefined();
      }
    });

    it('does not stop the other teardowns, still in reverse order', async () => {
      const journal: string[] = [];
      const list = await eventsOf(stuckSecond(journal), { runConfig: limited });
      expect(journal).toEqual(['init first', 'init third', 'teardown third', 'teardown second begins', 'teardown first']);
      expect(ofType(list, 'RESOURCE_TEARDOWN').map((e) => e.resource)).toEqual(['third', 'second', 'first']);
    });

    it('ends the run RUN_FAILURE, and execute rejects with the timeout as cause', async () => {
      const list = await eventsOf(stuckSecond([]), { runConfig: limited });
      expect(list.at(-1)?.type).toBe('RUN_FAILURE');
      const error = await rejectionOf(execute(stuckSecond([]), { runConfig: limited }));
      expect(error).toBeInstanceOf(StepExecutionError);
      expect(((error as StepExecutionError).cause as Error).message).toContain('timed out after 20 ms');
    });

    it('takes teardownTimeoutMs beside config, a positive integer, 30 s by default', async () => {
      const p = stuckSecond([]);
      const error = await rejectionOf(execute(p, { runConfig: { ...runConfig, resources: { second: { teardownTimeoutMs: -1 } } } }));
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect((error as InvalidConfigError).issues.map((i) => i.path)).toEqual([['resources', 'second', 'teardownTimeoutMs']]);
      const schema = runConfigJsonSchema(p) as {
        properties: { resources: { properties: Record<string, { properties: Record<string, { default?: unknown }> }> } };
      };
      expect(schema.properties.resources.properties['first']!.properties['teardownTimeoutMs']!.default).toBe(30000);
    });
  });

  describe('init failure', () => {
    const failing = (journal: string[], ran: string[]) =>
      pipeline({
        name: 'p',
        modes: [
          quietMode({
            resources: {
              ok: tracked(journal, 'ok'),
              bad: resource({
                resources: ['ok'],
                init: () => {
                  throw new Error('cannot connect');
                },
              }),
              after: tracked(journal, 'after', ['bad']),
            },
          }),
        ],
        graph: () => {
          uses('s', ['after'], () => void ran.push('s'))();
          uses('free', [], () => void ran.push('free'))();
        },
      });

    it('reports RESOURCE_INIT_FAILURE with the error', async () => {
      const list = await eventsOf(failing([], []), { runConfig });
      const failure = ofType(list, 'RESOURCE_INIT_FAILURE');
      expect(failure).toHaveLength(1);
      expect(failure[0]!.resource).toBe('bad');
      expect(failure[0]!.error.message).toBe('cannot connect');
    });

    it('runs no step', async () => {
      const ran: string[] = [];
      const list = await eventsOf(failing([], ran), { runConfig });
      expect(ran).toEqual([]);
      expect(ofType(list, 'STEP_START')).toEqual([]);
    });

    it('ends the run RUN_FAILURE', async () => {
      const list = await eventsOf(failing([], []), { runConfig });
      expect(list.at(-1)?.type).toBe('RUN_FAILURE');
    });

    it('tears down the resources already initialised, and no others', async () => {
      const journal: string[] = [];
      await eventsOf(failing(journal, []), { runConfig });
      expect(journal).toEqual(['init ok', 'teardown ok']);
    });

    it('makes execute reject with a StepExecutionError whose cause is the init error and stepKey undefined', async () => {
      const error = await rejectionOf(execute(failing([], []), { runConfig }));
      expect(error).toBeInstanceOf(StepExecutionError);
      expect((error as StepExecutionError).stepKey).toBeUndefined();
      expect(((error as StepExecutionError).cause as Error).message).toBe('cannot connect');
    });

    it('treats a rejected init Promise like a throw', async () => {
      const journal: string[] = [];
      const p = pipeline({
        name: 'p',
        modes: [
          quietMode({
            resources: {
              ok: tracked(journal, 'ok'),
              bad: resource({ resources: ['ok'], init: async () => Promise.reject(new Error('nope')) }),
            },
          }),
        ],
        graph: () => uses('s', ['bad'])(),
      });
      const list = await eventsOf(p, { runConfig });
      expect(ofType(list, 'RESOURCE_INIT_FAILURE')[0]?.error.message).toBe('nope');
      expect(journal).toEqual(['init ok', 'teardown ok']);
    });
  });
});

describe('nothing waits forever on a resource', () => {
  /** The async executor with a short grace, and the sync one through an executor of the test's own with the same. */
  const quickSync = executor({ name: 'quickSync', create: () => ({ scheduler: queueScheduler, maxConcurrent: 1, cancelGraceMs: 20 }) });
  const setups = [
    { name: 'async', executors: undefined, runConfig: { execution: { async: { config: { cancelGraceMs: 20 } } } } },
    { name: 'sync', executors: [quickSync], runConfig: { execution: { quickSync: {} } } },
  ] as const;

  describe.each(setups)('$name executor', ({ executors: modeExecutors, runConfig }) => {
    /** `up` (torn down normally) and `hung`, whose init waits for `release`, then yields and records its teardown. */
    function hungInit() {
      const journal: string[] = [];
      const initStarted = deferred();
      const release = deferred();
      const up = resource({
        async *init() {
          try {
            yield 'up';
          } finally {
            journal.push('teardown up');
          }
        },
      });
      const hung = resource({
        resources: ['up'],
        async *init() {
          initStarted.resolve();
          await release.promise;
          journal.push('hung yields');
          try {
            yield 'hung';
          } finally {
            journal.push('teardown hung');
          }
        },
      });
      const s = solid({ name: 's', resources: ['hung'], compute: () => void journal.push('s ran') });
      const memory = memoryLogger();
      const p = pipeline({
        name: 'hung_init',
        modes: [mode({ loggers: { memory }, resources: { up, hung }, ...(modeExecutors ? { executors: modeExecutors } : {}) })],
        graph: () => {
          s();
        },
      });
      return { p, journal, initStarted: initStarted.promise, release: release.resolve, memory };
    }

    it('on cancel, abandons an init still pending after the grace period and ends RUN_CANCELED', async () => {
      const { p, journal, initStarted } = hungInit();
      const controller = new AbortController();
      const done = eventsOf(p, { runConfig, signal: controller.signal });
      await initStarted;
      controller.abort();
      const list = await done;
      expect(typesOf(list.filter((e) => e.type.startsWith('RESOURCE_') || e.type.startsWith('RUN_')))).toEqual([
        'RUN_START',
        'RESOURCE_INIT_START',
        'RESOURCE_INIT_SUCCESS',
        'RESOURCE_INIT_START',
        'RESOURCE_INIT_FAILURE',
        'RESOURCE_TEARDOWN',
        'RUN_CANCELED',
      ]);
      const abandoned = ofType(list, 'RESOURCE_INIT_FAILURE')[0]!;
      expect(abandoned.resource).toBe('hung');
      expect(abandoned.error).toMatchObject({ name: 'RunCanceledError' });
      expect(abandoned.error.message).toContain('still pending 20 ms after the run was canceled');
      expect(ofType(list, 'RESOURCE_TEARDOWN').map((e) => e.resource)).toEqual(['up']);
      expect(journal).toEqual(['teardown up']);
      expect(ofType(list, 'STEP_START')).toEqual([]);
    });

    it('tears down at once the value of an abandoned init that arrives late, with no event', async () => {
      const { p, journal, initStarted, release, memory } = hungInit();
      const controller = new AbortController();
      const done = eventsOf(p, { runConfig, signal: controller.signal });
      await initStarted;
      controller.abort();
      const list = await done;
      release();
      await until(() => journal.includes('teardown hung'), 'the late value to be torn down');
      expect(journal).toEqual(['teardown up', 'hung yields', 'teardown hung']);
      expect(list.at(-1)?.type).toBe('RUN_CANCELED');
      expect(memory.records().filter((r) => r['event'] === 'RUN_CANCELED')).toHaveLength(1);
      expect(memory.records().at(-1)?.['event']).toBe('RUN_CANCELED');
    });

    it('ends an unsubscribed run whose init hangs: RUN_CANCELED reaches the loggers', async () => {
      const { p, initStarted, memory } = hungInit();
      const subscription = run(p, { runConfig }).subscribe();
      await initStarted;
      subscription.unsubscribe();
      await until(() => memory.records().some((r) => r['event'] === 'RUN_CANCELED'), 'RUN_CANCELED in the sink');
      expect(
        memory
          .records()
          .filter((r) => r['event'] === 'RESOURCE_INIT_FAILURE')
          .map((r) => r['resource']),
      ).toEqual(['hung']);
    });
  });
});

const ignore = (): void => undefined;
const silent = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore, fatal: ignore };

/** A resource that journals its init and its teardown (Symbol.dispose). */
function disposable(journal: string[], name: string, deps: readonly string[] = []): Resource {
  return resource({
    resources: deps,
    init: () => {
      journal.push(`init ${name}`);
      return { name, [Symbol.dispose]: () => journal.push(`teardown ${name}`) };
    },
  });
}

function scopeOf(resources: Record<string, Resource>, reports: ScopeReport[] = []): ResourceScope {
  return new ResourceScope({
    mode: mode({ name: 'host', resources }),
    configs: {},
    runId: 'run-1',
    signal: new AbortController().signal,
    log: () => silent,
    report: (report) => reports.push(report),
  });
}

describe('ResourceScope', () => {
  it('opens what each step needs as it comes, dependencies first and each once, and tears all down in reverse order of init', async () => {
    const journal: string[] = [];
    const scope = scopeOf({ a: disposable(journal, 'a'), b: disposable(journal, 'b', ['a']), c: disposable(journal, 'c', ['a']) });
    expect(await scope.open(['b'])).toBeUndefined();
    expect(await scope.open(['c', 'b'])).toBeUndefined();
    expect(Object.keys(scope.values)).toEqual(['a', 'b', 'c']);
    expect(await scope.close()).toEqual([]);
    expect(journal).toEqual(['init a', 'init b', 'init c', 'teardown c', 'teardown b', 'teardown a']);
  });

  it('answers a later need of a resource whose init failed with that error, without trying it again', async () => {
    let inits = 0;
    const reports: ScopeReport[] = [];
    const boom = new Error('no database');
    const scope = scopeOf(
      {
        db: resource({
          init: () => {
            inits++;
            throw boom;
          },
        }),
      },
      reports,
    );
    expect(await scope.open(['db'])).toBe(boom);
    expect(await scope.open(['db'])).toBe(boom);
    expect(inits).toBe(1);
    expect(reports.map((r) => r.type)).toEqual(['RESOURCE_INIT_START', 'RESOURCE_INIT_FAILURE']);
  });
});
