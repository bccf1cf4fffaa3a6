/**
 * How a resource lost with its process counts for the run: an executor that delivers a
 * dead process's work again elsewhere reports the loss `redelivered` — the run logs it at
 * `warn` and its steps decide its status; without the flag the loss fails the run.
 */
import { asapScheduler, EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  execute,
  executor,
  memoryLogger,
  mode,
  pipeline,
  resource,
  serializeError,
  solid,
  WorkerCrashedError,
  type ResourceReport,
  type RunEvent,
} from '../../../lib/index.ts';
import { checkRunInvariants } from '../../../lib/testing/index.ts';

const crashed = (message: string) => serializeError(new WorkerCrashedError(message));

/**
 * Runs each step "elsewhere": the step's resource `r` is initialised there, and when the run
 * ends `lose` says what that place reports of it (its process died before the teardown).
 */
function remote(lose: (report: (r: ResourceReport) => void) => void) {
  return executor({
    name: 'remote',
    create: ({ report }) => ({
      scheduler: asapScheduler,
      maxConcurrent: 1,
      runStep: () => {
        report({ type: 'RESOURCE_INIT_START', resource: 'r' });
        report({ type: 'RESOURCE_INIT_SUCCESS', resource: 'r', durationMs: 0 });
        return EMPTY;
      },
      dispose: () => lose(report),
    }),
  });
}

function lossy(lose: (report: (r: ResourceReport) => void) => void) {
  const memory = memoryLogger();
  const uses = solid({ name: 'uses_r', resources: ['r'], compute: () => undefined });
  const p = pipeline({
    name: 'lossy',
    modes: [mode({ loggers: { memory }, executors: [remote(lose)], resources: { r: resource({ init: () => 1 }) } })],
    graph: () => {
      uses();
    },
  });
  return { p, memory };
}

const lostTeardown = (redelivered: boolean) => (report: (r: ResourceReport) => void) =>
  report({
    type: 'RESOURCE_TEARDOWN',
    resource: 'r',
    error: crashed('resource "r" lived in queue worker w1, which died before its teardown could run'),
    ...(redelivered ? { redelivered: true as const } : {}),
  });

describe('a resource lost with the process that held it', () => {
  it('does not fail the run when the executor redelivered that process’s work: reported with its error, logged at warn', async () => {
    const { p, memory } = lossy(lostTeardown(true));
    const result = await execute(p);
    expect(result.status).toBe('SUCCESS');
    const teardown = result.events.find((e) => e.type === 'RESOURCE_TEARDOWN');
    expect(teardown).toMatchObject({ resource: 'r', redelivered: true, error: { name: 'WorkerCrashedError' } });
    const warning = result.events.find((e): e is Extract<RunEvent, { type: 'LOG' }> => e.type === 'LOG' && e.fields['lost'] === 'teardown');
    expect(warning).toMatchObject({ level: 'warn', fields: { resource: 'r', redelivered: true } });
    expect(warning!.message).toContain('resource "r" was not torn down: resource "r" lived in queue worker w1');
    // The sinks get the event as a warning too, not as an error.
    expect(memory.records().find((r) => r['event'] === 'RESOURCE_TEARDOWN')).toMatchObject({ level: 40, redelivered: true });
    // The lost teardown is the resource's one RESOURCE_TEARDOWN: the accounting holds.
    expect(checkRunInvariants(result.events, { pipeline: p }).violations).toEqual([]);
  });

  it('fails the run when the executor did not redeliver (a worker thread that died), as a teardown that throws does', async () => {
    const { p } = lossy(lostTeardown(false));
    const result = await execute(p, { raiseOnError: false });
    expect(result.status).toBe('FAILURE');
    expect(result.events.at(-1)).toMatchObject({ type: 'RUN_FAILURE', error: { name: 'WorkerCrashedError' } });
    expect(result.events.some((e) => e.type === 'LOG' && e.fields['lost'] !== undefined)).toBe(false);
  });

  it('does not fail the run for an init its dead process never finished, when redelivered', async () => {
    const { p } = lossy((report) => {
      report({ type: 'RESOURCE_INIT_START', resource: 'r' });
      report({
        type: 'RESOURCE_INIT_FAILURE',
        resource: 'r',
        error: crashed('resource "r" was being initialised in queue worker w2, which died'),
        redelivered: true,
      });
      report({ type: 'RESOURCE_TEARDOWN', resource: 'r' });
    });
    const result = await execute(p);
    expect(result.status).toBe('SUCCESS');
    expect(result.events.find((e) => e.type === 'RESOURCE_INIT_FAILURE')).toMatchObject({ redelivered: true });
    const warning = result.events.find((e): e is Extract<RunEvent, { type: 'LOG' }> => e.type === 'LOG' && e.fields['lost'] === 'init');
    expect(warning?.message).toContain('resource "r" did not finish initialising: resource "r" was being initialised in queue worker w2');
  });
});
