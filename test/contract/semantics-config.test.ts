/**
 * DESIGN.md, "Semantics in detail" → "Config".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  InvalidDefinitionError,
  InvariantViolationError,
  execute,
  hardcodedResource,
  mode,
  pipeline,
  preset,
  resource,
  run,
  runConfigJsonSchema,
  runConfigSchema,
  solid,
  type RunEvent,
} from '../../lib/index.ts';
import { executors, rejectionOf, silentMode } from '../helpers/index.ts';

const ENV_SET = 'MODEFLOW_CONTRACT_SEMANTICS_SET';
const ENV_UNSET = 'MODEFLOW_CONTRACT_SEMANTICS_UNSET';

afterEach(() => {
  delete process.env[ENV_SET];
  delete process.env[ENV_UNSET];
});

function issuesOf(error: unknown): { path: readonly (string | number)[]; message: string }[] {
  expect(error).toBeInstanceOf(InvalidConfigError);
  return (error as InvalidConfigError).issues.map((i) => ({ path: i.path as readonly (string | number)[], message: i.message }));
}

describe('runConfigSchema and { env: NAME }', () => {
  const withConfig = solid({
    name: 'with_config',
    config: z.object({ n: z.coerce.number(), names: z.array(z.string()) }),
    compute: () => undefined,
  });
  const p = pipeline({
    name: 'env_schema',
    modes: [silentMode()],
    graph: () => {
      withConfig();
    },
  });

  it('runConfigSchema(pipeline) may leave the mode out when the pipeline has one mode', () => {
    const schema = runConfigSchema(p);
    expect(schema.safeParse({ solids: { with_config: { config: { n: 1, names: [] } } } }).success).toBe(true);
  });

  it('a { env: NAME } object is accepted at any leaf by the schema', () => {
    process.env[ENV_SET] = '5';
    const schema = runConfigSchema(p);
    const parsed = schema.safeParse({ solids: { with_config: { config: { n: { env: ENV_SET }, names: ['a', { env: ENV_SET }] } } } });
    expect(parsed.success).toBe(true);
  });

  it('a { env: NAME } object is accepted by its JSON Schema', () => {
    const json = JSON.stringify(runConfigJsonSchema(p));
    expect(json).toContain('"env"');
  });

  it('the schema is built for the chosen mode', () => {
    const needsDb = solid({ name: 'needs_db', resources: ['db'], compute: () => undefined });
    const withDb = resource({ config: z.object({ url: z.string() }), init: ({ config }) => config.url });
    const twoModes = pipeline({
      name: 'schema_per_mode',
      modes: [
        mode({ name: 'real', loggers: {}, resources: { db: withDb } }),
        mode({ name: 'fake', loggers: {}, resources: { db: hardcodedResource('x') } }),
      ],
      graph: () => {
        needsDb();
      },
    });
    expect(runConfigSchema(twoModes, 'real').safeParse({}).success).toBe(false);
    expect(runConfigSchema(twoModes, 'real').safeParse({ resources: { db: { config: { url: 'u' } } } }).success).toBe(true);
    expect(runConfigSchema(twoModes, 'fake').safeParse({}).success).toBe(true);
  });
});

describe.each(executors)('Config at run time ($name executor)', ({ runConfig }) => {
  it('{ env: NAME } is resolved before the leaf schema applies', async () => {
    process.env[ENV_SET] = '42';
    const seen: unknown[] = [];
    const s = solid({ name: 's', config: z.object({ n: z.coerce.number() }), compute: (ctx) => void seen.push(ctx.config.n) });
    const p = pipeline({
      name: 'env_resolved',
      modes: [silentMode()],
      graph: () => {
        s();
      },
    });
    await execute(p, { runConfig: { ...runConfig, solids: { s: { config: { n: { env: ENV_SET } } } } } });
    expect(seen).toEqual([42]);
  });

  it("the resolved value must pass the leaf's own schema (else an InvalidConfigError issue at that path)", async () => {
    process.env[ENV_SET] = 'abc';
    const s = solid({ name: 's', config: z.object({ word: z.string().min(5) }), compute: () => undefined });
    const p = pipeline({
      name: 'env_leaf_schema',
      modes: [silentMode()],
      graph: () => {
        s();
      },
    });
    const issues = issuesOf(
      await rejectionOf(execute(p, { runConfig: { ...runConfig, solids: { s: { config: { word: { env: ENV_SET } } } } } })),
    );
    expect(issues.map((i) => i.path)).toContainEqual(['solids', 's', 'config', 'word']);
  });

  it('a variable set to the empty string counts as set (documented)', async () => {
    process.env[ENV_SET] = '';
    const seen: unknown[] = [];
    const s = solid({ name: 's', config: z.object({ v: z.string() }), compute: (ctx) => void seen.push(ctx.config.v) });
    const p = pipeline({
      name: 'env_empty',
      modes: [silentMode()],
      graph: () => {
        s();
      },
    });
    await execute(p, { runConfig: { ...runConfig, solids: { s: { config: { v: { env: ENV_SET } } } } } });
    expect(seen).toEqual(['']);
  });

  it('{ env: NAME } works in resource config too', async () => {
    process.env[ENV_SET] = 'postgres://x';
    const seen: unknown[] = [];
    const db = resource({ config: z.object({ url: z.string() }), init: ({ config }) => config.url });
    const s = solid({ name: 's', resources: ['db'], compute: (ctx) => void seen.push(ctx.resources['db']) });
    const p = pipeline({
      name: 'env_resource',
      modes: [silentMode({ resources: { db } })],
      graph: () => {
        s();
      },
    });
    await execute(p, { runConfig: { ...runConfig, resources: { db: { config: { url: { env: ENV_SET } } } } } });
    expect(seen).toEqual(['postgres://x']);
  });

  it('an unset variable is an issue of InvalidConfigError, reported before any step starts', async () => {
    let calls = 0;
    const s = solid({ name: 's', config: z.object({ n: z.string() }), compute: () => void calls++ });
    const p = pipeline({
      name: 'env_unset',
      modes: [silentMode()],
      graph: () => {
        s();
      },
    });
    const options = { runConfig: { ...runConfig, solids: { s: { config: { n: { env: ENV_UNSET } } } } } };
    const issues = issuesOf(await rejectionOf(execute(p, options)));
    expect(issues.map((i) => i.path)).toContainEqual(['solids', 's', 'config', 'n']);
    const seen: RunEvent[] = [];
    const error = await new Promise<unknown>((resolve) =>
      run(p, options).subscribe({ next: (e) => seen.push(e), error: resolve, complete: () => resolve(undefined) }),
    );
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(seen).toEqual([]);
    expect(calls).toBe(0);
  });

  it('a required unconnected input with no inputs.<i>.value is an issue, reported before any step starts', async () => {
    let calls = 0;
    const first = solid({ name: 'first', compute: () => void calls++ });
    const needsInput = solid({ name: 'needs_input', inputs: { x: z.number() }, compute: () => void calls++ });
    const p = pipeline({
      name: 'missing_input',
      modes: [silentMode()],
      graph: () => {
        first();
        needsInput();
      },
    });
    const seen: RunEvent[] = [];
    const error = await new Promise<unknown>((resolve) =>
      run(p, { runConfig }).subscribe({ next: (e) => seen.push(e), error: resolve, complete: () => resolve(undefined) }),
    );
    const issues = issuesOf(error);
    expect(issues.some((i) => ['solids', 'needs_input', 'inputs', 'x'].every((k, n) => i.path[n] === k))).toBe(true);
    expect(seen).toEqual([]);
    expect(calls).toBe(0);
    const result = await execute(p, { runConfig: { ...runConfig, solids: { needs_input: { inputs: { x: { value: 3 } } } } } });
    expect(result.status).toBe('SUCCESS');
  });

  it('every problem is reported at once, each path an array of keys', async () => {
    const s = solid({ name: 's', config: z.object({ n: z.string() }), inputs: { x: z.number() }, compute: () => undefined });
    const t = solid({ name: 't', config: z.object({ m: z.number() }), compute: () => undefined });
    const p = pipeline({
      name: 'all_issues',
      modes: [silentMode()],
      graph: () => {
        s();
        t();
      },
    });
    const issues = issuesOf(
      await rejectionOf(
        execute(p, { runConfig: { ...runConfig, solids: { s: { config: { n: { env: ENV_UNSET } } }, t: { config: { m: 'x' } } } } }),
      ),
    );
    expect(issues.length).toBeGreaterThanOrEqual(3);
    for (const issue of issues) {
      expect(Array.isArray(issue.path)).toBe(true);
      expect(typeof issue.message).toBe('string');
    }
    const paths = issues.map((i) => i.path.join('.'));
    expect(paths).toContain('solids.s.config.n');
    expect(paths.some((path) => path.startsWith('solids.s.inputs.x'))).toBe(true);
    expect(paths).toContain('solids.t.config.m');
  });

  it('execution.<name>.config and solids entries are optional when all they hold has defaults', async () => {
    const seen: unknown[] = [];
    const s = solid({ name: 's', config: z.object({ n: z.number().default(3) }), compute: (ctx) => void seen.push(ctx.config.n) });
    const p = pipeline({
      name: 'optional_entries',
      modes: [silentMode()],
      graph: () => {
        s();
      },
    });
    await execute(p, { runConfig });
    await execute(p, { runConfig: { execution: { async: null } } });
    await execute(p, { runConfig: { execution: { async: { config: {} } } } });
    await execute(p, {});
    expect(seen).toEqual([3, 3, 3, 3]);
  });

  describe('with a selection', () => {
    const a = solid({ name: 'a', config: z.object({ required: z.string() }), output: z.number(), compute: () => 1 });
    const b = solid({ name: 'b', inputs: { x: z.number() }, output: z.number(), compute: (_c, { x }) => x * 10 });
    const p = pipeline({
      name: 'selection_config',
      modes: [silentMode()],
      graph: () => {
        b(a());
      },
    });

    it('solids outside it are optional in config', async () => {
      const result = await execute(p, { runConfig: { ...runConfig, solids: { b: { inputs: { x: { value: 2 } } } } }, select: 'b' });
      expect(result.output('b')).toBe(20);
    });

    it('config of solids outside it is accepted without being checked', async () => {
      const result = await execute(p, {
        runConfig: { ...runConfig, solids: { a: { config: { required: 123, extra: true } }, b: { inputs: { x: { value: 1 } } } } },
        select: 'b',
      });
      expect(result.output('b')).toBe(10);
    });

    it('names that are no solid are refused', async () => {
      const issues = issuesOf(
        await rejectionOf(
          execute(p, { runConfig: { ...runConfig, solids: { b: { inputs: { x: { value: 1 } } }, nope: {} } }, select: 'b' }),
        ),
      );
      expect(issues.some((i) => i.path.includes('nope') || i.message.includes('nope'))).toBe(true);
    });

    it('inputs.<i> is required where the input is unconnected within the selection', async () => {
      const issues = issuesOf(await rejectionOf(execute(p, { runConfig, select: 'b' })));
      expect(issues.some((i) => i.path.join('.').startsWith('solids.b.inputs.x'))).toBe(true);
    });

    it('inputs.<i> is refused where the input is connected within the selection', async () => {
      const withoutSelection = await rejectionOf(
        execute(p, { runConfig: { ...runConfig, solids: { a: { config: { required: 'r' } }, b: { inputs: { x: { value: 1 } } } } } }),
      );
      expect(withoutSelection).toBeInstanceOf(InvalidConfigError);
      const withBoth = await rejectionOf(
        execute(p, {
          runConfig: { ...runConfig, solids: { a: { config: { required: 'r' } }, b: { inputs: { x: { value: 1 } } } } },
          select: 'a,b',
        }),
      );
      expect(withBoth).toBeInstanceOf(InvalidConfigError);
    });

    it('runConfigSchema(pipeline, mode, select) follows the same rules', () => {
      const schema = runConfigSchema(p, undefined, 'b');
      expect(schema.safeParse({ solids: { b: { inputs: { x: { value: 1 } } } } }).success).toBe(true);
      expect(schema.safeParse({ solids: { nope: {}, b: { inputs: { x: { value: 1 } } } } }).success).toBe(false);
    });
  });

  describe('presets', () => {
    const s = solid({
      name: 's',
      config: z.object({ a: z.number(), b: z.number(), c: z.array(z.number()).default([]) }),
      output: z.unknown(),
      compute: (ctx) => ctx.config,
    });

    it('a preset with an explicit runConfig deep-merges it (the explicit one wins)', async () => {
      const p = pipeline({
        name: 'preset_merge',
        modes: [silentMode()],
        presets: [preset({ name: 'base', runConfig: { solids: { s: { config: { a: 1, b: 2, c: [1, 2] } } } } })],
        graph: () => {
          s();
        },
      });
      const result = await execute(p, { preset: 'base', runConfig: { ...runConfig, solids: { s: { config: { b: 3, c: [9] } } } } });
      expect(result.output('s')).toEqual({ a: 1, b: 3, c: [9] });
    });

    it('a preset naming an unknown mode is an InvalidDefinitionError', () => {
      expect(() =>
        pipeline({
          name: 'preset_unknown_mode',
          modes: [silentMode()],
          presets: [preset({ name: 'p1', mode: 'ghost' })],
          graph: () => {
            s();
          },
        }),
      ).toThrow(InvalidDefinitionError);
    });

    it('a duplicate preset name is an InvalidDefinitionError', () => {
      expect(() =>
        pipeline({
          name: 'preset_duplicate',
          modes: [silentMode()],
          presets: [preset({ name: 'p1' }), preset({ name: 'p1' })],
          graph: () => {
            s();
          },
        }),
      ).toThrow(InvalidDefinitionError);
    });

    it('an unknown preset at run time is an InvariantViolationError listing the presets', async () => {
      const p = pipeline({
        name: 'preset_unknown',
        modes: [silentMode()],
        presets: [
          preset({ name: 'alpha_preset', runConfig: { solids: { s: { config: { a: 1, b: 1 } } } } }),
          preset({ name: 'beta_preset' }),
        ],
        graph: () => {
          s();
        },
      });
      const error = await rejectionOf(execute(p, { preset: 'gamma', runConfig }));
      expect(error).toBeInstanceOf(InvariantViolationError);
      expect((error as Error).message).toContain('alpha_preset');
      expect((error as Error).message).toContain('beta_preset');
    });
  });
});
