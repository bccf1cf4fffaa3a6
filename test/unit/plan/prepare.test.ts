/** prepare (lib/plan/prepare.ts): mode, preset, run config and selection resolved before the first event; what is wrong is the error of the Observable. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  InvariantViolationError,
  ModeflowError,
  StepExecutionError,
  execute,
  pipeline,
  run,
  solid,
  type Pipeline,
  preset,
  valuesResource,
} from '../../../lib/index.ts';
import { quietMode, rejectionOf, eventsOf, ofType } from '../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });

describe('errors before the run starts', () => {
  const two = pipeline({
    name: 'two_modes',
    modes: [quietMode({ name: 'dev' }), quietMode({ name: 'prod' })],
    graph: () => {
      one();
    },
  });
  const configured = pipeline({
    name: 'configured',
    modes: [quietMode()],
    graph: () => {
      solid({ name: 'needs', config: z.object({ n: z.number() }), compute: () => undefined })();
    },
  });

  const subscribeError = (p: Pipeline, options: Parameters<typeof run>[1]) =>
    new Promise<unknown>((resolve, reject) => {
      run(p, options).subscribe({
        next: () => reject(new Error('no event expected')),
        error: resolve,
        complete: () => reject(new Error('no completion expected')),
      });
    });

  it('errors the Observable for an unknown mode, listing the modes', async () => {
    const error = await subscribeError(two, { mode: 'staging' });
    expect(error).toBeInstanceOf(InvariantViolationError);
    expect((error as Error).message).toContain('staging');
    expect((error as Error).message).toContain('dev');
    expect((error as Error).message).toContain('prod');
  });

  it('errors the Observable when several modes exist and none is chosen', async () => {
    expect(await subscribeError(two, {})).toBeInstanceOf(InvariantViolationError);
  });

  it('errors the Observable for invalid run config, with every issue', async () => {
    const error = await subscribeError(configured, { runConfig: { solids: { needs: { config: { n: 'x' } } }, nonsense: 1 } });
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).issues.length).toBeGreaterThanOrEqual(2);
  });

  it('does not throw when run() is called, only when subscribed', () => {
    expect(() => run(two, { mode: 'staging' })).not.toThrow();
  });

  it('makes execute reject with the same error, unwrapped', async () => {
    const error = await rejectionOf(execute(two, { mode: 'staging' }));
    expect(error).toBeInstanceOf(InvariantViolationError);
    expect(error).not.toBeInstanceOf(StepExecutionError);
  });

  it('makes execute reject even with raiseOnError false', async () => {
    const error = await rejectionOf(execute(configured, { raiseOnError: false }));
    expect(error).toBeInstanceOf(InvalidConfigError);
  });

  it('never makes execute throw synchronously', async () => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = execute(two, { mode: 'staging' });
    }).not.toThrow();
    await expect(promise).rejects.toBeInstanceOf(ModeflowError);
  });

  it('makes execute reject, not throw, for a value that is no pipeline', async () => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = execute(undefined as never);
    }).not.toThrow();
    await expect(promise).rejects.toBeDefined();
  });

  it('emits no event before the error', async () => {
    const seen: string[] = [];
    await new Promise<void>((resolve) => run(two, {}).subscribe({ next: (e) => seen.push(e.type), error: () => resolve() }));
    expect(seen).toEqual([]);
  });

  it('reports a missing required unconnected input as InvalidConfigError', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        inc();
      },
    });
    const error = await rejectionOf(execute(p));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(JSON.stringify((error as InvalidConfigError).issues)).toContain('inc');
  });

  it('gives InvalidConfigError issue paths as arrays of keys', async () => {
    const error = (await rejectionOf(
      execute(configured, { runConfig: { solids: { needs: { config: { n: 'x' } } } } }),
    )) as InvalidConfigError;
    expect(error.issues[0]?.path).toEqual(['solids', 'needs', 'config', 'n']);
  });

  it('reports an unset environment variable before any step starts', async () => {
    let ran = false;
    const s = solid({ name: 's', config: z.object({ k: z.string() }), compute: () => void (ran = true) });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        s();
      },
    });
    const error = await rejectionOf(execute(p, { runConfig: { solids: { s: { config: { k: { env: 'MODEFLOW_SURELY_UNSET_VAR' } } } } } }));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(ran).toBe(false);
  });
});

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
