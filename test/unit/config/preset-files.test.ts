/** presetFromFiles (lib/config/preset-files.ts): YAML files deep-merged in order. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, pipeline, preset, presetFromFiles, solid, valuesResource } from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

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
