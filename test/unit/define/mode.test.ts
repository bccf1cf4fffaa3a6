/** mode() (lib/define/mode.ts): defaults, resources checked against what solids and resources need, fromResources. */
import { describe, expect, it } from 'vitest';
import {
  InvalidDefinitionError,
  asyncExecutor,
  consoleLogger,
  execute,
  hardcodedResource,
  isMode,
  isResource,
  mode,
  noneResource,
  pipeline,
  resource,
  solid,
  syncExecutor,
} from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

const noop = solid({ name: 'noop', compute: () => undefined });

/** The error `fn` throws (fails when it does not throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

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
