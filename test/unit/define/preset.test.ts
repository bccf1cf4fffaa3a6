import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  InvariantViolationError,
  execute,
  pipeline,
  preset,
  presetFromFiles,
  solid,
  valuesResource,
} from '../../../lib/index.ts';
import { eventsOf, ofType, quietMode, rejectionOf } from '../../helpers/index.ts';

const settings = valuesResource(z.object({ host: z.string(), port: z.number(), tls: z.boolean().default(false) }));
const show = solid({ name: 'show', resources: ['settings'], compute: (ctx) => ctx.resources.settings });
const greet = solid({
  name: 'greet',
  config: z.object({ who: z.string(), punct: z.string().default('.') }),
  compute: (ctx) => `hello ${ctx.config.who}${ctx.config.punct}`,
});
const extra = solid({ name: 'extra', compute: () => 'extra ran' });

const devConfig = {
  resources: { settings: { config: { host: 'localhost', port: 5432 } } },
  solids: { greet: { config: { who: 'dev', punct: '!' } } },
};

const p = pipeline({
  name: 'svc',
  modes: [quietMode({ name: 'dev', resources: { settings } }), quietMode({ name: 'prod', resources: { settings } })],
  presets: [
    preset({ name: 'dev_local', mode: 'dev', runConfig: devConfig, tags: { team: 'data', env: 'dev' } }),
    preset({ name: 'greet_only', mode: 'dev', select: 'greet', runConfig: { solids: { greet: { config: { who: 'sel' } } } } }),
    preset({ name: 'no_mode', runConfig: devConfig }),
  ],
  graph: () => {
    show();
    greet();
    extra();
  },
});

describe('presets', () => {
  it('runs in the preset’s mode when no mode is given', async () => {
    const result = await execute(p, { preset: 'dev_local' });
    expect(result.mode).toBe('dev');
  });

  it('uses the preset’s run config', async () => {
    const result = await execute(p, { preset: 'dev_local' });
    expect(result.output('show')).toEqual({ host: 'localhost', port: 5432, tls: false });
    expect(result.output('greet')).toBe('hello dev!');
  });

  it('deep-merges an explicit runConfig over the preset’s, the explicit one winning', async () => {
    const result = await execute(p, {
      preset: 'dev_local',
      runConfig: { resources: { settings: { config: { port: 6543 } } }, solids: { greet: { config: { who: 'me' } } } },
    });
    expect(result.output('show')).toEqual({ host: 'localhost', port: 6543, tls: false });
    expect(result.output('greet')).toBe('hello me!');
  });

  it('leaves the preset unchanged after a merge', async () => {
    await execute(p, { preset: 'dev_local', runConfig: { solids: { greet: { config: { who: 'me' } } } } });
    expect(p.presets[0]!.runConfig).toEqual(devConfig);
  });

  it('applies the preset’s selection', async () => {
    const result = await execute(p, { preset: 'greet_only' });
    expect(result.output('greet')).toBe('hello sel.');
    expect(ofType(result.events, 'STEP_START').map((e) => e.stepKey)).toEqual(['greet']);
  });

  it('lets an explicit select replace the preset’s', async () => {
    const result = await execute(p, { preset: 'greet_only', select: 'extra' });
    expect(ofType(result.events, 'STEP_START').map((e) => e.stepKey)).toEqual(['extra']);
  });

  it('puts the preset’s tags on RUN_START', async () => {
    const start = ofType(await eventsOf(p, { preset: 'dev_local' }), 'RUN_START')[0]!;
    expect(start.tags).toEqual({ team: 'data', env: 'dev' });
  });

  it('merges explicit tags over the preset’s', async () => {
    const start = ofType(await eventsOf(p, { preset: 'dev_local', tags: { env: 'ci', run: 1 } }), 'RUN_START')[0]!;
    expect(start.tags).toEqual({ team: 'data', env: 'ci', run: 1 });
  });

  it('names the preset on RUN_START', async () => {
    const start = ofType(await eventsOf(p, { preset: 'dev_local' }), 'RUN_START')[0]!;
    expect(start.preset).toBe('dev_local');
  });

  it('accepts an explicit mode equal to the preset’s', async () => {
    const result = await execute(p, { preset: 'dev_local', mode: 'dev' });
    expect(result.success).toBe(true);
  });

  it('refuses an explicit mode that differs from the preset’s', async () => {
    const error = await rejectionOf(execute(p, { preset: 'dev_local', mode: 'prod' }));
    expect(error).toBeInstanceOf(InvariantViolationError);
    expect((error as Error).message).toContain('dev');
    expect((error as Error).message).toContain('prod');
  });

  it('takes the explicit mode for a preset without one', async () => {
    const result = await execute(p, { preset: 'no_mode', mode: 'prod' });
    expect(result.mode).toBe('prod');
  });

  it('needs a mode for a preset without one when the pipeline has several', async () => {
    expect(await rejectionOf(execute(p, { preset: 'no_mode' }))).toBeInstanceOf(InvariantViolationError);
  });

  it('refuses an unknown preset, listing the presets', async () => {
    const error = await rejectionOf(execute(p, { preset: 'nope' }));
    expect(error).toBeInstanceOf(InvariantViolationError);
    for (const name of ['nope', 'dev_local', 'greet_only', 'no_mode']) expect((error as Error).message).toContain(name);
  });

  it('refuses an unknown preset even with raiseOnError false', async () => {
    expect(await rejectionOf(execute(p, { preset: 'nope', raiseOnError: false }))).toBeInstanceOf(InvariantViolationError);
  });

  it('validates the merged run config', async () => {
    const error = await rejectionOf(execute(p, { preset: 'dev_local', runConfig: { resources: { settings: { config: { port: 'x' } } } } }));
    expect(error).toBeInstanceOf(InvalidConfigError);
  });
});

