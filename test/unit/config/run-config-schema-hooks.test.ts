/** Hook resources are needed resources: their config is required only when a hook that needs them watches the run or a selected step. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  type AnyHook,
  execute,
  failureHook,
  hook,
  memoryLogger,
  mode,
  pipeline,
  resource,
  runConfigSchema,
  solid,
} from '../../../lib/index.ts';

const webhook = resource({ config: z.object({ url: z.string() }), init: ({ config }) => ({ url: config.url }) });
const a = solid({ name: 'a', output: z.number(), compute: () => 1 });
const b = solid({ name: 'b', inputs: { n: z.number() }, compute: () => undefined });
const alert = failureHook({ name: 'alert', resources: ['webhook'], fn: () => undefined });
const quiet = (hooks: readonly AnyHook[] = []) => mode({ loggers: { memory: memoryLogger() }, resources: { webhook }, hooks });

describe('hook resources in run config', () => {
  it('requires the config of a resource that a hook on a selected step needs, and not otherwise', async () => {
    const p = pipeline({ name: 'p', modes: [quiet()], graph: () => void b(a.withHooks(alert)()) });
    await expect(execute(p)).rejects.toThrow(InvalidConfigError);
    expect(runConfigSchema(p, undefined, 'b').safeParse({ solids: { b: { inputs: { n: { value: 1 } } } } }).success).toBe(true);
    const result = await execute(p, { runConfig: { resources: { webhook: { config: { url: 'http://x' } } } } });
    expect(result.events.filter((e) => e.type === 'RESOURCE_INIT_SUCCESS').map((e) => e.resource)).toEqual(['webhook']);
  });

  it('requires it for a mode or run hook whatever the selection', async () => {
    const onRun = hook({ name: 'on_run', on: 'runFailure', resources: ['webhook'], fn: () => undefined });
    const p = pipeline({ name: 'p', modes: [quiet([onRun])], graph: () => void b(a()) });
    const error = await execute(p, { select: 'a' }).catch((e: unknown) => e);
    expect((error as InvalidConfigError).issues.map((i) => i.path.join('.'))).toEqual(['resources.webhook.config']);
  });
});
