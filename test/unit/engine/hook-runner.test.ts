/**
 * Hooks in a run: when they fire, what their ctx holds, their events, their resources.
 * Dagster's behaviours L122–L125 (shared/reference/dagster-0.12.md, section L) each have a
 * test named after them.
 */
import { lastValueFrom, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  RetryRequested,
  applyEvent,
  asyncExecutor,
  describeEvent,
  execute,
  failureHook,
  hook,
  initialRunState,
  pipeline,
  resource,
  run,
  solid,
  successHook,
  syncExecutor,
  type AnyHook,
  type RunEvent,
  type RunOptions,
} from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const double = solid({ name: 'double', inputs: { n: z.number() }, output: z.number(), compute: (_ctx, { n }) => n * 2 });
const explode = solid({
  name: 'explode',
  inputs: { n: z.number() },
  compute: () => {
    throw new RangeError('no');
  },
});

/** A hook on `on` that records `<hook> <on> <stepKey>` into `seen`. */
function recorder(name: string, on: Parameters<typeof hook>[0]['on'], seen: string[]): AnyHook {
  return hook({ name, on, fn: (ctx) => void seen.push(`${name} ${ctx.on} ${'stepKey' in ctx ? ctx.stepKey : 'run'}`) });
}

/** `TYPE hook stepKey` of the hook events, in order. */
const hookEvents = (events: readonly RunEvent[]) =>
  events.flatMap((e) => (e.type === 'HOOK_COMPLETED' || e.type === 'HOOK_ERRORED' ? [`${e.type} ${e.hook} ${e.stepKey ?? 'run'}`] : []));

