/** The resource helpers (modes/resources/helpers.ts, mock.ts): hardcodedResource, noneResource, valuesResource, mockResource. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  execute,
  hardcodedResource,
  mockResource,
  noneResource,
  pipeline,
  resource,
  solid,
  valuesResource,
} from '../../../../lib/index.ts';
import { quietMode } from '../../../helpers/index.ts';

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
