/**
 * The queue executor when workers go away: killed mid-step (kill -9: another worker
 * finishes the step, the run completes — also when the dead worker held a resource, whose
 * lost teardown is reported but does not fail the run) and stopped with SIGTERM (the step
 * finishes first, the worker's resources are torn down, it exits 0). Real Redis, real workers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { run, type RunEvent } from '../../lib/index.ts';
import { checkRunInvariants } from '../../lib/testing/index.ts';
import { drainPipeline, slowPipeline } from './fixtures/queue-pipelines.ts';
import { onQueue, queueName, startWorker, stopWorkers } from './queue-helpers.ts';

const server = inject('redis');
const fixtures = fileURLToPath(new URL('./fixtures/queue-pipelines.ts', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'modeflow-queue-faults-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const LOCK_MS = 1000;
const STEP_MS = 2000;

describe.skipIf(server.skip !== undefined)('queue workers that go away', () => {
  const redis = server.skip === undefined ? server.url : '';

  it('finishes the step of a worker killed mid-step (kill -9) on another worker, and the run completes', async () => {
    const queue = queueName('kill');
    const workers = await Promise.all([startWorker(redis, queue, [fixtures]), startWorker(redis, queue, [fixtures])]);
    try {
      let killedAt = 0;
      let killed: number | undefined;
      const at = new Map<string, number>();
      const events = await lastValueFrom(
        run(slowPipeline, {
          runConfig: { execution: onQueue(redis, queue, { lockDurationMs: LOCK_MS }), solids: { slow: { config: { ms: STEP_MS } } } },
        }).pipe(
          tap((e: RunEvent) => {
            if (e.type === 'LOG' && e.message === 'started' && killed === undefined) {
              killed = e.fields['pid'] as number;
              killedAt = performance.now();
              workers.find((w) => w.child.pid === killed)!.child.kill('SIGKILL');
            }
            if (e.type === 'LOG' && e.fields['redelivered'] === true) at.set('redelivered', performance.now());
            if (e.type === 'STEP_SUCCESS') at.set('finished', performance.now());
          }),
          toArray(),
        ),
      );
      expect(events.at(-1)?.type).toBe('RUN_SUCCESS');
      const survivor = workers.find((w) => w.child.pid !== killed)!;
      expect(events.find((e) => e.type === 'STEP_OUTPUT')).toMatchObject({ value: survivor.child.pid });
      // One STEP_START, one outcome: the dead delivery's output never shows.
      expect(events.filter((e) => e.type === 'STEP_START' || e.type === 'STEP_SUCCESS').map((e) => e.type)).toEqual([
        'STEP_START',
        'STEP_SUCCESS',
      ]);
      const redelivered = events.find((e) => e.type === 'LOG' && e.fields['redelivered'] === true);
      expect(redelivered).toMatchObject({ level: 'warn', fields: { worker: survivor.id } });
      const handedOn = at.get('redelivered')! - killedAt;
      const finished = at.get('finished')! - killedAt;
      // The lock lapses after LOCK_MS; the run's stalled check (every LOCK_MS / 2) hands the job on.
      expect(handedOn).toBeLessThan(2 * LOCK_MS + 2000);
      console.info(
        `queue kill -9 (lockDurationMs ${LOCK_MS}, step ${STEP_MS} ms): handed to another worker ${handedOn.toFixed(0)} ms ` +
          `after the kill; step finished there ${finished.toFixed(0)} ms after the kill`,
      );
    } finally {
      await stopWorkers(workers);
    }
  });

  it('succeeds when a worker holding a resource is killed mid-step: the step completes elsewhere, the lost teardown is reported, not failed', async () => {
    const queue = queueName('kill-resource');
    const journal = join(scratch, 'kill-journal.txt');
    const workers = await Promise.all([startWorker(redis, queue, [fixtures]), startWorker(redis, queue, [fixtures])]);
    try {
      let killed: (typeof workers)[number] | undefined;
      const events = await lastValueFrom(
        run(drainPipeline, {
          runConfig: {
            execution: onQueue(redis, queue, { lockDurationMs: LOCK_MS }),
            resources: { journaled: { config: { journal } } },
            solids: { slow_with_resource: { config: { ms: STEP_MS } } },
          },
        }).pipe(
          tap((e: RunEvent) => {
            if (e.type === 'LOG' && e.message === 'started' && killed === undefined) {
              killed = workers.find((w) => w.child.pid === e.fields['pid'])!;
              killed.child.kill('SIGKILL');
            }
          }),
          toArray(),
        ),
      );
      const resourceEvents = events.filter((e) => e.type.startsWith('RESOURCE') || e.type.startsWith('RUN_'));
      expect(events.at(-1)?.type, JSON.stringify(resourceEvents)).toBe('RUN_SUCCESS');
      const survivor = workers.find((w) => w !== killed)!;
      expect(events.find((e) => e.type === 'STEP_OUTPUT')).toMatchObject({ value: survivor.child.pid });
      // Initialised on both workers; torn down once on the live one, never on the killed one.
      expect(readFileSync(journal, 'utf8')).toBe(`init ${killed!.child.pid}\ninit ${survivor.child.pid}\nteardown ${survivor.child.pid}\n`);
      const teardowns = events.filter((e): e is Extract<RunEvent, { type: 'RESOURCE_TEARDOWN' }> => e.type === 'RESOURCE_TEARDOWN');
      expect(teardowns).toHaveLength(2);
      expect(teardowns.filter((t) => t.error === undefined)).toHaveLength(1);
      const lostTeardown = teardowns.find((t) => t.error !== undefined);
      expect(lostTeardown).toMatchObject({ resource: 'journaled', redelivered: true, error: { name: 'WorkerCrashedError' } });
      expect(lostTeardown!.error!.message).toBe(
        `resource "journaled" lived in queue worker ${killed!.id}, which died before its teardown could run`,
      );
      // Said at warn, naming the resource and the worker it was lost on.
      const warning = events.find((e) => e.type === 'LOG' && e.fields['lost'] === 'teardown');
      expect(warning).toMatchObject({ level: 'warn', fields: { resource: 'journaled', redelivered: true } });
      expect((warning as Extract<RunEvent, { type: 'LOG' }>).message).toContain(`queue worker ${killed!.id}`);
      // The lost teardown is the resource's one RESOURCE_TEARDOWN on that worker: the run's accounting holds.
      expect(checkRunInvariants(events, { pipeline: drainPipeline }).violations).toEqual([]);
      expect(events.filter((e) => e.type === 'RESOURCE_INIT_SUCCESS')).toHaveLength(2);
      const tornDown = teardowns.find((t) => t.error === undefined)!;
      console.info(
        `queue kill -9 with a resource (lockDurationMs ${LOCK_MS}, step ${STEP_MS} ms): lost teardown reported ` +
          `${lostTeardown!.timestamp - tornDown.timestamp} ms after the live worker's teardown; run took ${events.at(-1)!.timestamp - events[0]!.timestamp} ms`,
      );
    } finally {
      await stopWorkers(workers);
    }
  });

  it('drains on SIGTERM: finishes the running step, tears its resources down, exits 0', async () => {
    const queue = queueName('drain');
    const journal = join(scratch, 'journal.txt');
    const worker = await startWorker(redis, queue, [fixtures]);
    const events = await lastValueFrom(
      run(drainPipeline, {
        runConfig: {
          execution: onQueue(redis, queue, { lockDurationMs: LOCK_MS }),
          resources: { journaled: { config: { journal } } },
          solids: { slow_with_resource: { config: { ms: STEP_MS } } },
        },
      }).pipe(
        tap((e: RunEvent) => {
          if (e.type === 'LOG' && e.message === 'started') worker.child.kill('SIGTERM');
        }),
        toArray(),
      ),
    );
    expect(await worker.exited).toBe(0);
    expect(events.at(-1), JSON.stringify(events.filter((e) => e.type.startsWith('RESOURCE') || e.type.startsWith('RUN_')))).toMatchObject({
      type: 'RUN_SUCCESS',
    });
    expect(events.find((e) => e.type === 'STEP_OUTPUT')).toMatchObject({ value: worker.child.pid });
    const teardown = events.find((e) => e.type === 'RESOURCE_TEARDOWN');
    expect(teardown).toMatchObject({ resource: 'journaled' });
    expect(teardown).not.toHaveProperty('error');
    expect(readFileSync(journal, 'utf8')).toBe(`init ${worker.child.pid}\nteardown ${worker.child.pid}\n`);
    expect(worker.output()).toContain('SIGTERM: finishing running steps, then exiting');
  });
});
