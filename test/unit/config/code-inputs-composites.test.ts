/** RunOptions.inputs and composites: inner solids by dotted name; inputs a composite feeds are given at the composite. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { composite, execute, pipeline, solid, type ConfigIssue } from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n + 1 });

describe('inputs given in code, inside composites', () => {
  it('gives an unconnected input of a solid inside a composite by its dotted name, with no run config for it', async () => {
    const wrap = composite({ name: 'wrap', output: z.number(), graph: () => inc() });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void wrap() });
    const result = await execute(p, { inputs: { 'wrap.inc': { n: 41 } } });
    expect(result.output('wrap.inc')).toBe(42);
    expect(result.output('wrap')).toBe(42);
  });

  it('refuses in code an input that a composite\u2019s own input feeds, saying where run config takes it', async () => {
    const wrap = composite({ name: 'wrap', inputs: { start: z.number() }, output: z.number(), graph: ({ start }) => inc(start) });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void wrap() });
    const error = await execute(p, {
      inputs: { 'wrap.inc': { n: 1 } },
      runConfig: { solids: { wrap: { inputs: { start: { value: 1 } } } } },
    }).then(
      () => undefined,
      (e: { issues: ConfigIssue[] }) => e,
    );
    expect(error?.issues).toEqual([
      {
        path: ['inputs', 'wrap.inc', 'n'],
        message:
          'input "n" of solid "wrap.inc" is input "start" of composite "wrap"; give it as inputs["wrap"].start ' +
          '(or in run config as solids.wrap.inputs.start.value)',
      },
    ]);
  });
});

describe('inputs given in code for a composite', () => {
  it('gives a nested composite\u2019s own unconnected input by its dotted name, fed to its solids', async () => {
    const inner = composite({ name: 'inner', inputs: { start: z.number() }, output: z.number(), graph: ({ start }) => inc(start) });
    const outer = composite({ name: 'outer', output: z.number(), graph: () => inc(inner()) });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void outer() });
    const result = await execute(p, { inputs: { 'outer.inner': { start: 1 } } });
    expect(result.output('outer.inner.inc')).toBe(2);
    expect(result.output('outer')).toBe(3);
  });
});
