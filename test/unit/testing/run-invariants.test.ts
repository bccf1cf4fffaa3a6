import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, memoryLogger, mode, pipeline, resource, solid } from '../../../lib/index.ts';
import { assertRunInvariants, checkRunInvariants, type InvariantEvent } from '../../../lib/testing/index.ts';

const ok = (...events: InvariantEvent[]) => checkRunInvariants(events);

describe('checkRunInvariants', () => {
  it('passes the events of real runs: succeeded, failed with skips, with resources', async () => {
    const opened: string[] = [];
    const db = resource({
      async *init() {
        opened.push('db');
        yield 'db';
      },
    });
    const cache = resource({ resources: ['db'], init: () => 'cache' });
    const load = solid({ name: 'load', resources: ['cache'], output: z.number(), compute: () => 1 });
    const boom = solid({
      name: 'boom',
      inputs: { n: z.number() },
      compute: () => {
        throw new Error('boom');
      },
    });
    const after = solid({ name: 'after', inputs: { x: z.unknown() }, compute: () => 2 });
    const p = pipeline({
      name: 'p',
      modes: [mode({ resources: { db, cache }, loggers: { memory: memoryLogger() } })],
      graph: () => {
        after({ x: boom({ n: load() }) });
      },
    });
    const result = await execute(p, { raiseOnError: false });
    expect(result.status).toBe('FAILURE');
    expect(checkRunInvariants(result.events, { pipeline: p })).toEqual({ ok: true, violations: [] });
    expect(() => assertRunInvariants(result.events)).not.toThrow();
  });

  it('finds a missing, a doubled and a misplaced terminal event', () => {
    expect(ok({ type: 'RUN_START' }).violations).toEqual(['no terminal event (RUN_SUCCESS, RUN_FAILURE or RUN_CANCELED)']);
    expect(ok({ type: 'RUN_START' }, { type: 'RUN_SUCCESS' }, { type: 'RUN_FAILURE' }).violations).toEqual([
      '2 terminal events: RUN_SUCCESS (event 1), RUN_FAILURE (event 2)',
      'events after the terminal RUN_SUCCESS (event 1): RUN_FAILURE (event 2)',
    ]);
    expect(ok({ type: 'RUN_SUCCESS' }, { type: 'STEP_START', stepKey: 'a' }).violations[0]).toBe(
      'events after the terminal RUN_SUCCESS (event 0): STEP_START a (event 1)',
    );
  });

  it('finds steps that never end, end twice, end unstarted or are skipped after starting', () => {
    const { violations } = ok(
      { type: 'STEP_START', stepKey: 'a' },
      { type: 'STEP_START', stepKey: 'b' },
      { type: 'STEP_SUCCESS', stepKey: 'b' },
      { type: 'STEP_FAILURE', stepKey: 'b' },
      { type: 'STEP_SUCCESS', stepKey: 'c' },
      { type: 'STEP_START', stepKey: 'd' },
      { type: 'STEP_SKIPPED', stepKey: 'd', reason: 'OUTPUT_NOT_PRODUCED' },
      { type: 'STEP_SUCCESS', stepKey: 'd' },
      { type: 'RUN_FAILURE' },
    );
    expect(violations).toEqual([
      'step b ended twice: STEP_SUCCESS b (event 2) and STEP_FAILURE b (event 3)',
      'step c ended without starting: STEP_SUCCESS c (event 4)',
      'step d was skipped after it started: STEP_SKIPPED d (event 6)',
      'step a started (event 0) and never ended with STEP_SUCCESS or STEP_FAILURE',
    ]);
  });

  it('finds a skip for UPSTREAM_FAILED with no failure upstream', () => {
    const a = solid({ name: 'a', compute: () => 1 });
    const b = solid({ name: 'b', compute: () => 2 });
    const c = solid({ name: 'c', inputs: { x: z.unknown() }, compute: () => 3 });
    const p = pipeline({
      name: 'p',
      graph: () => {
        a();
        c({ x: b() });
      },
    });
    const events: InvariantEvent[] = [
      { type: 'STEP_START', stepKey: 'a', solid: 'a' },
      { type: 'STEP_FAILURE', stepKey: 'a', solid: 'a' },
      { type: 'STEP_SKIPPED', stepKey: 'c', solid: 'c', reason: 'UPSTREAM_FAILED' },
      { type: 'RUN_FAILURE' },
    ];
    expect(checkRunInvariants(events).ok).toBe(true);
    expect(checkRunInvariants(events, { pipeline: p }).violations).toEqual([
      'STEP_SKIPPED c (event 2) was skipped for UPSTREAM_FAILED, but none of its upstream solids (b) failed or was skipped for a failure before',
    ]);
    expect(ok({ type: 'STEP_SKIPPED', stepKey: 'c', reason: 'UPSTREAM_FAILED' }, { type: 'RUN_FAILURE' }).violations).toEqual([
      'STEP_SKIPPED c (event 0) was skipped for UPSTREAM_FAILED, but no step failed before it',
    ]);
  });

  it('finds resources not torn down, torn down twice, or out of reverse order', () => {
    const init = (resource: string): InvariantEvent => ({ type: 'RESOURCE_INIT_SUCCESS', resource });
    const teardown = (resource: string): InvariantEvent => ({ type: 'RESOURCE_TEARDOWN', resource });
    expect(ok(init('a'), init('b'), teardown('b'), teardown('a'), { type: 'RUN_SUCCESS' }).ok).toBe(true);
    expect(ok(init('a'), init('b'), teardown('a'), teardown('b'), { type: 'RUN_SUCCESS' }).violations).toEqual([
      'resources torn down in the order a, b; initialised as a, b, they go in reverse: b, a',
    ]);
    expect(ok(init('a'), init('b'), teardown('b'), { type: 'RUN_SUCCESS' }).violations).toEqual([
      'resource a was initialised and never torn down',
    ]);
    expect(ok(init('a'), teardown('a'), teardown('a'), { type: 'RUN_SUCCESS' }).violations).toEqual([
      'resource a torn down without being initialised (or torn down twice): RESOURCE_TEARDOWN a (event 2)',
    ]);
  });

  it('assertRunInvariants throws with every violation', () => {
    expect(() => assertRunInvariants([{ type: 'STEP_START', stepKey: 'a' }])).toThrow(
      'run invariants violated:\n  - no terminal event (RUN_SUCCESS, RUN_FAILURE or RUN_CANCELED)\n  - step a started (event 0) and never ended',
    );
  });
});
