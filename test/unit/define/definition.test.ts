import { describe, expect, it } from 'vitest';
import { queueScheduler } from 'rxjs';
import { z } from 'zod';
import {
  InvalidDefinitionError,
  asyncExecutor,
  consoleLogger,
  execute,
  executor,
  hardcodedResource,
  isMode,
  isPipeline,
  isResource,
  isSolid,
  logger,
  memoryLogger,
  mockResource,
  mode,
  noneResource,
  pipeline,
  preset,
  resource,
  solid,
  syncExecutor,
  valuesResource,
} from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

const noop = solid({ name: 'noop', compute: () => undefined });
const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n + 1 });

/** The error `fn` throws (fails when it does not throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('names', () => {
  it('refuses a solid whose name has characters outside [A-Za-z0-9_]', () => {
    expect(() => solid({ name: 'bad-name', compute: () => 1 })).toThrow(InvalidDefinitionError);
  });

  it('refuses an empty solid name', () => {
    expect(() => solid({ name: '', compute: () => 1 })).toThrow(InvalidDefinitionError);
  });

  it('refuses a pipeline whose name has a space', () => {
    expect(() => pipeline({ name: 'my pipeline', modes: [quietMode()], graph: () => noop() })).toThrow(InvalidDefinitionError);
  });

  it('refuses a mode whose name has a dot', () => {
    expect(() => mode({ name: 'local.dev' })).toThrow(InvalidDefinitionError);
  });

  it('refuses a resource key with a dash', () => {
    expect(() => mode({ resources: { 'my-store': hardcodedResource(1) } })).toThrow(InvalidDefinitionError);
  });

  it('refuses a logger key with a dash', () => {
    expect(() => mode({ loggers: { 'my-sink': memoryLogger() } })).toThrow(InvalidDefinitionError);
  });

  it('refuses a preset whose name has a slash', () => {
    expect(() => preset({ name: 'dev/small' })).toThrow(InvalidDefinitionError);
  });

  it('refuses an alias with an invalid name', () => {
    expect(() => noop.alias('no way')).toThrow(InvalidDefinitionError);
  });

  it('refuses an executor whose name has a dash', () => {
    expect(() => executor({ name: 'my-exec', create: () => ({ scheduler: queueScheduler, maxConcurrent: 1 }) })).toThrow(
      InvalidDefinitionError,
    );
  });

  it('says in the message which names are valid', () => {
    expect(thrown(() => solid({ name: 'a b', compute: () => 1 })).message).toContain('^[A-Za-z0-9_]+$');
  });
});

describe('the name __proto__', () => {
  // A computed key makes `__proto__` an own key, as JSON.parse and YAML readers do.
  const protoKeyed = <T>(value: T): Record<string, T> => ({ ['__proto__']: value });
  const refused = (fn: () => unknown): string => {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    return error.message;
  };

  it("is refused as an input name, instead of setting the inputs object's prototype", () => {
    const message = refused(() => solid({ name: 'takes_proto', inputs: protoKeyed(z.number()), compute: () => 1 }));
    expect(message).toContain('input name "__proto__" is refused');
  });

  it('is refused as an output name', () => {
    expect(refused(() => solid({ name: 'gives_proto', outputs: protoKeyed(z.number()), compute: () => ({}) }))).toContain('"__proto__"');
  });

  it('written as an object literal key (which sets the prototype) is refused, not silently dropped', () => {
    // eslint-disable-next-line no-proto
    const literal = { __proto__: z.number() } as unknown as Record<string, z.ZodType>;
    expect(refused(() => solid({ name: 'literal_proto', inputs: literal, compute: () => 1 }))).toContain('"__proto__" cannot be a name');
  });

  it('is refused as a solid, alias, pipeline, mode, preset, executor and resource-requirement name', () => {
    refused(() => solid({ name: '__proto__', compute: () => 1 }));
    refused(() => noop.alias('__proto__'));
    refused(() => pipeline({ name: '__proto__', modes: [quietMode()], graph: () => noop() }));
    refused(() => mode({ name: '__proto__' }));
    refused(() => preset({ name: '__proto__' }));
    refused(() => preset({ name: 'p', mode: '__proto__' }));
    refused(() => executor({ name: '__proto__', create: () => ({ scheduler: queueScheduler, maxConcurrent: 1 }) }));
    refused(() => solid({ name: 'needs_proto', resources: ['__proto__'], compute: () => 1 }));
    refused(() => resource({ resources: ['__proto__'], init: () => 1 }));
  });

  it('is refused as a resource or logger key of a mode', () => {
    refused(() => mode({ resources: protoKeyed(hardcodedResource(1)) }));
    refused(() => mode({ loggers: protoKeyed(memoryLogger()) }));
  });

  it('is refused as a key of a config, input or output object schema, at any depth', () => {
    const nested = z.object({ outer: z.array(z.object(protoKeyed(z.string()))) });
    expect(refused(() => solid({ name: 'c', config: nested, compute: () => 1 }))).toContain('inside "outer"');
    refused(() => resource({ config: z.object(protoKeyed(z.string())), init: () => 1 }));
    refused(() => logger({ config: z.object(protoKeyed(z.string())), init: () => ({ write: () => undefined }) }));
    refused(() =>
      executor({ name: 'e', config: z.object(protoKeyed(z.number())), create: () => ({ scheduler: queueScheduler, maxConcurrent: 1 }) }),
    );
    refused(() => solid({ name: 'i', inputs: { x: z.object(protoKeyed(z.number())) }, compute: () => 1 }));
    refused(() => solid({ name: 'o', output: z.union([z.string(), z.object(protoKeyed(z.number()))]), compute: () => 'x' }));
  });

  it('leaves Object.prototype member names such as constructor and toString usable', () => {
    const s = solid({ name: 'constructor', inputs: { toString: z.number() }, config: z.object({ valueOf: z.number() }), compute: () => 1 });
    expect(s.name).toBe('constructor');
  });
});

describe('solid()', () => {
  it('refuses both output and outputs', () => {
    expect(() => solid({ name: 'both', output: z.number(), outputs: { a: z.number() }, compute: () => 1 } as never)).toThrow(
      InvalidDefinitionError,
    );
  });

  it('refuses a non-zod input schema', () => {
    expect(() => solid({ name: 's', inputs: { x: 'number' } as never, compute: () => 1 })).toThrow(InvalidDefinitionError);
  });

  it('refuses a retry policy with a negative maxRetries', () => {
    expect(() => solid({ name: 's', retry: { maxRetries: -1 }, compute: () => 1 })).toThrow(InvalidDefinitionError);
  });

  it('refuses a priority tag that is not an integer', () => {
    expect(() => solid({ name: 's', tags: { priority: 1.5 }, compute: () => 1 })).toThrow(InvalidDefinitionError);
  });

  it('names the single output "result"', () => {
    expect(Object.keys(one.outputs)).toEqual(['result']);
  });

  it('gives a solid without output one output "result"', () => {
    expect(Object.keys(noop.outputs)).toEqual(['result']);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(one)).toBe(true);
  });

  it('cannot be called outside a pipeline graph', () => {
    expect(() => one()).toThrow(InvalidDefinitionError);
  });

  it('is recognised by its brand', () => {
    expect(isSolid(one)).toBe(true);
    expect(isSolid(() => 1)).toBe(false);
  });
});

describe('pipeline()', () => {
  it('gives a pipeline without modes one mode named "default"', () => {
    const p = pipeline({ name: 'p', graph: () => noop() });
    expect(p.modes.map((m) => m.name)).toEqual(['default']);
  });

  it('refuses two modes with one name', () => {
    expect(() => pipeline({ name: 'p', modes: [quietMode({ name: 'dev' }), quietMode({ name: 'dev' })], graph: () => noop() })).toThrow(
      InvalidDefinitionError,
    );
  });

  it('refuses two presets with one name', () => {
    expect(() =>
      pipeline({ name: 'p', modes: [quietMode()], presets: [preset({ name: 'x' }), preset({ name: 'x' })], graph: () => noop() }),
    ).toThrow(InvalidDefinitionError);
  });

  it('refuses a preset naming a mode the pipeline does not have', () => {
    expect(() =>
      pipeline({ name: 'p', modes: [quietMode({ name: 'dev' })], presets: [preset({ name: 'x', mode: 'prod' })], graph: () => noop() }),
    ).toThrow(InvalidDefinitionError);
  });

  it('refuses two different solids that share a name', () => {
    const a = solid({ name: 'same', compute: () => 1 });
    const b = solid({ name: 'same', compute: () => 2 });
    expect(() =>
      pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          a();
          b.alias('other')();
        },
      }),
    ).toThrow(InvalidDefinitionError);
  });

  it('names the second unaliased invocation of a solid "<name>_2"', () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        one();
        one();
        one();
      },
    });
    expect(p.nodes.map((n) => n.name)).toEqual(['one', 'one_2', 'one_3']);
  });

  it('runs both invocations of a solid invoked twice, under their own names', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        inc(one());
        inc(one());
      },
    });
    const result = await execute(p);
    expect(result.output('inc')).toBe(2);
    expect(result.output('inc_2')).toBe(2);
    expect(result.solid('one_2').success).toBe(true);
  });

  it('names an aliased invocation by its alias', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        inc.alias('plus_one')(one.alias('start')());
      },
    });
    expect(p.nodes.map((n) => n.name)).toEqual(['start', 'plus_one']);
    const result = await execute(p);
    expect(result.output('plus_one')).toBe(2);
  });

  it('refuses an alias that collides with another invocation', () => {
    expect(() =>
      pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          one();
          inc.alias('one')();
        },
      }),
    ).toThrow(InvalidDefinitionError);
  });

  it('wires outputs picked by destructuring a multi-output solid', async () => {
    const split = solid({
      name: 'split',
      outputs: { even: z.array(z.number()), odd: z.array(z.number()) },
      compute: () => ({ even: [2, 4], odd: [1, 3, 5] }),
    });
    const count = solid({ name: 'count', inputs: { xs: z.array(z.number()) }, output: z.number(), compute: (_c, { xs }) => xs.length });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        const { even, odd } = split();
        count.alias('evens')(even);
        count.alias('odds')({ xs: odd });
      },
    });
    const result = await execute(p);
    expect(result.output('evens')).toBe(2);
    expect(result.output('odds')).toBe(3);
  });

  it('wires inputs by position in declaration order', async () => {
    const minus = solid({
      name: 'minus',
      inputs: { a: z.number(), b: z.number() },
      output: z.number(),
      compute: (_c, { a, b }) => a - b,
    });
    const ten = solid({ name: 'ten', output: z.number(), compute: () => 10 });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        minus(ten(), one());
      },
    });
    expect((await execute(p)).output('minus')).toBe(9);
  });

  it('refuses wiring an input the solid does not declare', () => {
    expect(() =>
      pipeline({
        name: 'p',
        modes: [quietMode()],
        graph: () => {
          inc({ m: one() } as never);
        },
      }),
    ).toThrow(InvalidDefinitionError);
  });

  it('is recognised by its brand', () => {
    expect(isPipeline(pipeline({ name: 'p', modes: [quietMode()], graph: () => noop() }))).toBe(true);
    expect(isPipeline({ name: 'p' })).toBe(false);
  });
});

describe('a mode lacking a resource', () => {
  const uses = solid({ name: 'uses_store', resources: ['store'], compute: () => undefined });

  it('is refused when a solid requires it', () => {
    expect(() =>
      pipeline({ name: 'p', modes: [quietMode({ name: 'dev', resources: { cache: noneResource() } })], graph: () => uses() }),
    ).toThrow(InvalidDefinitionError);
  });

  it('names the pipeline, mode, key, requiring solid and the keys the mode provides', () => {
    const error = thrown(() =>
      pipeline({
        name: 'sales',
        modes: [quietMode({ name: 'dev', resources: { cache: noneResource(), files: noneResource() } })],
        graph: () => uses(),
      }),
    );
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect(error.message).toContain('sales');
    expect(error.message).toContain('dev');
    expect(error.message).toContain('store');
    expect(error.message).toContain('uses_store');
    expect(error.message).toContain('cache');
    expect(error.message).toContain('files');
  });

  it('is refused when another resource requires it, naming that resource', () => {
    const client = resource({ resources: ['store'], init: () => ({}) });
    const error = thrown(() => pipeline({ name: 'p', modes: [quietMode({ name: 'dev', resources: { client } })], graph: () => noop() }));
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect(error.message).toContain('store');
    expect(error.message).toContain('client');
  });

  it('is checked in every mode, not only the first', () => {
    const error = thrown(() =>
      pipeline({
        name: 'p',
        modes: [quietMode({ name: 'dev', resources: { store: noneResource() } }), quietMode({ name: 'prod' })],
        graph: () => uses(),
      }),
    );
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect(error.message).toContain('prod');
  });
});

describe('mode()', () => {
  it('is named "default" when no name is given', () => {
    expect(mode().name).toBe('default');
  });

  it('logs to the console logger by default', () => {
    expect(mode().loggers).toEqual({ console: consoleLogger });
  });

  it('allows the sync executor first by default', () => {
    expect(mode().executors[0]).toBe(syncExecutor);
    expect(mode().executors).toContain(asyncExecutor);
  });

  it('refuses resources that depend on each other in a cycle', () => {
    const a = resource({ resources: ['b'], init: () => 1 });
    const b = resource({ resources: ['a'], init: () => 2 });
    expect(() => mode({ resources: { a, b } })).toThrow(InvalidDefinitionError);
  });

  it('refuses a resource that depends on itself', () => {
    const a = resource({ resources: ['a'], init: () => 1 });
    expect(() => mode({ resources: { a } })).toThrow(InvalidDefinitionError);
  });

  it('refuses a plain value where a resource is expected', () => {
    expect(() => mode({ resources: { n: 3 as never } })).toThrow(InvalidDefinitionError);
  });

  it('refuses two executors with one name', () => {
    expect(() => mode({ executors: [syncExecutor, syncExecutor] })).toThrow(InvalidDefinitionError);
  });

  it('is recognised by its brand', () => {
    expect(isMode(mode())).toBe(true);
  });
});

describe('mode.fromResources', () => {
  it('wraps plain values as resources', async () => {
    const read = solid({ name: 'read', resources: ['answer'], compute: (ctx) => ctx.resources.answer });
    const m = mode.fromResources({ answer: 42 }, 'test');
    expect(m.name).toBe('test');
    expect(isResource(m.resources['answer'])).toBe(true);
    const p = pipeline({ name: 'p', modes: [m], graph: () => read() });
    const result = await execute(p, { runConfig: { loggers: { console: { config: { level: 'fatal' } } } } });
    expect(result.output('read')).toBe(42);
  });

  it('is named "default" when no name is given', () => {
    expect(mode.fromResources({ answer: 42 }).name).toBe('default');
  });

  it('keeps values that already are resources', () => {
    const r = hardcodedResource(1);
    expect(mode.fromResources({ r }).resources['r']).toBe(r);
  });
});

describe('resource helpers', () => {
  const read = solid({ name: 'read', resources: ['thing'], compute: (ctx) => ctx.resources.thing });
  const readWith = (thing: ReturnType<typeof resource>, runConfig?: Record<string, unknown>) =>
    execute(pipeline({ name: 'p', modes: [quietMode({ resources: { thing } })], graph: () => read() }), runConfig ? { runConfig } : {});

  it('hardcodedResource gives its value', async () => {
    const value = { id: 7 };
    expect((await readWith(hardcodedResource(value))).output('read')).toBe(value);
  });

  it('noneResource gives undefined', async () => {
    const result = await readWith(noneResource());
    expect(result.success).toBe(true);
    expect(result.output('read')).toBeUndefined();
  });

  it('valuesResource gives its config, parsed with defaults', async () => {
    const settings = valuesResource(z.object({ batch: z.number().default(100), name: z.string() }));
    const result = await readWith(settings, { resources: { thing: { config: { name: 'x' } } } });
    expect(result.output('read')).toEqual({ batch: 100, name: 'x' });
  });

  it('mockResource records every method call', async () => {
    const mock = mockResource<{ save(row: number): string }>({ save: (row) => `saved ${row}` });
    const save = solid({
      name: 'save',
      resources: ['sink'],
      compute: (ctx) => (ctx.resources.sink as { save(row: number): string }).save(3),
    });
    const p = pipeline({ name: 'p', modes: [quietMode({ resources: { sink: mock } })], graph: () => save() });
    const result = await execute(p);
    expect(result.output('save')).toBe('saved 3');
    expect(mock.value.calls).toEqual([{ method: 'save', args: [3] }]);
  });

  it('mockResource answers methods it was not given with undefined, and records them', () => {
    const mock = mockResource<{ ping(): string }>();
    expect(mock.value.ping()).toBeUndefined();
    expect(mock.value.calls).toEqual([{ method: 'ping', args: [] }]);
  });
});

describe('.configured()', () => {
  it('binds a solid config that compute then sees', async () => {
    const greet = solid({ name: 'greet', config: z.object({ who: z.string() }), compute: (ctx) => `hi ${ctx.config.who}` });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => greet.configured({ who: 'ann' })() });
    expect((await execute(p)).output('greet')).toBe('hi ann');
  });

  it('takes a bound solid config out of run config', async () => {
    const greet = solid({ name: 'greet', config: z.object({ who: z.string() }), compute: (ctx) => ctx.config.who });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => greet.configured({ who: 'ann' })() });
    await expect(execute(p, { runConfig: { solids: { greet: { config: { who: 'bob' } } } } })).rejects.toThrow(/configured/);
  });

  it('binds a resource config that init then sees', async () => {
    const conn = resource({ config: z.object({ url: z.string() }), init: ({ config }) => config.url });
    const read = solid({ name: 'read', resources: ['conn'], compute: (ctx) => ctx.resources.conn });
    const p = pipeline({
      name: 'p',
      modes: [quietMode({ resources: { conn: conn.configured({ url: 'mem://' }) } })],
      graph: () => read(),
    });
    expect((await execute(p)).output('read')).toBe('mem://');
  });

  it('leaves the original definition unbound', () => {
    const greet = solid({ name: 'greet', config: z.object({ who: z.string() }), compute: () => 1 });
    greet.configured({ who: 'ann' });
    expect(greet.bound).toBeUndefined();
  });

  it('binds a logger config', async () => {
    const lines: string[] = [];
    const sink = logger({ init: () => ({ write: (line: string) => void lines.push(line) }) });
    const say = solid({ name: 'say', compute: (ctx) => ctx.log.debug('quiet word') });
    const p = pipeline({ name: 'p', modes: [mode({ loggers: { sink: sink.configured({ level: 'debug' }) } })], graph: () => say() });
    await execute(p);
    expect(lines.some((l) => l.includes('quiet word'))).toBe(true);
  });
});

describe('logger(), executor(), preset()', () => {
  it('refuses a logger config that is not a z.object', () => {
    expect(() => logger({ config: z.string() as never, init: () => ({ write: () => undefined }) })).toThrow(InvalidDefinitionError);
  });

  it('adds a level, default info, to every logger config', () => {
    const sink = logger({ config: z.object({ file: z.string().default('x') }), init: () => ({ write: () => undefined }) });
    expect(sink.config.parse({})).toEqual({ file: 'x', level: 'info' });
  });

  it('refuses an executor without create', () => {
    expect(() => executor({ name: 'x' } as never)).toThrow(InvalidDefinitionError);
  });

  it('refuses a preset whose runConfig is not an object', () => {
    expect(() => preset({ name: 'x', runConfig: [] as never })).toThrow(InvalidDefinitionError);
  });
});
