/** pipeline() (lib/define/pipeline.ts): modes, presets, invocation names, wiring. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidDefinitionError, execute, isPipeline, pipeline, preset, solid } from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

const noop = solid({ name: 'noop', compute: () => undefined });
const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n + 1 });

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
