/**
 * Hooks and composites under each built-in executor: the executor decides where steps run,
 * never which hooks fire or what a composite computes. Hooks always run in the run's
 * process (its main thread), their resources initialised there, even when the workerPool
 * runs the steps on threads. workerPool imports fixtures/hooks-composites-pipelines.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { execute, type RunEvent, type RunResult } from '../../lib/index.ts';
import { hookCalls, withComposites, withHooks } from './fixtures/hooks-composites-pipelines.ts';

const executors = [
  ['sync', {}],
  ['async', { maxConcurrent: 3 }],
  ['workerPool', { maxWorkers: 2 }],
  ['virtualTime', {}],
] as const;

/** Step and hook events as `TYPE key`, sorted: their multiset must not depend on the executor. */
const stepAndHookEvents = (events: readonly RunEvent[]) =>
  events
    .flatMap((e) => {
      if (e.type === 'HOOK_COMPLETED' || e.type === 'HOOK_ERRORED') return [`${e.type} ${e.hook} ${e.stepKey ?? 'run'}`];
      return e.type.startsWith('STEP_') && 'stepKey' in e ? [`${e.type} ${String(e.stepKey)}`] : [];
    })
    .sort();

describe.each(executors)('the %s executor', (name, config) => {
  const runOf = (p: Parameters<typeof execute>[0], rest: Record<string, unknown> = {}): Promise<RunResult> =>
    execute(p, { runConfig: { ...rest, execution: { [name]: Object.keys(config).length ? { config } : {} } }, raiseOnError: false });

  beforeEach(() => {
    hookCalls.length = 0;
  });

  it('fires every hook in the run\u2019s main thread, with its resources initialised there, and the same hook events as sync', async () => {
    const result = await runOf(withHooks);
    expect(result.status).toBe('FAILURE');
    const stepsOnThreads = name === 'workerPool';
    expect(result.output('uses_counter')).toBe(stepsOnThreads ? 3 : -3);
    expect([...hookCalls].sort()).toEqual([
      'failure explode RangeError: no (pager on main thread: true)',
      'retry explode',
      'runFailure explode',
      'skipped skipped',
      'success seed {"result":[3]} (main thread: true)',
      `success uses_counter {"result":[${stepsOnThreads ? 3 : -3}]} (main thread: true)`,
    ]);
    const sync = await execute(withHooks, { runConfig: { execution: { sync: {} } }, raiseOnError: false });
    expect(stepAndHookEvents(result.events)).toEqual(stepAndHookEvents(sync.events));
    expect(result.events.filter((e) => e.type === 'HOOK_ERRORED').map((e) => (e as { hook: string }).hook)).toEqual(['throws']);
  });

  it('runs composites flattened: fanned into and collected across the boundary, config mapped, input and resource inside', async () => {
    const runConfig = { solids: { sum_of_scaled: { inputs: { extra: { value: 5 } }, solids: { scaled: { config: { by: 3 } } } } } };
    const result = await runOf(withComposites, runConfig);
    expect(result.status).toBe('SUCCESS');
    expect(result.solid('sum_of_scaled.scaled.scale').outputs['result']).toEqual([3, 6, 9]);
    expect(result.solid('sum_of_scaled.scaled.scale').stepKeys).toEqual([
      'sum_of_scaled.scaled.scale[0]',
      'sum_of_scaled.scaled.scale[1]',
      'sum_of_scaled.scaled.scale[2]',
    ]);
    expect(result.solid('sum_of_scaled').outputs).toEqual({ sum: [18], shifted: [1005] });
    expect(result.output('plus')).toBe(1023);
    const sync = await execute(withComposites, { runConfig: { ...runConfig, execution: { sync: {} } }, raiseOnError: false });
    expect(stepAndHookEvents(result.events)).toEqual(stepAndHookEvents(sync.events));
  });
});