describe.each([syncExecutor, asyncExecutor])('hooks on the $name executor', (executor) => {
  const runConfig = { execution: { [executor.name]: {} } };
  const exec = (p: Parameters<typeof execute>[0], options: RunOptions = {}) =>
    execute(p, { raiseOnError: false, ...options, runConfig: { ...runConfig, ...options.runConfig } });

  it('L122: a success hook fires on successful solids only, a failure hook on failed only, a hook on both on either', async () => {
    const seen: string[] = [];
    const ok = recorder('ok', 'success', seen);
    const bad = recorder('bad', 'failure', seen);
    const any = recorder('any', ['success', 'failure'], seen);
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        const n = one.withHooks(ok, bad, any)();
        explode.withHooks(ok, bad, any)({ n });
        double({ n });
      },
    });
    const result = await exec(p);
    expect(result.status).toBe('FAILURE');
    expect(seen.sort()).toEqual(['any failure explode', 'any success one', 'bad failure explode', 'ok success one']);
  });

  it('L122: a hook attached per invocation, by the pipeline and by the mode fires once per step', async () => {
    const seen: string[] = [];
    const audit = recorder('audit', 'success', seen);
    const p = pipeline({
      name: 'p',
      modes: [quietMode({ hooks: [audit] })],
      hooks: [audit],
      graph: () => void double.withHooks(audit, audit)({ n: one.withHooks(audit)() }),
    });
    const result = await exec(p);
    expect(seen.sort()).toEqual(['audit success double', 'audit success one']);
    expect(hookEvents(result.events).sort()).toEqual(['HOOK_COMPLETED audit double', 'HOOK_COMPLETED audit one']);
  });

  it('L122: a pipeline hook watches every solid, an invocation hook only its own', async () => {
    const seen: string[] = [];
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      hooks: [recorder('everywhere', 'success', seen)],
      graph: () => void double.withHooks(recorder('here', 'success', seen))({ n: one() }),
    });
    await exec(p);
    expect(seen.sort()).toEqual(['everywhere success double', 'everywhere success one', 'here success double']);
  });

  it('L123: each hook that runs emits HOOK_COMPLETED after its step ended and before the terminal event; none fires for a trigger not met', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      hooks: [successHook({ name: 'ok', fn: () => undefined }), failureHook({ name: 'bad', fn: () => undefined })],
      graph: () => void explode({ n: one() }),
    });
    const result = await exec(p);
    const types = result.events.map((e) => (e.type.startsWith('HOOK') ? `${e.type} ${(e as { hook: string }).hook}` : e.type));
    expect(types.indexOf('HOOK_COMPLETED ok')).toBeGreaterThan(types.indexOf('STEP_SUCCESS'));
    expect(types.indexOf('HOOK_COMPLETED bad')).toBeGreaterThan(types.indexOf('STEP_FAILURE'));
    expect(types.at(-1)).toBe('RUN_FAILURE');
    // Modeflow has no HOOK_SKIPPED: a hook whose trigger was not met leaves no event.
    expect(hookEvents(result.events)).toHaveLength(2);
    const completed = result.events.find((e) => e.type === 'HOOK_COMPLETED' && e.hook === 'bad');
    expect(completed).toMatchObject({ stepKey: 'explode', solid: 'explode', on: 'failure' });
    expect(result.solid('explode').events.map((e) => e.type)).toContain('HOOK_COMPLETED');
  });

  it('L123: a hook that throws (or rejects) emits only HOOK_ERRORED, and the run still succeeds', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      hooks: [
        successHook({
          name: 'throws',
          fn: () => {
            throw new TypeError('hook broke');
          },
        }),
        successHook({ name: 'rejects', fn: () => Promise.reject(new Error('later')) }),
      ],
      graph: () => void one(),
    });
    const result = await execute(p, { runConfig });
    expect(result.status).toBe('SUCCESS');
    expect(hookEvents(result.events).sort()).toEqual(['HOOK_ERRORED rejects one', 'HOOK_ERRORED throws one']);
    const errored = result.events.find((e) => e.type === 'HOOK_ERRORED' && e.hook === 'throws');
    expect(errored).toMatchObject({ error: { name: 'TypeError', message: 'hook broke' }, stepKey: 'one', on: 'success' });
    expect(describeEvent(errored!)).toBe('hook "throws" threw after step one succeeded: hook broke');
  });

  it('L124: the hook ctx has the solid, the hook, the solid config, the declared resources and the outputs', async () => {
    let seen: Record<string, unknown> | undefined;
    const clock = resource({ init: () => ({ now: () => 42 }) });
    const configured = solid({
      name: 'configured',
      config: z.object({ factor: z.number() }),
      output: z.number(),
      compute: (ctx) => ctx.config.factor,
    });
    const inspect = successHook({
      name: 'inspect',
      resources: ['clock'],
      fn: (ctx) => {
        seen = {
          hook: ctx.hook,
          solid: ctx.solid,
          stepKey: ctx.stepKey,
          config: ctx.config,
          outputs: ctx.outputs,
          now: (ctx.resources as { clock: { now(): number } }).clock.now(),
          error: ctx.error,
          ids: [ctx.pipelineName, ctx.mode, typeof ctx.runId],
        };
        expect(() => (ctx.resources as Record<string, unknown>)['other']).toThrow(
          /hook "inspect" used resource "other", which it did not declare/,
        );
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode({ name: 'm', resources: { clock } })],
      graph: () => void configured.alias('c').withHooks(inspect)(),
    });
    const result = await exec(p, { runConfig: { solids: { c: { config: { factor: 7 } } } } });
    expect(hookEvents(result.events)).toEqual(['HOOK_COMPLETED inspect c']);
    expect({ ...seen, outputs: { ...(seen!['outputs'] as object) } }).toEqual({
      hook: 'inspect',
      solid: 'c',
      stepKey: 'c',
      config: { factor: 7 },
      outputs: { result: [7] },
      now: 42,
      error: undefined,
      ids: ['p', 'm', 'string'],
    });
  });

  it('L124: a failure hook gets the original error the compute threw, after the retries ran out', async () => {
    const errors: unknown[] = [];
    const original = new RangeError('disk full');
    const flaky = solid({
      name: 'flaky',
      retry: { maxRetries: 2 },
      compute: () => {
        throw original;
      },
    });
    const asks = solid({
      name: 'asks',
      compute: () => {
        throw new RetryRequested({ maxRetries: 1, cause: original });
      },
    });
    const keep = failureHook({ name: 'keep', fn: (ctx) => void errors.push(ctx.error) });
    const retried = hook({ name: 'retried', on: 'retry', fn: (ctx) => void errors.push(`retry ${ctx.stepKey} ${ctx.attempt}`) });
    const p = pipeline({ name: 'p', modes: [quietMode()], hooks: [keep, retried], graph: () => void (flaky(), asks()) });
    const result = await exec(p);
    expect(result.status).toBe('FAILURE');
    // Once per step, after its last attempt; a RetryRequested gives way to the error it was raised for.
    expect(errors.filter((e) => e === original)).toHaveLength(2);
    expect(errors.filter((e) => typeof e === 'string').sort()).toEqual(['retry asks 1', 'retry flaky 1', 'retry flaky 2']);
  });

  it('L125: with a solid selection, hooks fire only for the selected solids, and only their hooks\u2019 resources are initialised', async () => {
    const seen: string[] = [];
    const inits: string[] = [];
    const tracked = (key: string) => resource({ init: () => void inits.push(key) });
    const watch = (name: string, key: string) =>
      successHook({ name, resources: [key], fn: (ctx) => void seen.push(`${name} ${ctx.stepKey}`) });
    const p = pipeline({
      name: 'p',
      modes: [quietMode({ resources: { r1: tracked('r1'), r2: tracked('r2') } })],
      hooks: [recorder('all', 'success', seen)],
      graph: () => void double.withHooks(watch('on_double', 'r2'))({ n: one.withHooks(watch('on_one', 'r1'))() }),
    });
    const result = await exec(p, { select: 'double', runConfig: { solids: { double: { inputs: { n: { value: 5 } } } } } });
    expect(result.output('double')).toBe(10);
    expect(seen.sort()).toEqual(['all success double', 'on_double double']);
    expect(inits).toEqual(['r2']);
  });

  it('fires skipped hooks for skipped steps', async () => {
    const seen: string[] = [];
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      hooks: [recorder('skips', 'skipped', seen)],
      graph: () => void double({ n: explode({ n: one() }) as never }),
    });
    await exec(p);
    expect(seen).toEqual(['skips skipped double']);
  });

  it('waits for a hook that returns a Promise before the run ends', async () => {
    let finished = false;
    const slow = successHook({
      name: 'slow',
      fn: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished = true;
      },
    });
    const p = pipeline({ name: 'p', modes: [quietMode()], hooks: [slow], graph: () => void one() });
    const result = await exec(p);
    expect(finished).toBe(true);
    expect(result.events.map((e) => e.type).slice(-2)).toEqual(['HOOK_COMPLETED', 'RUN_SUCCESS']);
  });

  it('runs run hooks after the last step and before teardown, with the status and the failed steps', async () => {
    const calls: unknown[] = [];
    const journal: string[] = [];
    const store = resource({
      async *init() {
        try {
          yield { note: (s: string) => journal.push(s) };
        } finally {
          journal.push('teardown');
        }
      },
    });
    const onEnd = hook({
      name: 'on_end',
      on: ['runSuccess', 'runFailure'],
      resources: ['store'],
      fn: (ctx) => {
        calls.push({ on: ctx.on, status: ctx.status, failedSteps: ctx.failedSteps, error: ctx.error?.message });
        (ctx.resources as { store: { note(s: string): void } }).store.note('hook');
      },
    });
    const ok = pipeline({ name: 'ok', modes: [quietMode({ resources: { store } })], hooks: [onEnd], graph: () => void one() });
    const bad = pipeline({
      name: 'bad',
      modes: [quietMode({ resources: { store } })],
      hooks: [onEnd],
      graph: () => void explode({ n: one() }),
    });
    const good = await exec(ok);
    const failed = await exec(bad);
    expect(calls).toEqual([
      { on: 'runSuccess', status: 'SUCCESS', failedSteps: [], error: undefined },
      { on: 'runFailure', status: 'FAILURE', failedSteps: ['explode'], error: 'no' },
    ]);
    expect(journal).toEqual(['hook', 'teardown', 'hook', 'teardown']);
    for (const result of [good, failed]) {
      const types = result.events.map((e) => e.type);
      expect(types.slice(-3)).toEqual(['HOOK_COMPLETED', 'RESOURCE_TEARDOWN', result.success ? 'RUN_SUCCESS' : 'RUN_FAILURE']);
      expect(result.events.find((e) => e.type === 'HOOK_COMPLETED')).not.toHaveProperty('stepKey');
    }
  });

  it('fires a run-failure hook when a resource fails to initialise, its own resource initialised first', async () => {
    const sent: string[] = [];
    const pager = resource({ init: () => ({ send: (m: string) => sent.push(m) }) });
    const database = resource({
      init: () => {
        throw new Error('connection refused');
      },
    });
    const uses = solid({ name: 'uses', resources: ['database'], compute: () => 1 });
    const page = hook({
      name: 'page',
      on: 'runFailure',
      resources: ['pager'],
      fn: (ctx) => void (ctx.resources as { pager: { send(m: string): void } }).pager.send(`run failed: ${ctx.error?.message}`),
    });
    const p = pipeline({ name: 'p', modes: [quietMode({ resources: { database, pager }, hooks: [page] })], graph: () => void uses() });
    const result = await exec(p);
    expect(result.status).toBe('FAILURE');
    expect(sent).toEqual(['run failed: connection refused']);
  });

  it('gives a hook a log whose records become LOG events of its step, marked with the hook', async () => {
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      hooks: [successHook({ name: 'talk', fn: (ctx) => ctx.log.info({ rows: 3 }, 'noted') })],
      graph: () => void one(),
    });
    const result = await exec(p);
    const log = result.events.find((e) => e.type === 'LOG');
    expect(log).toMatchObject({ message: 'noted', stepKey: 'one', solid: 'one', fields: { hook: 'talk', rows: 3 } });
  });

  it('starts no failure hook for a step stopped by a cancel', async () => {
    const seen: string[] = [];
    const waits = solid({
      name: 'waits',
      compute: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      hooks: [recorder('bad', ['failure', 'runFailure'], seen)],
      graph: () => void waits(),
    });
    const controller = new AbortController();
    const events = await lastValueFrom(
      run(p, { runConfig, signal: controller.signal }).pipe(
        tap((e) => e.type === 'STEP_START' && controller.abort()),
        toArray(),
      ),
    );
    expect(events.at(-1)?.type).toBe('RUN_CANCELED');
    expect(seen).toEqual([]);
  });
});

