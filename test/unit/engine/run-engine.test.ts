/**
 * The run engine (lib/engine/run-engine.ts): a run's lifecycle, moving forward only —
 * starting, running, canceling, finalizing (executor disposed, resources torn down),
 * finished (the terminal event). Cancel semantics as DESIGN states them are in
 * test/contract/semantics-lifecycle.test.ts; these are the engine's own orderings.
 */
import { queueScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { execute, executor, logger, memoryLogger, mode, pipeline, resource, run, solid, type RunEvent } from '../../../lib/index.ts';
import { aborted, deferred, eventsOf, executors, on, until } from '../../helpers/index.ts';

/** A resource that journals its init and teardown; its teardown waits for `release` when given. */
function tracked(journal: string[], key: string, release?: Promise<void>) {
  return resource({
    async *init() {
      journal.push(`init ${key}`);
      try {
        yield key;
      } finally {
        journal.push(`teardown ${key}`);
        if (release) await release;
      }
    },
  });
}

describe.each(executors)('$name executor', (exec) => {
  const runConfig = on(exec);

  it('lets a running compute settle before tearing its resources down', async () => {
    const journal: string[] = [];
    const started = deferred();
    const s = solid({
      name: 's',
      resources: ['r'],
      compute: async (ctx) => {
        started.resolve();
        await aborted(ctx.signal);
        await new Promise((resolve) => setTimeout(resolve, 5));
        journal.push('compute settled');
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [mode({ loggers: { memory: memoryLogger() }, resources: { r: tracked(journal, 'r') } })],
      graph: () => {
        s();
      },
    });
    const subscription = run(p, { runConfig }).subscribe();
    await started.promise;
    subscription.unsubscribe();
    await until(() => journal.includes('teardown r'), 'teardown');
    expect(journal).toEqual(['init r', 'compute settled', 'teardown r']);
  });

  it('disposes the executor and tears every resource down before the terminal event', async () => {
    const journal: string[] = [];
    const serial = executor({
      name: 'serial',
      create: () => ({ scheduler: queueScheduler, maxConcurrent: 1, dispose: () => void journal.push('dispose') }),
    });
    const s = solid({ name: 's', resources: ['a', 'b'], compute: () => void journal.push('s ran') });
    const p = pipeline({
      name: 'p',
      modes: [mode({ loggers: {}, executors: [serial], resources: { a: tracked(journal, 'a'), b: tracked(journal, 'b') } })],
      graph: () => {
        s();
      },
    });
    await new Promise<void>((resolve) =>
      run(p).subscribe({ next: (e) => e.type.startsWith('RUN_') && journal.push(e.type), complete: resolve }),
    );
    expect(journal.slice(0, 4)).toEqual(['RUN_START', 'init a', 'init b', 's ran']);
    expect(journal.slice(4, 6)).toEqual(['dispose', 'teardown b']);
    expect(journal.slice(6)).toEqual(['teardown a', 'RUN_SUCCESS']);
  });

  it('ends a run that is already finalizing on its own terms when unsubscribed: the loggers get RUN_SUCCESS, not RUN_CANCELED', async () => {
    const journal: string[] = [];
    const release = deferred();
    const memory = memoryLogger();
    const s = solid({ name: 's', resources: ['slow'], compute: () => 1 });
    const p = pipeline({
      name: 'p',
      modes: [mode({ loggers: { memory }, resources: { slow: tracked(journal, 'slow', release.promise) } })],
      graph: () => {
        s();
      },
    });
    const seen: RunEvent[] = [];
    const subscription = run(p, { runConfig }).subscribe((e) => seen.push(e));
    await until(() => journal.includes('teardown slow'), 'the teardown to start');
    subscription.unsubscribe();
    release.resolve();
    await until(() => memory.records().some((r) => r['event'] === 'RUN_SUCCESS'), 'RUN_SUCCESS in the sink');
    expect(
      memory
        .records()
        .filter((r) => typeof r['event'] === 'string' && String(r['event']).startsWith('RUN_'))
        .map((r) => r['event']),
    ).toEqual(['RUN_START', 'RUN_SUCCESS']);
    expect(seen.map((e) => e.type)).not.toContain('RUN_SUCCESS');
  });

  it('ends RUN_FAILURE with the error, running nothing, when a logger sink cannot be opened', async () => {
    const journal: string[] = [];
    const broken = logger({
      init: () => {
        throw new Error('cannot open the log file');
      },
    });
    const s = solid({ name: 's', resources: ['r'], compute: () => void journal.push('s ran') });
    const p = pipeline({
      name: 'p',
      modes: [mode({ loggers: { broken }, resources: { r: tracked(journal, 'r') } })],
      graph: () => {
        s();
      },
    });
    const list = await eventsOf(p, { runConfig });
    expect(list.map((e) => e.type)).toEqual(['RUN_START', 'RUN_FAILURE']);
    const end = list[1] as Extract<RunEvent, { type: 'RUN_FAILURE' }>;
    expect(end.error?.message).toContain('cannot open the log file');
    expect(journal).toEqual([]);
    const result = await execute(p, { runConfig, raiseOnError: false });
    expect(result.status).toBe('FAILURE');
  });
});
