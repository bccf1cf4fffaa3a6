/** InputJoin (lib/engine/input-join.ts): an invocation's inputs joined across fan-outs; a plain input broadcast to every mapped step. */
import { describe, expect, it } from 'vitest';
import { of } from 'rxjs';
import { z } from 'zod';
import { execute, pipeline, solid } from '../../../lib/index.ts';
import { executors, on, quietMode } from '../../helpers/index.ts';

const emits = (name: string, values: readonly number[]) => solid({ name, output: z.number(), compute: () => of(...values) });

const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n * 2 });

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  it('broadcasts a plain input to every mapped step', async () => {
    const scale = solid({
      name: 'scale',
      inputs: { n: z.number(), factor: z.number() },
      output: z.number(),
      compute: (_c, { n, factor }) => n * factor,
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        scale({ n: emits('src', [1, 2, 3])(), factor: emits('ten', [10])() });
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.solid('scale').outputs['result']).toEqual([10, 20, 30]);
  });

  it('broadcasts an input from run config to every mapped step', async () => {
    const scale = solid({
      name: 'scale',
      inputs: { n: z.number(), factor: z.number() },
      output: z.number(),
      compute: (_c, { n, factor }) => n * factor,
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        scale({ n: emits('src', [1, 2])() });
      },
    });
    const result = await execute(p, { runConfig: { ...runConfig, solids: { scale: { inputs: { factor: { value: 3 } } } } } });
    expect(result.solid('scale').outputs['result']).toEqual([3, 6]);
  });

  it('deep-freezes a plain input broadcast to several mapped steps', async () => {
    const frozen: boolean[] = [];
    const settings = solid({ name: 'settings', compute: () => ({ nested: { seen: 0 } }) });
    const use = solid({
      name: 'use',
      inputs: { n: z.number(), s: z.any() },
      compute: (_c, { s }) => {
        frozen.push(Object.isFrozen(s) && Object.isFrozen(s.nested));
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        use({ n: emits('src', [1, 2, 3])(), s: settings() });
      },
    });
    await execute(p, { runConfig });
    expect(frozen).toEqual([true, true, true]);
  });

  it('joins two inputs fanned from the same origin index by index', async () => {
    const add = solid({ name: 'add', inputs: { a: z.number(), b: z.number() }, output: z.number(), compute: (_c, { a, b }) => a + b });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        const n = emits('src', [1, 2])();
        add(double(n), n);
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.solid('add').stepKeys).toEqual(['add[0]', 'add[1]']);
    expect(result.solid('add').outputs['result']).toEqual([3, 6]);
  });

  it('fails the join of two inputs fanned out from different origins with an InvalidDefinitionError', async () => {
    const add = solid({ name: 'add', inputs: { a: z.number(), b: z.number() }, output: z.number(), compute: (_c, { a, b }) => a + b });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        add(emits('xs', [1, 2])(), emits('ys', [3, 4])());
      },
    });
    const result = await execute(p, { runConfig, raiseOnError: false });
    expect(result.status).toBe('FAILURE');
    expect(result.solid('add').error?.name).toBe('InvalidDefinitionError');
  });
});
