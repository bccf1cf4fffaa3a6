/**
 * One behavioural suite, run under each built-in executor: the executor decides how a run
 * is scheduled, never what it computes (DESIGN: "All executors give the same outputs").
 * workerPool runs on real threads, which import fixtures/every-executor-pipelines.ts (and
 * fixtures/hooks-composites-pipelines.ts); queue on two real `modeflow worker` processes
 * serving those files, through the Redis of test/setup/redis.ts (without one, the queue's
 * row is left out and the setup says why). Hooks always run in the run's process (its main
 * thread), their resources initialised there, even when the steps run on threads or workers.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { execute, type RunEvent, type RunResult } from '../../lib/index.ts';
import { failures, fanAndCollect, withResource } from './fixtures/every-executor-pipelines.ts';
import { hookCalls, withComposites, withHooks } from './fixtures/hooks-composites-pipelines.ts';
import { queueConfig, queueName, startWorker, stopWorkers, type WorkerProcess } from './queue-helpers.ts';

const server = inject('redis');
const queue = queueName('every-executor');

const executors: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['sync', {}],
  ['async', { maxConcurrent: 3 }],
  ['workerPool', { maxWorkers: 2 }],
  ['virtualTime', {}],
  ...(server.skip === undefined ? [['queue', queueConfig(server.url, queue)] as const] : []),
];

/** Step events as `TYPE stepKey`, sorted: their multiset must not depend on the executor. */
const stepEvents = (events: readonly RunEvent[]) =>
  events.flatMap((e) => (e.type.startsWith('STEP_') && 'stepKey' in e ? [`${e.type} ${String(e.stepKey)}`] : [])).sort();

/** Step and hook events as `TYPE key`, sorted: their multiset must not depend on the executor. */
const stepAndHookEvents = (events: readonly RunEvent[]) =>
  events
    .flatMap((e) => {
      if (e.type === 'HOOK_COMPLETED' || e.type === 'HOOK_ERRORED') return [`${e.type} ${e.hook} ${e.stepKey ?? 'run'}`];
      return e.type.startsWith('STEP_') && 'stepKey' in e ? [`${e.type} ${String(e.stepKey)}`] : [];
    })
    .sort();

describe.each(executors)('the %s executor', (name, config) => {
  if (name === 'queue' && server.skip === undefined) {
    const redis = server.url;
    const fixtures = ['./fixtures/every-executor-pipelines.ts', './fixtures/hooks-composites-pipelines.ts'].map((f) =>
      fileURLToPath(new URL(f, import.meta.url)),
    );
    let workers: WorkerProcess[] = [];
    beforeAll(async () => {
      workers = await Promise.all([startWorker(redis, queue, fixtures), startWorker(redis, queue, fixtures)]);
    }, 60_000);
    afterAll(() => stopWorkers(workers));
  }
  const on = (rest: Record<string, unknown> = {}) => ({ ...rest, execution: { [name]: Object.keys(config).length ? { config } : {} } });
  const runOf = (p: Parameters<typeof execute>[0], rest: Record<string, unknown> = {}): Promise<RunResult> =>
    execute(p, { runConfig: on(rest), raiseOnError: false });

  it('fans out, maps, collects in emission order, joins, and reads run config', async () => {
    const result = await runOf(fanAndCollect, { solids: { constant: { config: { value: 1000 } } } });
    expect(result.status).toBe('SUCCESS');
    expect(result.solid('square').outputs['result']).toEqual([1, 4, 9]);
    expect(
      result
        .solid('square')
        .events.filter((e) => e.type === 'STEP_START')
        .map((e) => e.stepKey)
        .sort(),
    ).toEqual(['square[0]', 'square[1]', 'square[2]']);
    expect(result.output('total')).toBe(14);
    expect(result.output('add')).toBe(1014);
  });

  it('brings each step log into the run as a LOG event bound to its step', async () => {
    const result = await runOf(fanAndCollect);
    const logs = result.events.filter((e): e is Extract<RunEvent, { type: 'LOG' }> => e.type === 'LOG' && e.message === 'squaring');
    expect(logs.map((e) => e.stepKey).sort()).toEqual(['square[0]', 'square[1]', 'square[2]']);
    expect(logs.map((e) => e.fields['n']).sort()).toEqual([1, 2, 3]);
  });

  it('skips downstream of a failure, runs the independent branches, skips what an unproduced output feeds, retries, type-checks', async () => {
    const result = await runOf(failures);
    expect(result.status).toBe('FAILURE');
    expect(result.solid('explode').status).toBe('FAILURE');
    expect(result.solid('explode').error).toMatchObject({ name: 'RangeError', message: 'no' });
    expect(result.solid('after').status).toBe('SKIPPED');
    expect(result.output('wants_yes')).toBe(2);
    expect(result.solid('wants_no').status).toBe('SKIPPED');
    expect(result.output('retried')).toBe(3);
    expect(result.events.filter((e) => e.type === 'STEP_RETRY' && e.stepKey === 'retried')).toHaveLength(2);
    expect(result.solid('bad_output').error).toMatchObject({ name: 'TypeCheckError' });
  });

  it('gives a step its resource, configured by run config, and tears it down before the run ends', async () => {
    const result = await runOf(withResource, { resources: { counter: { config: { start: 5 } } } });
    expect(result.output('uses_counter')).toBe(15);
    const types = result.events.map((e) => e.type);
    expect(types.filter((t) => t === 'RESOURCE_INIT_SUCCESS')).toHaveLength(1);
    expect(types.filter((t) => t === 'RESOURCE_TEARDOWN')).toHaveLength(1);
    expect(types.indexOf('RESOURCE_TEARDOWN')).toBeLessThan(types.indexOf('RUN_SUCCESS'));
  });

  it('emits the same step events as the sync executor', async () => {
    for (const p of [fanAndCollect, failures, withResource]) {
      const mine = await runOf(p);
      const sync = await execute(p, { runConfig: { execution: { sync: {} } }, raiseOnError: false });
      expect(stepEvents(mine.events)).toEqual(stepEvents(sync.events));
    }
  });

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
