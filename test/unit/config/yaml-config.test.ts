/** YAML run-config files (lib/config/yaml-config.ts): strict keys, positions, no prototype keys. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConfigError, execute, pipeline, preset, presetFromFiles, solid, valuesResource } from '../../../lib/index.ts';
import { quietMode, rejectionOf } from '../../helpers/index.ts';

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