describe('hooks at the edges of a run', () => {
  it('reports a run hook whose own resource failed to initialise as HOOK_ERRORED, without calling it', async () => {
    let called = false;
    const broken = resource({
      init: () => {
        throw new Error('no route to the pager');
      },
    });
    const page = hook({ name: 'page', on: 'runFailure', resources: ['broken'], fn: () => void (called = true) });
    const p = pipeline({ name: 'p', modes: [quietMode({ resources: { broken }, hooks: [page] })], graph: () => void one() });
    const result = await execute(p, { raiseOnError: false });
    expect(called).toBe(false);
    expect(result.status).toBe('FAILURE');
    const errored = result.events.find((e) => e.type === 'HOOK_ERRORED');
    expect(errored).toMatchObject({
      hook: 'page',
      on: 'runFailure',
      error: { message: expect.stringMatching(/resource "broken" was not initialised/) },
    });
  });

  it('gives a hook still pending at a cancel the grace period, then ends the run without waiting for it', async () => {
    const controller = new AbortController();
    let started = false;
    // The run is canceled while this hook runs; its Promise never settles.
    const never = successHook({
      name: 'never',
      fn: () => {
        started = true;
        controller.abort();
        return new Promise<void>(() => undefined);
      },
    });
    const waits = solid({
      name: 'waits',
      inputs: { n: z.number() },
      compute: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    });
    const p = pipeline({ name: 'p', modes: [quietMode()], graph: () => void waits(one.withHooks(never)()) });
    const events = await lastValueFrom(
      run(p, { runConfig: { execution: { async: { config: { cancelGraceMs: 5 } } } }, signal: controller.signal }).pipe(toArray()),
    );
    expect(started).toBe(true);
    expect(events.at(-1)?.type).toBe('RUN_CANCELED');
    expect(events.some((e) => e.type === 'HOOK_COMPLETED' || e.type === 'HOOK_ERRORED')).toBe(false);
  });
});

