/** executor() (lib/define/executor.ts): an executor is validated when defined; its create runs once per run. */
import { queueScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidDefinitionError, StepExecutionError, execute, executor, pipeline, resource, solid } from '../../../lib/index.ts';
import { quietMode, rejectionOf } from '../../helpers/index.ts';

describe('executor()', () => {
  it('refuses an executor without create', () => {
    expect(() => executor({ name: 'x' } as never)).toThrow(InvalidDefinitionError);
  });

  it('refuses a config that is not a zod schema, naming the executor', () => {
    expect(() =>
      executor({ name: 'serial', config: { maxConcurrent: 1 } as never, create: () => ({ scheduler: queueScheduler, maxConcurrent: 1 }) }),
    ).toThrow(/executor "serial" config/);
  });

  it('binds its config with .configured(), leaving the original unbound', async () => {
    const seen: unknown[] = [];
    const serial = executor({
      name: 'serial',
      config: z.object({ label: z.string() }),
      create: ({ config }) => {
        seen.push(config);
        return { scheduler: queueScheduler, maxConcurrent: 1 };
      },
    });
    const bound = serial.configured({ label: 'bound' });
    expect(serial.bound).toBeUndefined();
    const one = solid({ name: 'one', compute: () => 1 });
    await execute(pipeline({ name: 'p', modes: [quietMode({ executors: [bound] })], graph: () => one() }));
    expect(seen).toEqual([{ label: 'bound' }]);
  });

  it('fails the run with what create threw, before any resource is initialised', async () => {
    const journal: string[] = [];
    const broken = executor({
      name: 'broken',
      create: () => {
        throw new Error('no scheduler today');
      },
    });
    const r = resource({ init: () => void journal.push('init r') });
    const uses = solid({ name: 'uses', resources: ['r'], compute: () => void journal.push('uses ran') });
    const p = pipeline({ name: 'p', modes: [quietMode({ executors: [broken], resources: { r } })], graph: () => uses() });
    const error = await rejectionOf(execute(p));
    expect(error).toBeInstanceOf(StepExecutionError);
    expect((error as StepExecutionError<{ status: string }>).result.status).toBe('FAILURE');
    expect((error as Error).message).toContain('no scheduler today');
    expect(journal).toEqual([]);
  });
});
