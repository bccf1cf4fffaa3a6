/**
 * DESIGN.md, "Semantics in detail" → "Logs" (sinks, LOG events, engine events,
 * ctx.resources access).
 */
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, hardcodedResource, memoryLogger, mode, pipeline, resource, solid, type MemoryLogger } from '../../lib/index.ts';
import { deferred, executors, ofType, silentMode } from '../helpers/index.ts';

const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

function twoSinks() {
  const low = memoryLogger();
  const high = memoryLogger();
  return { low, high, m: mode({ loggers: { low, high } }) };
}

const withMsg = (sink: MemoryLogger, msg: string) => sink.records().filter((r) => r['msg'] === msg);
const withEvent = (sink: MemoryLogger, event: string) => sink.records().filter((r) => r['event'] === event);

describe.each(executors)('Logs ($name executor)', ({ runConfig }) => {
  const logging = solid({
    name: 'logging',
    compute: (ctx) => {
      ctx.log.debug('debug-record');
      ctx.log.info('info-record');
      ctx.log.warn('warn-record');
      ctx.log.error('error-record');
    },
  });

  it('a ctx.log record goes once to each sink whose level it meets', async () => {
    const { low, high, m } = twoSinks();
    const p = pipeline({
      name: 'log_sinks',
      modes: [m],
      graph: () => {
        logging();
      },
    });
    await execute(p, {
      runConfig: { ...runConfig, loggers: { low: { config: { level: 'debug' } }, high: { config: { level: 'warn' } } } },
    });
    expect(withMsg(low, 'debug-record')).toHaveLength(1);
    expect(withMsg(low, 'info-record')).toHaveLength(1);
    expect(withMsg(low, 'warn-record')).toHaveLength(1);
    expect(withMsg(low, 'error-record')).toHaveLength(1);
    expect(withMsg(high, 'debug-record')).toHaveLength(0);
    expect(withMsg(high, 'info-record')).toHaveLength(0);
    expect(withMsg(high, 'warn-record')).toHaveLength(1);
    expect(withMsg(high, 'error-record')).toHaveLength(1);
    expect(withMsg(high, 'error-record')[0]?.['level']).toBe(LEVEL.error);
  });

  it('a sink level defaults to info', async () => {
    const sink = memoryLogger();
    const p = pipeline({
      name: 'log_default_level',
      modes: [mode({ loggers: { sink } })],
      graph: () => {
        logging();
      },
    });
    await execute(p, { runConfig });
    expect(withMsg(sink, 'debug-record')).toHaveLength(0);
    expect(withMsg(sink, 'info-record')).toHaveLength(1);
  });

  it('a record becomes a LOG event when it meets the lowest sink level', async () => {
    const { m } = twoSinks();
    const p = pipeline({
      name: 'log_events',
      modes: [m],
      graph: () => {
        logging();
      },
    });
    const result = await execute(p, {
      runConfig: { ...runConfig, loggers: { low: { config: { level: 'warn' } }, high: { config: { level: 'error' } } } },
    });
    const logs = ofType(result.events, 'LOG');
    expect(logs.map((e) => e.message)).toEqual(['warn-record', 'error-record']);
    expect(logs.map((e) => e.level)).toEqual(['warn', 'error']);
    expect(logs.every((e) => e.stepKey === 'logging' && e.solid === 'logging')).toBe(true);

    const debugResult = await execute(p, {
      runConfig: { ...runConfig, loggers: { low: { config: { level: 'debug' } }, high: { config: { level: 'error' } } } },
    });
    expect(ofType(debugResult.events, 'LOG').map((e) => e.message)).toEqual(['debug-record', 'info-record', 'warn-record', 'error-record']);
  });

  it('LOG events and sink lines of a fanned step carry its stepKey and solid', async () => {
    const sink = memoryLogger();
    const numbers = solid({ name: 'numbers', output: z.number(), compute: () => from([1, 2]) });
    const says = solid({ name: 'says', inputs: { n: z.number() }, compute: (ctx, { n }) => ctx.log.info({ n }, 'says-record') });
    const p = pipeline({
      name: 'log_bound',
      modes: [mode({ loggers: { sink } })],
      graph: () => {
        says(numbers());
      },
    });
    const result = await execute(p, { runConfig });
    const logs = ofType(result.events, 'LOG');
    expect(logs.map((e) => [e.stepKey, e.solid, e.fields['n']]).sort()).toEqual([
      ['says[0]', 'says', 1],
      ['says[1]', 'says', 2],
    ]);
    const lines = withMsg(sink, 'says-record');
    expect(lines.map((r) => [r['stepKey'], r['solid'], r['pipeline'], r['runId']]).sort()).toEqual([
      ['says[0]', 'says', 'log_bound', result.runId],
      ['says[1]', 'says', 'log_bound', result.runId],
    ]);
  });

  it('a mode with no sinks has no LOG events (documented)', async () => {
    const p = pipeline({
      name: 'log_no_sinks',
      modes: [silentMode()],
      graph: () => {
        logging();
      },
    });
    const result = await execute(p, { runConfig });
    expect(ofType(result.events, 'LOG')).toEqual([]);
  });

  it('LOG events are not written to the sinks twice', async () => {
    const { low, m } = twoSinks();
    const p = pipeline({
      name: 'log_once',
      modes: [m],
      graph: () => {
        logging();
      },
    });
    await execute(p, {
      runConfig: { ...runConfig, loggers: { low: { config: { level: 'debug' } }, high: { config: { level: 'debug' } } } },
    });
    for (const msg of ['debug-record', 'info-record', 'warn-record', 'error-record']) {
      expect(low.lines.filter((line) => line.includes(msg))).toHaveLength(1);
    }
    expect(withEvent(low, 'LOG')).toEqual([]);
  });

  it('engine events go to the sinks: at debug, failures at error, RUN_* at info', async () => {
    const ok = solid({ name: 'ok', compute: () => 1 });
    const bad = solid({
      name: 'bad',
      compute: () => {
        throw new Error('bad step');
      },
    });
    const { low, high, m } = twoSinks();
    const p = pipeline({
      name: 'engine_lines',
      modes: [m],
      graph: () => {
        ok();
        bad();
      },
    });
    await execute(p, {
      runConfig: { ...runConfig, loggers: { low: { config: { level: 'debug' } }, high: { config: { level: 'info' } } } },
      raiseOnError: false,
    });
    const levelOf = (sink: MemoryLogger, event: string) => withEvent(sink, event).map((r) => r['level']);
    expect(levelOf(low, 'RUN_START')).toEqual([LEVEL.info]);
    expect(levelOf(low, 'STEP_START')).toEqual([LEVEL.debug, LEVEL.debug]);
    expect(levelOf(low, 'STEP_SUCCESS')).toEqual([LEVEL.debug]);
    expect(levelOf(low, 'STEP_FAILURE')).toEqual([LEVEL.error]);
    expect(levelOf(low, 'RUN_FAILURE')).toEqual([LEVEL.error]);
    // an info sink gets RUN_* and failures, not the debug-level step events
    expect(levelOf(high, 'RUN_START')).toEqual([LEVEL.info]);
    expect(levelOf(high, 'STEP_START')).toEqual([]);
    expect(levelOf(high, 'STEP_SUCCESS')).toEqual([]);
    expect(levelOf(high, 'STEP_FAILURE')).toEqual([LEVEL.error]);
    expect(levelOf(high, 'RUN_FAILURE')).toEqual([LEVEL.error]);
  });

  it('RESOURCE_INIT_FAILURE and a failed RESOURCE_TEARDOWN go to the sinks at error (documented)', async () => {
    const sink = memoryLogger();
    const broken = resource({
      init: () => {
        throw new Error('no init');
      },
    });
    const closing = resource({
      async *init() {
        try {
          yield 1;
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new Error('no close');
        }
      },
    });
    const a = solid({ name: 'a', resources: ['broken'], compute: () => 1 });
    const b = solid({ name: 'b', resources: ['closing'], compute: () => 1 });
    const p1 = pipeline({
      name: 'init_failure_line',
      modes: [mode({ loggers: { sink }, resources: { broken, closing } })],
      graph: () => {
        a();
      },
    });
    await execute(p1, { runConfig, raiseOnError: false });
    expect(withEvent(sink, 'RESOURCE_INIT_FAILURE').map((r) => r['level'])).toEqual([LEVEL.error]);
    sink.clear();
    const p2 = pipeline({
      name: 'teardown_failure_line',
      modes: [mode({ loggers: { sink }, resources: { broken, closing } })],
      graph: () => {
        b();
      },
    });
    await execute(p2, { runConfig, raiseOnError: false });
    expect(withEvent(sink, 'RESOURCE_TEARDOWN').map((r) => r['level'])).toEqual([LEVEL.error]);
  });

  it('RUN_SUCCESS and RUN_CANCELED go to the sinks at info', async () => {
    const ok = solid({ name: 'ok', compute: () => 1 });
    const sink = memoryLogger();
    const p = pipeline({
      name: 'run_lines',
      modes: [mode({ loggers: { sink } })],
      graph: () => {
        ok();
      },
    });
    await execute(p, { runConfig });
    expect(withEvent(sink, 'RUN_SUCCESS').map((r) => r['level'])).toEqual([LEVEL.info]);

    const started = deferred();
    const waits = solid({
      name: 'waits',
      compute: (ctx) =>
        new Promise<void>((resolve) => {
          started.resolve();
          ctx.signal.addEventListener('abort', () => resolve());
        }),
    });
    const canceledSink = memoryLogger();
    const p2 = pipeline({
      name: 'canceled_lines',
      modes: [mode({ loggers: { canceledSink } })],
      graph: () => {
        waits();
      },
    });
    const controller = new AbortController();
    const promise = execute(p2, { runConfig, signal: controller.signal, raiseOnError: false });
    await started.promise;
    controller.abort();
    await promise;
    expect(withEvent(canceledSink, 'RUN_CANCELED').map((r) => r['level'])).toEqual([LEVEL.info]);
  });

  describe('ctx.resources', () => {
    function probe(body: (resources: Record<string | symbol, unknown>) => unknown) {
      const seen: unknown[] = [];
      const s = solid({
        name: 'probe',
        resources: ['store'],
        compute: async (ctx) => {
          seen.push(await body(ctx.resources as unknown as Record<string | symbol, unknown>));
        },
      });
      const p = pipeline({
        name: 'resource_access',
        modes: [silentMode({ resources: { store: hardcodedResource({ kind: 'db' }), cache: hardcodedResource({ kind: 'cache' }) } })],
        graph: () => {
          s();
        },
      });
      return { p, seen };
    }

    it('a declared key gives the resource value', async () => {
      const { p, seen } = probe((r) => r['store']);
      await execute(p, { runConfig });
      expect(seen).toEqual([{ kind: 'db' }]);
    });

    it('an undeclared string key throws, naming the solid, the key and what it declared', async () => {
      const { p } = probe((r) => r['cache']);
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('probe').status).toBe('FAILURE');
      const message = result.solid('probe').error?.message ?? '';
      expect(message).toContain('probe');
      expect(message).toContain('cache');
      expect(message).toContain('store');
    });

    it('then and toJSON do not throw (await and JSON.stringify are harmless)', async () => {
      const { p, seen } = probe(async (r) => {
        const awaited = await Promise.resolve(r);
        return [r['then'], r['toJSON'], awaited === r, typeof JSON.stringify(r)];
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('probe').error).toBeUndefined();
      expect(seen).toEqual([[undefined, undefined, true, 'string']]);
    });

    it('symbol keys give undefined', async () => {
      const { p, seen } = probe((r) => [r[Symbol.iterator], r[Symbol.for('anything')], r[Symbol.toPrimitive]]);
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('probe').error).toBeUndefined();
      expect(seen).toEqual([[undefined, undefined, undefined]]);
    });
  });
});

describe('ctx.log is usable without any sink', () => {
  it('logging with loggers: {} does not fail the step', async () => {
    const chatty = solid({
      name: 'chatty',
      output: z.number(),
      compute: (ctx) => {
        ctx.log.info({ rows: 3 }, 'loaded');
        return 3;
      },
    });
    const p = pipeline({
      name: 'chatty',
      modes: [silentMode()],
      graph: () => {
        chatty();
      },
    });
    const result = await execute(p);
    expect(result.output('chatty')).toBe(3);
  });
});
