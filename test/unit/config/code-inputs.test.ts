import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, InvalidConfigError, memoryLogger, mode, pipeline, run, solid, type RunEvent } from '../../../lib/index.ts';

const quiet = () => mode({ loggers: { memory: memoryLogger() } });
const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n * 2 });
const label = solid({
  name: 'label',
  inputs: { n: z.number(), prefix: z.string().default('n=') },
  output: z.string(),
  compute: (_ctx, { n, prefix }) => `${prefix}${n}`,
});
const echo = solid({ name: 'echo', inputs: { x: z.unknown() }, compute: (_ctx, { x }) => x });
const p = pipeline({
  name: 'code_inputs',
  modes: [quiet()],
  graph: () => {
    label({ n: double() });
    echo();
  },
});

function configErrorOf(promise: Promise<unknown>): Promise<InvalidConfigError> {
  return promise.then(
    () => {
      throw new Error('resolved');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(InvalidConfigError);
      return error as InvalidConfigError;
    },
  );
}

describe('RunOptions.inputs', () => {
  it.each(['sync', 'async'])('feeds unconnected inputs from code, no run config needed (%s)', async (executor) => {
    const result = await execute(p, {
      inputs: { double: { n: 21 }, echo: { x: { rows: [1, 2] } } },
      runConfig: { execution: { [executor]: {} } },
    });
    expect(result.output(label)).toBe('n=42');
    expect(result.output(echo)).toEqual({ rows: [1, 2] });
  });

  it('applies the input schema (defaults, transforms) before the run starts', async () => {
    const parsing = solid({
      name: 'parsing',
      inputs: { n: z.string().transform((s) => Number(s)) },
      output: z.number(),
      compute: (_ctx, { n }) => n + 1,
    });
    const q = pipeline({ name: 'parsing_inputs', modes: [quiet()], graph: () => void parsing() });
    expect((await execute(q, { inputs: { parsing: { n: '41' } } })).output(parsing)).toBe(42);
  });

  it('takes precedence over solids.<s>.inputs in run config', async () => {
    const result = await execute(p, {
      inputs: { double: { n: 1 } },
      runConfig: { solids: { double: { inputs: { n: { value: 100 } } }, echo: { inputs: { x: { value: 'config' } } } } },
    });
    expect(result.output(double)).toBe(2);
    expect(result.output(echo)).toBe('config');
  });

  it('RUN_START lists their names, never their values', async () => {
    const secret = 'the-payload-7f3a';
    const events: RunEvent[] = await lastValueFrom(
      run(p, { inputs: { double: { n: 2 }, echo: { x: secret } }, runConfig: { solids: { label: { inputs: {} } } } }).pipe(toArray()),
    );
    const start = events[0]!;
    expect(start.type === 'RUN_START' && start.runConfig).toEqual({
      solids: { label: { inputs: {} } },
      inputs: { double: ['n'], echo: ['x'] },
    });
    expect(JSON.stringify(start)).not.toContain(secret);
  });

  it('takes a value in code literally: { env: NAME } is not read from the environment', async () => {
    process.env['MODEFLOW_CODE_INPUT_TEST'] = 'from-env';
    try {
      const result = await execute(p, { inputs: { double: { n: 1 }, echo: { x: { env: 'MODEFLOW_CODE_INPUT_TEST' } } } });
      expect(result.output(echo)).toEqual({ env: 'MODEFLOW_CODE_INPUT_TEST' });
    } finally {
      delete process.env['MODEFLOW_CODE_INPUT_TEST'];
    }
  });

  it('reports every problem at once, at [inputs, solid, input], before any event', async () => {
    const events: RunEvent[] = [];
    const error = await configErrorOf(
      lastValueFrom(
        run(p, {
          inputs: {
            double: { n: 'twenty', m: 1 },
            label: { n: 3 },
            dobule: { n: 1 },
            echo: { x: 1 },
          },
        }).pipe(toArray()),
      ).then((list) => events.push(...list)),
    );
    expect(events).toEqual([]);
    const byPath = Object.fromEntries(error.issues.map((i) => [i.path.join('.'), i.message]));
    expect(Object.keys(byPath).sort()).toEqual(['inputs.dobule', 'inputs.double.m', 'inputs.double.n', 'inputs.label.n']);
    expect(byPath['inputs.double.n']).toMatch(/expected number/i);
    expect(byPath['inputs.double.m']).toMatch(/has no input "m"; its unconnected inputs are: "n"/);
    expect(byPath['inputs.label.n']).toMatch(/is wired from "double"; only unconnected inputs take a value/);
    expect(byPath['inputs.dobule']).toMatch(/unknown solid "dobule"; solids are: "double", "label", "echo"/);
  });

  it('a required input left out of both is still reported, at its run config path', async () => {
    const error = await configErrorOf(execute(p, { inputs: { echo: { x: 1 } } }));
    expect(error.issues.map((i) => i.path)).toEqual([['solids', 'double', 'inputs', 'n']]);
  });

  it('with a selection: an input unconnected within it takes a value; solids outside it are ignored', async () => {
    const result = await execute(p, { select: 'label', inputs: { label: { n: 5 }, double: { n: 'not checked' } } });
    expect(result.output(label)).toBe('n=5');
    expect(result.solid('double').status).toBe('SKIPPED');
  });
});