describe('presetFromFiles', () => {
  it('deep-merges YAML files in order, later winning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modeflow-presets-'));
    const base = join(dir, 'base.yaml');
    const over = join(dir, 'over.yaml');
    writeFileSync(
      base,
      'resources:\n  settings:\n    config:\n      host: base\n      port: 1\nsolids:\n  greet:\n    config:\n      who: base\n',
    );
    writeFileSync(over, 'resources:\n  settings:\n    config:\n      port: 2\n');
    const filed = presetFromFiles('filed', [base, over], { mode: 'dev' });
    expect(filed.runConfig).toEqual({
      resources: { settings: { config: { host: 'base', port: 2 } } },
      solids: { greet: { config: { who: 'base' } } },
    });
    const q = pipeline({
      name: 'q',
      modes: p.modes,
      presets: [filed],
      graph: () => {
        show();
        greet();
      },
    });
    const result = await execute(q, { preset: 'filed' });
    expect(result.output('show')).toEqual({ host: 'base', port: 2, tls: false });
  });
});

describe('YAML run-config files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modeflow-yaml-'));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const definitionError = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      expect((error as Error).name).toBe('InvalidDefinitionError');
      return (error as Error).message;
    }
    throw new Error('expected a throw');
  };

  it('refuses a key repeated in one mapping, naming it with file:line:col of both', () => {
    const path = file('dup.yaml', 'solids:\n  greet:\n    config: { who: a, who: b }\n');
    expect(definitionError(() => presetFromFiles('dup', [path]))).toBe(
      `preset "dup": ${path}:3:23: duplicate key "who" (first at ${path}:3:15); each key may appear once in a mapping`,
    );
  });

  it('refuses keys that differ only in YAML type (1 and "1" are one object key)', () => {
    const path = file('dup-typed.yaml', 'solids:\n  1: {}\n  "1": {}\n');
    expect(definitionError(() => presetFromFiles('dup', [path]))).toContain(`${path}:3:3: duplicate key "1"`);
  });

  it('accepts the same key in different mappings, and anchors reused by aliases', () => {
    const path = file('ok.yaml', 'a: &shared { who: x }\nb: *shared\nc: { who: y }\n');
    expect(presetFromFiles('ok', [path]).runConfig).toEqual({ a: { who: 'x' }, b: { who: 'x' }, c: { who: 'y' } });
  });

  it('keeps a top-level __proto__ key as a key: no prototype is set, and the run reports it as an unknown key', async () => {
    const path = file('proto.yaml', '__proto__: { polluted: yes }\nsolids:\n  greet:\n    config: { who: p }\n');
    const over = file('proto-over.yaml', 'solids:\n  greet:\n    config: { punct: "?" }\n');
    const filed = presetFromFiles('proto', [path, over], { mode: 'dev' });
    expect(Object.getPrototypeOf(filed.runConfig)).toBe(Object.prototype);
    expect(Object.keys(filed.runConfig)).toEqual(['__proto__', 'solids']);
    expect((filed.runConfig as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const q = pipeline({
      name: 'q',
      modes: p.modes,
      presets: [filed],
      graph: () => {
        greet();
      },
    });
    const error = await rejectionOf(execute(q, { preset: 'proto' }));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).issues).toEqual([
      { path: ['__proto__'], message: expect.stringMatching(/^unknown key "__proto__" in run config; valid: "solids"/) },
    ]);
  });

  it("reports a __proto__ key among a solid's inputs as an input the solid does not have", async () => {
    const path = file('proto-inputs.yaml', 'solids:\n  greet:\n    config: { who: p }\n    inputs: { __proto__: { value: 1 } }\n');
    const filed = presetFromFiles('inputs', [path], { mode: 'dev' });
    const q = pipeline({
      name: 'q',
      modes: p.modes,
      presets: [filed],
      graph: () => {
        greet();
      },
    });
    const error = await rejectionOf(execute(q, { preset: 'inputs' }));
    expect((error as InvalidConfigError).issues).toEqual([
      {
        path: ['solids', 'greet', 'inputs', '__proto__'],
        message: 'solid "greet" has no input "__proto__"; its unconnected inputs are: (none)',
      },
    ]);
  });

  it('reports a nested __proto__ key at its path instead of merging it into a prototype', async () => {
    const path = file('proto-nested.yaml', 'solids:\n  greet:\n    config: { who: p, __proto__: { punct: "!" } }\n');
    const filed = presetFromFiles('nested', [path, path], { mode: 'dev' });
    const q = pipeline({
      name: 'q',
      modes: p.modes,
      presets: [filed],
      graph: () => {
        greet();
      },
    });
    const error = await rejectionOf(execute(q, { preset: 'nested' }));
    expect((error as InvalidConfigError).issues).toEqual([
      {
        path: ['solids', 'greet', 'config', '__proto__'],
        message: expect.stringMatching(/^unknown key "__proto__"; valid: "who", "punct"/),
      },
    ]);
  });
});
