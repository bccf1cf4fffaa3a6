/**
 * The run's ledger of what each step host holds: what a dead host held is reported lost,
 * flagged `redelivered` when the executor delivers a dead host's work again elsewhere (the
 * queue), unflagged when it does not (the worker pool), so that the engine decides the run's
 * status from the flag alone.
 */
import { describe, expect, it } from 'vitest';
import type { ResourceReport } from '../../../../../lib/index.ts';
import { HostLedger } from '../../../../../modes/executors/step-host/host-ledger.ts';

/** A host `w1` that opened `a` then `b` and was initialising `c` when it died. */
async function deadHost(redelivers: boolean): Promise<ResourceReport[]> {
  const reports: ResourceReport[] = [];
  const ledger = new HostLedger<string>(
    (r) => reports.push(r),
    (id) => `queue worker ${id}`,
    'the worker did not answer',
    redelivers,
  );
  for (const resource of ['a', 'b']) {
    ledger.report('w1', { type: 'RESOURCE_INIT_START', resource });
    ledger.report('w1', { type: 'RESOURCE_INIT_SUCCESS', resource, durationMs: 0 });
  }
  ledger.report('w1', { type: 'RESOURCE_INIT_START', resource: 'c' });
  reports.length = 0;
  ledger.died('w1');
  await ledger.whenReleased();
  return reports;
}

describe('HostLedger, when a host dies', () => {
  it('reports what it held as lost, flagged redelivered, when the executor redelivers a dead host’s work', async () => {
    const reports = await deadHost(true);
    expect(reports.map((r) => [r.type, r.resource, 'redelivered' in r && r.redelivered])).toEqual([
      ['RESOURCE_INIT_FAILURE', 'c', true],
      ['RESOURCE_TEARDOWN', 'b', true],
      ['RESOURCE_TEARDOWN', 'a', true],
    ]);
    expect(reports[1]).toMatchObject({
      error: { name: 'WorkerCrashedError', message: 'resource "b" lived in queue worker w1, which died before its teardown could run' },
    });
  });

  it('reports them unflagged (the loss fails the run) when the executor does not', async () => {
    const reports = await deadHost(false);
    expect(reports.map((r) => r.type)).toEqual(['RESOURCE_INIT_FAILURE', 'RESOURCE_TEARDOWN', 'RESOURCE_TEARDOWN']);
    expect(reports.some((r) => 'redelivered' in r)).toBe(false);
  });

  it('never flags a live host’s teardown that timed out: that host did not die', () => {
    const reports: ResourceReport[] = [];
    const ledger = new HostLedger<string>(
      (r) => reports.push(r),
      (id) => `queue worker ${id}`,
      'the worker did not answer',
      true,
    );
    ledger.report('w1', { type: 'RESOURCE_INIT_START', resource: 'a' });
    ledger.report('w1', { type: 'RESOURCE_INIT_SUCCESS', resource: 'a', durationMs: 0 });
    ledger.timedOut('w1', 50);
    expect(reports.at(-1)).toMatchObject({ type: 'RESOURCE_TEARDOWN', resource: 'a', timedOut: true });
    expect(reports.at(-1)).not.toHaveProperty('redelivered');
  });
});
