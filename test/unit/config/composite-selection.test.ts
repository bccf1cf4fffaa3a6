/**
 * Selections that cut into composites: a composite input whose producer is not selected
 * takes its value from run config (`solids.<c>.inputs.<x>.value`) or code (`inputs: { c: { x } }`),
 * fed to every selected solid inside that reads it; messages never point at a refused path.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { composite, execute, pipeline, runConfigJsonSchema, solid, type ConfigIssue, type RunResult } from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const add = solid({
  name: 'add',
  inputs: { x: z.number() },
  output: z.number(),
  config: z.object({ k: z.number().default(1) }),
  compute: (ctx, { x }) => x + ctx.config.k,
});
const pair = solid({
  name: 'pair',
  inputs: { a: z.number(), b: z.number() },
  output: z.string(),
  compute: (_ctx, { a, b }) => `${a},${b}`,
});
const sum = solid({
  name: 'sum',
  inputs: { xs: z.array(z.number()) },
  output: z.number(),
  compute: (_ctx, { xs }) => xs.reduce((s, v) => s + v, 0),
});

// The review's pipeline: outer maps its config onto inner, whose add5 is bound; plain does not map.
const inner = composite({
  name: 'inner',
  inputs: { x: z.number() },
  output: z.number(),
  graph: ({ x }) => add(add.configured({ k: 5 }).alias('add5')(x)),
});
const outer = composite({
  name: 'outer',
  inputs: { x: z.number() },
  output: z.number(),
  config: z.object({ k: z.number() }),
  configMapping: ({ k }) => ({ inner: { solids: { add: { config: { k } } } } }),
  graph: ({ x }) => inner(x),
});
const plain = composite({
  name: 'plain',
  inputs: { x: z.number() },
  outputs: { a: z.number(), b: z.number() },
  graph: ({ x }) => ({ a: add(x), b: add.alias('add_b')(x) }),
});
const p = pipeline({
  name: 'p',
  modes: [quietMode()],
  graph: () => {
    const { a, b } = plain(outer(one()));
    add.alias('last')(a);
    add.alias('last_b')(b);
  },
});

const outputs = (result: RunResult) =>
  Object.fromEntries(result.events.flatMap((e) => (e.type === 'STEP_OUTPUT' ? [[e.stepKey, e.value] as const] : [])));

const issuesOf = (run: Promise<unknown>) =>
  run.then(
    () => [] as ConfigIssue[],
    (e: { issues?: ConfigIssue[] }) => e.issues ?? [],
  );

describe('a composite input whose producer is not selected, in run config', () => {
  it('takes solids.<c>.inputs.<x>.value for a mapped composite, fed to each selected solid inside', async () => {
    const result = await execute(p, {
      select: 'outer',
      runConfig: { solids: { outer: { config: { k: 2 }, inputs: { x: { value: 10 } } } } },
    });
    expect(outputs(result)).toEqual({ 'outer.inner.add5': 15, 'outer.inner.add': 17 });
  });

  it('takes it for a composite without a mapping, feeding both solids wired to it', async () => {
    const result = await execute(p, { select: 'plain', runConfig: { solids: { plain: { inputs: { x: { value: 10 } } } } } });
    expect(outputs(result)).toEqual({ 'plain.add': 11, 'plain.add_b': 11 });
  });

  it('requires it when a selected solid reads it, naming the producer and the path that takes it', async () => {
    expect(await issuesOf(execute(p, { select: 'outer', runConfig: { solids: { outer: { config: { k: 2 } } } } }))).toEqual([
      {
        path: ['solids', 'outer', 'inputs', 'x'],
        message: 'input "x" of composite "outer" is wired from "one", which is not selected; give it as solids.outer.inputs.x.value',
      },
    ]);
  });

  it('refuses it at an inner solid, pointing at the composite input', async () => {
    const issues = await issuesOf(
      execute(p, {
        select: 'plain',
        runConfig: { solids: { plain: { inputs: { x: { value: 1 } }, solids: { add: { inputs: { x: { value: 10 } } } } } } },
      }),
    );
    expect(issues).toEqual([
      {
        path: ['solids', 'plain', 'solids', 'add', 'inputs', 'x'],
        message: 'input "x" of solid "plain.add" takes the value of input "x" of composite "plain"; give it as solids.plain.inputs.x.value',
      },
    ]);
  });

  it('still refuses it when the producer is selected', async () => {
    const issues = await issuesOf(
      execute(p, { select: 'one,outer', runConfig: { solids: { outer: { config: { k: 2 }, inputs: { x: { value: 10 } } } } } }),
    );
    expect(issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      [
        'solids.outer.inputs.x',
        'input "x" of composite "outer" is wired from "one"; only unconnected inputs take a value (unconnected: (none))',
      ],
    ]);
  });

  it('does not ask for it when no selected solid reads it', async () => {
    const result = await execute(p, { select: 'last', runConfig: { solids: { last: { inputs: { x: { value: 3 } } } } } });
    expect(outputs(result)).toEqual({ last: 4 });
    const inside = await execute(p, { select: 'plain.add', runConfig: { solids: { plain: { inputs: { x: { value: 3 } } } } } });
    expect(outputs(inside)).toEqual({ 'plain.add': 4 });
  });

  it('feeds the outermost composite input a wire passes through (nested composites)', async () => {
    const mid = composite({ name: 'mid', inputs: { y: z.number() }, output: z.number(), graph: ({ y }) => add(y) });
    const wrap = composite({ name: 'wrap', inputs: { x: z.number() }, output: z.number(), graph: ({ x }) => mid(x) });
    const q = pipeline({ name: 'q', modes: [quietMode()], graph: () => void wrap(one()) });
    const result = await execute(q, { select: 'wrap.mid', runConfig: { solids: { wrap: { inputs: { x: { value: 5 } } } } } });
    expect(outputs(result)).toEqual({ 'wrap.mid.add': 6 });
    const issues = await issuesOf(
      execute(q, {
        select: 'wrap.mid',
        runConfig: { solids: { wrap: { inputs: { x: { value: 5 } }, solids: { mid: { inputs: { y: { value: 1 } } } } } } },
      }),
    );
    expect(issues.map((i) => i.message)).toEqual([
      'input "y" of composite "wrap.mid" takes the value of input "x" of composite "wrap"; give it as solids.wrap.inputs.x.value',
    ]);
  });

  it('takes solids.<outer>.solids.<mid>.inputs.<y>.value when the producer sits inside the outer composite', async () => {
    const mid = composite({ name: 'mid', inputs: { y: z.number() }, output: z.number(), graph: ({ y }) => add(y) });
    const wrap = composite({ name: 'wrap', inputs: { x: z.number() }, output: z.number(), graph: ({ x }) => mid(add.alias('pre')(x)) });
    const q = pipeline({ name: 'q', modes: [quietMode()], graph: () => void wrap(one()) });
    const result = await execute(q, {
      select: 'wrap.mid',
      runConfig: { solids: { wrap: { solids: { mid: { inputs: { y: { value: 5 } } } } } } },
    });
    expect(outputs(result)).toEqual({ 'wrap.mid.add': 6 });
  });

  it('keeps two inputs wired to one output apart', async () => {
    const both = composite({
      name: 'both',
      inputs: { a: z.number(), b: z.number() },
      output: z.string(),
      graph: ({ a, b }) => pair({ a, b }),
    });
    const q = pipeline({
      name: 'q',
      modes: [quietMode()],
      graph: () => {
        const o = one();
        both({ a: o, b: o });
      },
    });
    const result = await execute(q, { select: 'both', runConfig: { solids: { both: { inputs: { a: { value: 1 }, b: { value: 2 } } } } } });
    expect(outputs(result)).toEqual({ 'both.pair': '1,2' });
  });

  it('gives a collect() of it the one value, gathered', async () => {
    const gather = composite({ name: 'gather', inputs: { x: z.number() }, output: z.number(), graph: ({ x }) => sum(x.collect()) });
    const q = pipeline({ name: 'q', modes: [quietMode()], graph: () => void gather(one()) });
    const result = await execute(q, { select: 'gather', runConfig: { solids: { gather: { inputs: { x: { value: 7 } } } } } });
    expect(outputs(result)).toEqual({ 'gather.sum': 7 });
  });

  it('does not treat a solid fed by a composite\u2019s passed-through output as inside it', async () => {
    const through = composite({ name: 'through', inputs: { x: z.number() }, output: z.number(), graph: ({ x }) => x });
    const q = pipeline({ name: 'q', modes: [quietMode()], graph: () => void add(through(one())) });
    const result = await execute(q, { select: 'add', runConfig: { solids: { add: { inputs: { x: { value: 4 } } } } } });
    expect(outputs(result)).toEqual({ add: 5 });
  });

  it('shows it in the JSON Schema of that selection, required, and not at the inner solids', () => {
    const schema = runConfigJsonSchema(p, undefined, 'outer') as any;
    const entry = schema.properties.solids.properties.outer;
    expect(entry.properties.inputs.required).toEqual(['x']);
    expect(entry.properties.inputs.properties.x.properties.value.anyOf).toContainEqual({ type: 'number' });
    expect(entry.properties.solids).toBeUndefined();
    const plainEntry = (runConfigJsonSchema(p, undefined, 'plain') as any).properties.solids.properties.plain;
    expect(plainEntry.properties.inputs.required).toEqual(['x']);
    expect(plainEntry.properties.solids.properties.add.properties.inputs.properties ?? {}).toEqual({});
  });
});

describe('a mapped composite\u2019s inner input left unconnected by the selection', () => {
  it('says to select the producer or give the value in code, blaming neither the mapping nor pointing at solids.<c>.solids', async () => {
    const issues = await issuesOf(execute(p, { select: 'outer.inner.add', runConfig: { solids: { outer: { config: { k: 2 } } } } }));
    expect(issues).toEqual([
      {
        path: ['solids', 'outer'],
        message:
          'input "x" of solid "outer.inner.add" is wired from "outer.inner.add5", which is not selected, and composite "outer" maps its config ' +
          'onto its solids (configMapping), so run config takes no entry for solid "outer.inner.add"; select "outer.inner.add5" too, ' +
          'or give the value in code: RunOptions.inputs { "outer.inner.add": { x: … } }',
      },
    ]);
    for (const issue of issues) expect(issue.message).not.toMatch(/solids\.outer\.solids/);
  });

  it('runs with the value given in code, as the message says', async () => {
    const result = await execute(p, {
      select: 'outer.inner.add',
      inputs: { 'outer.inner.add': { x: 3 } },
      runConfig: { solids: { outer: { config: { k: 2 } } } },
    });
    expect(outputs(result)).toEqual({ 'outer.inner.add': 5 });
  });
});

describe('a composite inside a mapped composite, its input left unconnected by the selection', () => {
  it('is given in code by its dotted name, as the issue says', async () => {
    const mid = composite({ name: 'mid', inputs: { y: z.number() }, output: z.number(), graph: ({ y }) => add(y) });
    const wrap = composite({
      name: 'wrap',
      inputs: { x: z.number() },
      output: z.number(),
      config: z.object({ k: z.number() }),
      configMapping: ({ k }) => ({ mid: { solids: { add: { config: { k } } } } }),
      graph: ({ x }) => mid(add.alias('pre')(x)),
    });
    const q = pipeline({ name: 'q', modes: [quietMode()], graph: () => void wrap(one()) });
    const runConfig = { solids: { wrap: { config: { k: 3 } } } };
    expect(await issuesOf(execute(q, { select: 'wrap.mid', runConfig }))).toEqual([
      {
        path: ['solids', 'wrap'],
        message:
          'input "y" of composite "wrap.mid" is wired from "wrap.pre", which is not selected, and composite "wrap" maps its config onto ' +
          'its solids (configMapping), so run config takes no entry for composite "wrap.mid"; select "wrap.pre" too, or give the value ' +
          'in code: RunOptions.inputs { "wrap.mid": { y: … } }',
      },
    ]);
    const result = await execute(q, { select: 'wrap.mid', inputs: { 'wrap.mid': { y: 10 } }, runConfig });
    expect(outputs(result)).toEqual({ 'wrap.mid.add': 13 });
  });
});

describe('RunOptions.inputs for a composite\u2019s own inputs', () => {
  it('takes { c: { x } } for an input whose producer is not selected, fed to the solids inside', async () => {
    const result = await execute(p, {
      select: 'outer',
      inputs: { outer: { x: 10 } },
      runConfig: { solids: { outer: { config: { k: 2 } } } },
    });
    expect(outputs(result)).toEqual({ 'outer.inner.add5': 15, 'outer.inner.add': 17 });
    expect(result.events[0]).toMatchObject({ type: 'RUN_START', runConfig: { inputs: { outer: ['x'] } } });
  });

  it('takes a nested composite by its dotted name, over run config', async () => {
    const mid = composite({ name: 'mid', inputs: { y: z.number() }, output: z.number(), graph: ({ y }) => add(y) });
    const wrap = composite({ name: 'wrap', inputs: { x: z.number() }, output: z.number(), graph: ({ x }) => mid(add.alias('pre')(x)) });
    const q = pipeline({ name: 'q', modes: [quietMode()], graph: () => void wrap(one()) });
    const result = await execute(q, {
      select: 'wrap.mid',
      inputs: { 'wrap.mid': { y: 20 } },
      runConfig: { solids: { wrap: { solids: { mid: { inputs: { y: { value: 5 } } } } } } },
    });
    expect(outputs(result)).toEqual({ 'wrap.mid.add': 21 });
  });

  it('checks the value by the composite input\u2019s schema', async () => {
    const issues = await issuesOf(execute(p, { select: 'plain', inputs: { plain: { x: 'ten' } } }));
    expect(issues).toEqual([{ path: ['inputs', 'plain', 'x'], message: 'Invalid input: expected number, received string' }]);
  });

  it('refuses a connected input, an unknown one, and an inner solid\u2019s input the composite feeds', async () => {
    const wired = await issuesOf(
      execute(p, { select: '*plain', inputs: { plain: { x: 1 } }, runConfig: { solids: { outer: { config: { k: 2 } } } } }),
    );
    expect(wired).toEqual([
      {
        path: ['inputs', 'plain', 'x'],
        message:
          'input "x" of composite "plain" is wired from "outer.inner.add"; only unconnected inputs take a value (unconnected: (none))',
      },
    ]);
    const unknown = await issuesOf(execute(p, { select: 'plain', inputs: { plain: { y: 1 } } }));
    expect(unknown.map((i) => i.message)).toContain('composite "plain" has no input "y"; its unconnected inputs are: "x"');
    const inner = await issuesOf(execute(p, { select: 'plain', inputs: { plain: { x: 1 }, 'plain.add': { x: 1 } } }));
    expect(inner).toEqual([
      {
        path: ['inputs', 'plain.add', 'x'],
        message:
          'input "x" of solid "plain.add" is input "x" of composite "plain"; give it as inputs["plain"].x ' +
          '(or in run config as solids.plain.inputs.x.value)',
      },
    ]);
  });

  it('ignores a composite with no selected solid, as run config does', async () => {
    const result = await execute(p, { select: 'last', inputs: { plain: { x: 'anything' }, last: { x: 1 } } });
    expect(outputs(result)).toEqual({ last: 2 });
  });
});