describe('hook events', () => {
  it('are counted by the run state, which keeps the latest hook errors', () => {
    const base = { runId: 'r', pipelineName: 'p', mode: 'm', timestamp: 1 };
    const state = initialRunState();
    applyEvent(state, { type: 'HOOK_COMPLETED', ...base, hook: 'a', on: 'success', stepKey: 's', solid: 's', durationMs: 1 });
    const error = { name: 'Error', message: 'x', stack: undefined };
    applyEvent(state, { type: 'HOOK_ERRORED', ...base, hook: 'b', on: 'runFailure', error });
    expect(state.hooks).toMatchObject({ completed: 1, errored: 1, recentErrors: [{ hook: 'b' }] });
  });

  it('read as one line each', () => {
    const base = { runId: 'r', pipelineName: 'p', mode: 'm', timestamp: 1 };
    expect(describeEvent({ type: 'HOOK_COMPLETED', ...base, hook: 'a', on: 'retry', stepKey: 's', solid: 's', durationMs: 3 })).toBe(
      'hook "a" ran after an attempt of step s failed (before its retry) in 3 ms',
    );
    expect(describeEvent({ type: 'HOOK_COMPLETED', ...base, hook: 'a', on: 'runSuccess', durationMs: 0 })).toBe(
      'hook "a" ran after the run succeeded in 0 ms',
    );
  });
});
