import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { composite, InvalidDefinitionError, solid } from '../../../lib/index.ts';
import { buildSolidContext, executeSolid } from '../../../lib/testing/index.ts';

const add = solid({
  name: 'add',
  inputs: { x: z.number() },
  output: z.number(),
  config: z.object({ k: z.number().default(1) }),
  compute: (ctx, { x }) => x + ctx.config.k,
});
const addTwice = composite({ name: 'add_twice', inputs: { x: z.number() }, output: z.number(), graph: ({ x }) => add(add(x)) });

describe('buildSolidContext with a composite', () => {
  it('refuses it with InvalidDefinitionError: a composite has no compute, executeSolid runs it', () => {
    let error: unknown;
    try {
      buildSolidContext({ solid: addTwice.alias('twice') as never, config: { k: 1 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect((error as Error).message).toMatch(/"twice" is a composite, which has no compute of its own/);
    expect((error as Error).message).toContain('executeSolid');
  });

  it('the way it points to runs the composite', async () => {
    const result = await executeSolid(addTwice, { inputs: { x: 1 } });
    expect(result.output()).toBe(3);
  });
});

describe('executeSolid with a composite', () => {
  const mapped = composite({
    name: 'mapped',
    inputs: { x: z.number() },
    output: z.number(),
    config: z.object({ k: z.number() }),
    configMapping: ({ k }) => ({ add: { config: { k } } }),
    graph: ({ x }) => add(x),
  });

  it('takes the config its mapping maps, typed as a composite', async () => {
    const result = await executeSolid(mapped, { inputs: { x: 1 }, config: { k: 10 } });
    expect(result.output()).toBe(11);
    expect(result.stepKeys).toEqual(['mapped.add']);
  });

  it("keeps run config's entry for it (its solids' config) beside the inputs given", async () => {
    const result = await executeSolid(addTwice, {
      inputs: { x: 1 },
      runConfig: { solids: { add_twice: { solids: { add: { config: { k: 10 } } } } } },
    });
    expect(result.output()).toBe(12);
  });
});
