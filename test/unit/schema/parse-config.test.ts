/** parseConfig (lib/schema/parse-config.ts): a value nested too deeply for its schema is an issue at its path, not a stack overflow. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConfigError, mode, pipeline, resource, solid, type ConfigIssue, type Pipeline } from '../../../lib/index.ts';
import { resolveRunConfig } from '../../../lib/config/run-config.ts';
import { selectSolids } from '../../../lib/config/select.ts';

function issuesOf(run: () => unknown): ConfigIssue[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return [...(error as InvalidConfigError).issues];
  }
  throw new Error('expected an InvalidConfigError');
}

const resolve = (raw: unknown, env: NodeJS.ProcessEnv, p: Pipeline) =>
  resolveRunConfig(p, p.modes[0]!, raw, selectSolids(p, undefined), env);

describe('values nested too deeply to check', () => {
  type Tree = { child?: Tree | undefined; leaf?: number | undefined };
  const tree: z.ZodType<Tree> = z.lazy(() => z.object({ child: tree.optional(), leaf: z.number().optional() }));
  const nested = (levels: number): Tree => {
    let value: Tree = { leaf: 1 };
    for (let i = 0; i < levels; i++) value = { child: value };
    return value;
  };
  const shapes = resource({ config: z.object({ tree, name: z.string() }), init: () => 1 });
  const draw = solid({ name: 'draw', config: z.object({ tree, scale: z.number() }), resources: ['shapes'], compute: () => 1 });
  const anything = solid({ name: 'anything', config: z.object({ blob: z.any() }), compute: () => 1 });
  const p = pipeline({
    name: 'p',
    modes: [mode({ resources: { shapes } })],
    graph: () => {
      draw();
      anything();
    },
  });
  const ok = {
    resources: { shapes: { config: { tree: {}, name: 'n' } } },
    solids: { draw: { config: { tree: {}, scale: 1 } }, anything: { config: { blob: 1 } } },
  };

  it('reports a solid config value too deep for its recursive schema as an issue at its path, with every other issue', () => {
    const raw = {
      ...ok,
      solids: { ...ok.solids, draw: { config: { tree: nested(10_000), scale: 'big' } } },
      resources: { shapes: { config: { tree: {}, nmae: 'n' } } },
    };
    const issues = issuesOf(() => resolve(raw, {}, p));
    expect(issues).toEqual([
      { path: ['solids', 'draw', 'config', 'tree'], message: 'nested too deeply to check (10000 levels below here)' },
      { path: ['solids', 'draw', 'config', 'scale'], message: expect.stringMatching(/expected number/) },
      { path: ['resources', 'shapes', 'config', 'name'], message: expect.stringMatching(/expected string/) },
      { path: ['resources', 'shapes', 'config', 'nmae'], message: 'unknown key "nmae"; valid: "tree", "name"' },
    ]);
  });

  it('reports a resource config value too deep at its path, and still checks the rest of the run config', () => {
    const raw = {
      ...ok,
      resources: { shapes: { config: { tree: nested(10_000), name: 'n' } } },
      solids: { ...ok.solids, draw: { config: { tree: {}, scale: 'big' } } },
    };
    const issues = issuesOf(() => resolve(raw, {}, p));
    expect(issues).toEqual([
      { path: ['resources', 'shapes', 'config', 'tree'], message: 'nested too deeply to check (10000 levels below here)' },
      { path: ['solids', 'draw', 'config', 'scale'], message: expect.stringMatching(/expected number/) },
    ]);
  });

  it('reports a .configured() value too deep as an InvalidConfigError', () => {
    expect(() => draw.configured({ tree: nested(10_000), scale: 1 })).toThrow(
      expect.objectContaining({
        name: 'InvalidConfigError',
        issues: [{ path: ['tree'], message: 'nested too deeply to check (10000 levels below here)' }],
      }),
    );
  });

  it('accepts a value that deep where the schema does not recurse into it (z.any())', () => {
    const raw = { ...ok, solids: { ...ok.solids, anything: { config: { blob: nested(10_000) } } } };
    expect(resolve(raw, {}, p).solids['anything']!.config).toEqual({ blob: raw.solids.anything.config.blob });
    const blob = nested(10_000);
    const bound = pipeline({
      name: 'bound',
      modes: p.modes,
      graph: () => {
        draw();
        anything.configured({ blob })();
      },
    });
    const { anything: _given, ...rest } = ok.solids;
    expect((resolve({ ...ok, solids: rest }, {}, bound).solids['anything']!.config as { blob: unknown }).blob).toBe(blob);
  });
});
