/** Hook definitions: what hook(), successHook() and failureHook() accept, and where hooks may attach. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidDefinitionError, failureHook, hook, isHook, pipeline, resource, solid, successHook } from '../../../lib/index.ts';
import { quietMode } from '../../helpers/index.ts';

const a = solid({ name: 'a', output: z.number(), compute: () => 1 });
const noop = () => undefined;

describe('hook()', () => {
  it('keeps its triggers once each, and says whether it watches steps, the run, or both', () => {
    const h = hook({ name: 'h', on: ['success', 'runFailure', 'success'], fn: noop });
    expect(isHook(h)).toBe(true);
    expect(h.on).toEqual(['success', 'runFailure']);
    expect([h.onSteps, h.onRun]).toEqual([true, true]);
    expect(successHook({ name: 's', fn: noop }).on).toEqual(['success']);
    expect(failureHook({ name: 'f', fn: noop }).on).toEqual(['failure']);
    expect(hook({ name: 'r', on: 'runSuccess', fn: noop }).onSteps).toBe(false);
  });

  it('refuses a bad name, no trigger, an unknown trigger, a missing fn and a bad resource key', () => {
    expect(() => hook({ name: 'a-b', on: 'success', fn: noop })).toThrow(/hook name "a-b" is invalid/);
    expect(() => hook({ name: 'h', on: [], fn: noop })).toThrow(/hook "h": on is empty/);
    expect(() => hook({ name: 'h', on: 'done' as never, fn: noop })).toThrow(/on holds string "done"; a hook fires on success, failure/);
    expect(() => hook({ name: 'h', on: 'success', fn: undefined as never })).toThrow(/hook "h": fn must be a function/);
    expect(() => successHook({ name: 'h', resources: ['no-dash'], fn: noop })).toThrow(InvalidDefinitionError);
  });
});

describe('withHooks()', () => {
  it('returns a copy that keeps its hooks through alias() and configured()', () => {
    const h = successHook({ name: 'h', fn: noop });
    const c = solid({ name: 'c', config: z.object({ n: z.number() }), compute: noop });
    const hooked = c.withHooks(h).alias('c2').configured({ n: 1 });
    expect(hooked.hooks).toEqual([h]);
    expect(c.hooks).toEqual([]);
  });

  it('refuses what is not a hook, and a run hook (an invocation has no run to watch)', () => {
    expect(() => a.withHooks({ name: 'x' } as never)).toThrow(/solid "a": withHooks\(\) holds an object \(Object\), not a hook/);
    const runHook = hook({ name: 'r', on: ['failure', 'runFailure'], fn: noop });
    expect(() => a.withHooks(runHook)).toThrow(/fires on runFailure; run hooks watch a whole run, so attach them with pipeline/);
  });
});

describe('hooks in a pipeline', () => {
  it('L124: a hook whose resource a mode lacks fails at definition time, naming mode, key and hook', () => {
    const alert = failureHook({ name: 'alert', resources: ['slack'], fn: noop });
    const slack = resource({ init: () => ({}) });
    const modes = [quietMode({ name: 'prod', resources: { slack } }), quietMode({ name: 'dev' })];
    expect(() => pipeline({ name: 'p', modes, graph: () => void a.withHooks(alert)() })).toThrow(
      'mode "dev" of pipeline "p" has no resource "slack", required by hook "alert" (attached to solid "a"); it provides: (none)',
    );
    expect(() => pipeline({ name: 'p', modes, hooks: [alert], graph: () => void a() })).toThrow(
      /mode "dev" of pipeline "p" has no resource "slack", required by hook "alert" \(a hook of the pipeline\)/,
    );
    expect(() => quietMode({ name: 'dev', hooks: [alert] })).toThrow(
      'mode "dev" has no resource "slack", required by its hook "alert"; it provides: (none)',
    );
  });

  it('a mode hook needs its resources in that mode only', () => {
    const alert = failureHook({ name: 'alert', resources: ['slack'], fn: noop });
    const slack = resource({ init: () => ({}) });
    const p = pipeline({
      name: 'p',
      modes: [quietMode({ name: 'prod', resources: { slack }, hooks: [alert] }), quietMode({ name: 'dev' })],
      graph: () => void a(),
    });
    expect(p.modes.map((m) => m.hooks.map((h) => h.name))).toEqual([['alert'], []]);
  });

  it('refuses two different hooks sharing a name (events name hooks by name)', () => {
    const one = successHook({ name: 'notify', fn: noop });
    const other = failureHook({ name: 'notify', fn: noop });
    expect(() => pipeline({ name: 'p', modes: [quietMode()], hooks: [one], graph: () => void a.withHooks(other)() })).toThrow(
      /pipeline "p": two different hooks are named "notify"/,
    );
    expect(() => pipeline({ name: 'p', hooks: [one, other], graph: () => void a() })).toThrow(/two different hooks are named "notify"/);
    expect(() => pipeline({ name: 'p', hooks: ['x' as never], graph: () => void a() })).toThrow(
      /pipeline "p": hooks holds string "x", not a hook/,
    );
  });
});
