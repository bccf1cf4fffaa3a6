/** toRunResult: folding a run into its RunResult (operators/to-run-result.ts). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ModeflowError, pipeline, run, solid, toRunResult, type RunEvent } from '../../../lib/index.ts';
import { concat, config as rxjsConfig, from, lastValueFrom, of } from 'rxjs';
import { eventsOf, quietMode } from '../../helpers/index.ts';

const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
const inc = solid({ name: 'inc', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n + 1 });
const chain = pipeline({
  name: 'chain',
  modes: [quietMode()],
  graph: () => {
    inc(one());
  },
});

describe('toRunResult', () => {
  it('errors, naming both run ids, when the stream holds events of two runs', async () => {
    const both = concat(run(chain, { runId: 'first' }), run(chain, { runId: 'second' }));
    const error = await lastValueFrom(both.pipe(toRunResult(chain))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModeflowError);
    expect((error as Error).message).toContain('first');
    expect((error as Error).message).toContain('second');
  });

  it('errors its stream, instead of throwing out of a callback, when an event cannot be folded', async () => {
    const unhandled: unknown[] = [];
    const previous = rxjsConfig.onUnhandledError;
    rxjsConfig.onUnhandledError = (error) => unhandled.push(error);
    try {
      const broken = of(null as unknown as RunEvent).pipe(toRunResult(chain));
      const error = await lastValueFrom(broken).then(
        () => undefined,
        (e: unknown) => e,
      );
      await new Promise((resolve) => setTimeout(resolve, 0)); // RxJS reports unhandled errors on a timer
      expect(error).toBeInstanceOf(TypeError);
      expect(unhandled).toEqual([]);
    } finally {
      rxjsConfig.onUnhandledError = previous;
    }
  });

  it.each(['__proto__', 'constructor', 'toString'])('folds a step and a resource keyed %s like any other', async (name) => {
    const list = (await eventsOf(chain, { runId: 'r' })).map((e) => ('stepKey' in e && e.stepKey === 'one' ? { ...e, stepKey: name } : e));
    const start = list[0]!;
    const base = { runId: start.runId, pipelineName: start.pipelineName, mode: start.mode, timestamp: start.timestamp };
    list.splice(
      1,
      0,
      { type: 'RESOURCE_INIT_START', ...base, resource: name },
      { type: 'RESOURCE_INIT_SUCCESS', ...base, resource: name, durationMs: 0 },
    );
    const result = await lastValueFrom(from(list).pipe(toRunResult(chain)));
    expect(result.status).toBe('SUCCESS');
    expect(Object.keys(result.state.steps)).toContain(name);
    expect(result.state.steps[name]?.status).toBe('SUCCESS');
    expect(result.state.resources[name]).toBe('READY');
    expect(Object.getPrototypeOf(result.state.steps)).toBe(null);
  });
});
