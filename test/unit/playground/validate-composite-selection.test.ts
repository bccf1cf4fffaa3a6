/** POST /validate with a selection that cuts into a composite: the same check as a run (the composite's input at solids.<c>.inputs). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { composite, pipeline, solid } from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';
import { testApp } from './fixtures.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const add = solid({ name: 'add', inputs: { x: z.number() }, output: z.number(), compute: (_ctx, { x }) => x + 1 });
const wrap = composite({
  name: 'wrap',
  inputs: { x: z.number() },
  output: z.number(),
  config: z.object({ k: z.number() }),
  configMapping: () => ({}),
  graph: ({ x }) => add(x),
});
const cut = pipeline({ name: 'cut', modes: [quietMode()], graph: () => void wrap(one()) });

const validate = async (body: unknown) => {
  const { post } = await testApp([cut]);
  const res = await post('/api/pipelines/cut/validate', body);
  return (await res.json()) as { valid: boolean; issues: { path: string[]; message: string }[] };
};

describe('POST /api/pipelines/:name/validate with a selection inside a composite', () => {
  it('accepts the composite input at solids.<c>.inputs.<x>.value, and asks for it there when left out', async () => {
    const config = { solids: { wrap: { config: { k: 1 }, inputs: { x: { value: 3 } } } } };
    expect(await validate({ select: 'wrap', runConfig: config })).toEqual({ valid: true, issues: [] });
    const missing = await validate({ select: 'wrap', runConfig: { solids: { wrap: { config: { k: 1 } } } } });
    expect(missing.valid).toBe(false);
    expect(missing.issues).toEqual([
      {
        path: ['solids', 'wrap', 'inputs', 'x'],
        message: 'input "x" of composite "wrap" is wired from "one", which is not selected; give it as solids.wrap.inputs.x.value',
      },
    ]);
  });
});
