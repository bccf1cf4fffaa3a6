/** InputJoin (lib/engine/input-join.ts): an invocation's inputs joined across fan-outs; a plain input broadcast to every mapped step. */
import { describe, expect, it } from 'vitest';
import { of } from 'rxjs';
import { z } from 'zod';
import { execute, pipeline, solid } from '../../../lib/index.ts';
import { executors, on, quietMode } from '../../helpers/index.ts';

const emits = (name: string, values: readonly number[]) => solid({ name, output: z.number(), compute: () => of(...values) });

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

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
