import { afterEach, describe, expect, it, vi } from 'vitest';
import { of } from 'rxjs';
import { z } from 'zod';
import { InvalidConfigError, memoryLogger, mockResource, resource, solid } from '../../../lib/index.ts';
import { executeSolid } from '../../../lib/testing/index.ts';
import { quietMode, rejectionOf } from '../../helpers/index.ts';

const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n * 2 });

describe('executeSolid', () => {
  it('records calls on a mockResource', async () => {
    const store = mockResource<{ put(key: string): void }>();
    const save = solid({
      name: 'save',
      resources: ['store'],
      compute: (ctx) => (ctx.resources.store as { put(key: string): void }).put('k'),
    });
    await executeSolid(save, { resources: { store } });
    expect(store.value.calls).toEqual([{ method: 'put', args: ['k'] }]);
  });

  it('tears down the resources it initialised', async () => {
    const journal: string[] = [];
    const r = resource({
      async *init() {
        try {
          yield 1;
        } finally {
          journal.push('teardown');
        }
      },
    });
    const s = solid({ name: 's', resources: ['r'], compute: () => undefined });
    await executeSolid(s, { resources: { r } });
    expect(journal).toEqual(['teardown']);
  });

  it('gives every output of a multi-output solid', async () => {
    const split = solid({ name: 'split', outputs: { a: z.number(), b: z.number() }, compute: () => of({ a: 1 }, { a: 2, b: 3 }) });
    const result = await executeSolid(split, {});
    expect(result.outputs).toEqual({ a: [1, 2], b: [3] });
    expect(result.output('b')).toBe(3);
  });

  it('gives the run it ran in', async () => {
    const result = await executeSolid(double, { inputs: { n: 1 } });
    expect(result.runResult.status).toBe('SUCCESS');
    expect(result.runResult.events.at(-1)?.type).toBe('RUN_SUCCESS');
  });

  it('gives the solid’s status, events and step keys', async () => {
    const result = await executeSolid(double, { inputs: { n: 1 } });
    expect(result.status).toBe('SUCCESS');
    expect(result.stepKeys).toEqual(['double']);
    expect(result.events.map((e) => e.type)).toContain('STEP_SUCCESS');
  });

  it('resolves with the failure when raiseOnError is false', async () => {
    const s = solid({
      name: 's',
      compute: () => {
        throw new Error('boom');
      },
    });
    const result = await executeSolid(s, { raiseOnError: false });
    expect(result.status).toBe('FAILURE');
    expect(result.error?.message).toBe('boom');
  });

  it('rejects with InvalidConfigError for an input that fails its schema', async () => {
    expect(await rejectionOf(executeSolid(double, { inputs: { n: 'two' } }))).toBeInstanceOf(InvalidConfigError);
  });

  it('rejects with InvalidConfigError for a missing input', async () => {
    expect(await rejectionOf(executeSolid(double, {}))).toBeInstanceOf(InvalidConfigError);
  });

  it('rejects with InvalidConfigError for config that fails its schema', async () => {
    const greet = solid({ name: 'greet', config: z.object({ who: z.string() }), compute: () => undefined });
    expect(await rejectionOf(executeSolid(greet, { config: { who: 3 } }))).toBeInstanceOf(InvalidConfigError);
  });

  describe('logs', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });
    const talk = solid({
      name: 'talk',
      compute: (ctx) => {
        ctx.log.info({ n: 1 }, 'talking');
        ctx.log.debug('detail');
        return 1;
      },
    });

    it('is quiet by default: nothing on stdout or stderr, even for a failure', async () => {
      const stdout = vi.spyOn(process.stdout, 'write');
      const stderr = vi.spyOn(process.stderr, 'write');
      await executeSolid(talk);
      const fail = solid({
        name: 'fail',
        compute: () => {
          throw new Error('boom');
        },
      });
      await executeSolid(fail, { raiseOnError: false });
      expect(stdout).not.toHaveBeenCalled();
      expect(stderr).not.toHaveBeenCalled();
    });

    it('keeps ctx.log records at info as LOG events of its run, and at debug when run config says so', async () => {
      const logs = (r: Awaited<ReturnType<typeof executeSolid>>) =>
        r.runResult.events.flatMap((e) => (e.type === 'LOG' ? [e.message] : []));
      expect(logs(await executeSolid(talk))).toEqual(['talking']);
      const debug = await executeSolid(talk, { runConfig: { loggers: { console: { config: { level: 'debug' } } } } });
      expect(logs(debug)).toEqual(['talking', 'detail']);
    });

    it('writes to the loggers it is given, also in place of those of a given mode', async () => {
      const memory = memoryLogger();
      await executeSolid(talk, { loggers: { memory } });
      expect(memory.records().find((r) => r['msg'] === 'talking')).toMatchObject({ n: 1, solid: 'talk' });
      const other = memoryLogger();
      await executeSolid(talk, { mode: quietMode({ name: 'unit' }), loggers: { other } });
      expect(other.records().some((r) => r['msg'] === 'talking')).toBe(true);
    });
  });

  it('runs an aliased solid under its alias', async () => {
    const result = await executeSolid(double.alias('twice'), { inputs: { n: 4 } });
    expect(result.output()).toBe(8);
    expect(result.stepKeys).toEqual(['twice']);
  });
});
