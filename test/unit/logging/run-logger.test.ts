import { describe, expect, it } from 'vitest';
import {
  execute,
  logger,
  memoryLogger,
  mode,
  pipeline,
  resource,
  solid,
  type LevelName,
  type MemoryLogger,
  type SolidContext,
} from '../../../lib/index.ts';
import { eventsOf, executors, ofType, on } from '../../helpers/index.ts';

/** A pipeline whose one solid runs `compute`, with the given sinks. */
function withSinks(loggers: Record<string, MemoryLogger>, compute: (ctx: SolidContext) => unknown = () => undefined) {
  const s = solid({ name: 'talk', compute });
  return pipeline({
    name: 'logs',
    modes: [mode({ name: 'test', loggers })],
    graph: () => {
      s();
    },
  });
}

const levels = (sinks: Record<string, LevelName>) => ({
  loggers: Object.fromEntries(Object.entries(sinks).map(([k, level]) => [k, { config: { level } }])),
});

const byMsg = (sink: MemoryLogger, msg: string) => sink.records().filter((r) => r['msg'] === msg);
const byEvent = (sink: MemoryLogger, type: string) => sink.records().filter((r) => r['event'] === type);

describe.each(executors)('$name executor', (exec) => {
  describe('ctx.log', () => {
    it('writes a record to the memory sink', async () => {
      const memory = memoryLogger();
      await execute(
        withSinks({ memory }, (ctx) => ctx.log.info('hello')),
        { runConfig: on(exec) },
      );
      expect(byMsg(memory, 'hello')).toHaveLength(1);
    });

    it('binds records to runId, pipeline, mode, solid and stepKey', async () => {
      const memory = memoryLogger();
      await execute(
        withSinks({ memory }, (ctx) => ctx.log.warn('bound')),
        { runConfig: on(exec), runId: 'run_7' },
      );
      expect(byMsg(memory, 'bound')[0]).toMatchObject({ runId: 'run_7', pipeline: 'logs', mode: 'test', solid: 'talk', stepKey: 'talk' });
    });

    it('takes pino-style fields before the message', async () => {
      const memory = memoryLogger();
      await execute(
        withSinks({ memory }, (ctx) => ctx.log.info({ rows: 3 }, 'loaded')),
        { runConfig: on(exec) },
      );
      expect(byMsg(memory, 'loaded')[0]).toMatchObject({ rows: 3 });
    });

    it('makes a record at the lowest sink level a LOG event with level, message, fields, stepKey and solid', async () => {
      const memory = memoryLogger();
      const list = await eventsOf(
        withSinks({ memory }, (ctx) => ctx.log.info({ rows: 3 }, 'loaded')),
        { runConfig: on(exec) },
      );
      expect(ofType(list, 'LOG')).toEqual([
        expect.objectContaining({ level: 'info', message: 'loaded', fields: { rows: 3 }, stepKey: 'talk', solid: 'talk' }),
      ]);
    });

    it('drops a record below every sink level: no line, no LOG event', async () => {
      const memory = memoryLogger();
      const list = await eventsOf(
        withSinks({ memory }, (ctx) => ctx.log.debug('too low')),
        { runConfig: on(exec) },
      );
      expect(byMsg(memory, 'too low')).toEqual([]);
      expect(ofType(list, 'LOG')).toEqual([]);
    });

    it('writes a record only to the sinks whose level it meets', async () => {
      const loud = memoryLogger();
      const chatty = memoryLogger();
      await execute(
        withSinks({ loud, chatty }, (ctx) => ctx.log.info('middle')),
        {
          runConfig: on(exec, levels({ loud: 'warn', chatty: 'debug' })),
        },
      );
      expect(byMsg(chatty, 'middle')).toHaveLength(1);
      expect(byMsg(loud, 'middle')).toEqual([]);
    });

    it('makes a LOG event of a record that only the lowest sink takes', async () => {
      const loud = memoryLogger();
      const chatty = memoryLogger();
      const list = await eventsOf(
        withSinks({ loud, chatty }, (ctx) => ctx.log.debug('detail')),
        {
          runConfig: on(exec, levels({ loud: 'error', chatty: 'debug' })),
        },
      );
      expect(ofType(list, 'LOG').map((e) => e.message)).toEqual(['detail']);
    });

    it('writes a LOG record once, not again as an engine event', async () => {
      const memory = memoryLogger();
      await execute(
        withSinks({ memory }, (ctx) => ctx.log.info('once')),
        { runConfig: on(exec, levels({ memory: 'trace' })) },
      );
      expect(memory.lines.filter((l) => l.includes('"once"'))).toHaveLength(1);
      expect(byEvent(memory, 'LOG')).toEqual([]);
    });

    it('logs from a resource init as a LOG event without a stepKey', async () => {
      const memory = memoryLogger();
      const r = resource({ init: ({ log }) => log.info('connecting') });
      const s = solid({ name: 's', resources: ['r'], compute: () => undefined });
      const p = pipeline({
        name: 'p',
        modes: [mode({ loggers: { memory }, resources: { r } })],
        graph: () => {
          s();
        },
      });
      const list = await eventsOf(p, { runConfig: on(exec) });
      const log = ofType(list, 'LOG').find((e) => e.message === 'connecting');
      expect(log).toBeDefined();
      expect(log?.stepKey).toBeUndefined();
    });

    it("names the resource in a resource init log's LOG event and line, as the workerPool does", async () => {
      const memory = memoryLogger();
      const r = resource({ init: ({ log }) => log.info({ host: 'db' }, 'connecting') });
      const s = solid({ name: 's', resources: ['r'], compute: () => undefined });
      const p = pipeline({
        name: 'p',
        modes: [mode({ loggers: { memory }, resources: { r } })],
        graph: () => {
          s();
        },
      });
      const list = await eventsOf(p, { runConfig: on(exec) });
      expect(ofType(list, 'LOG').find((e) => e.message === 'connecting')?.fields).toEqual({ resource: 'r', host: 'db' });
      expect(byMsg(memory, 'connecting')[0]).toMatchObject({ resource: 'r', host: 'db' });
    });
  });

  describe('engine events in the sinks', () => {
    it('writes step events at debug', async () => {
      const memory = memoryLogger();
      await execute(withSinks({ memory }), { runConfig: on(exec, levels({ memory: 'debug' })) });
      expect(byEvent(memory, 'STEP_START')).toHaveLength(1);
      expect(byEvent(memory, 'STEP_START')[0]!['level']).toBe(20);
    });

    it('leaves step events out of a sink at info', async () => {
      const memory = memoryLogger();
      await execute(withSinks({ memory }), { runConfig: on(exec) });
      expect(byEvent(memory, 'STEP_START')).toEqual([]);
      expect(byEvent(memory, 'STEP_SUCCESS')).toEqual([]);
    });

    it('writes RUN_START and RUN_SUCCESS at info', async () => {
      const memory = memoryLogger();
      await execute(withSinks({ memory }), { runConfig: on(exec) });
      expect(byEvent(memory, 'RUN_START').map((r) => r['level'])).toEqual([30]);
      expect(byEvent(memory, 'RUN_SUCCESS').map((r) => r['level'])).toEqual([30]);
    });

    it('writes STEP_FAILURE and RUN_FAILURE at error', async () => {
      const memory = memoryLogger();
      const p = withSinks({ memory }, () => {
        throw new Error('nope');
      });
      await execute(p, { runConfig: on(exec, levels({ memory: 'error' })), raiseOnError: false });
      expect(byEvent(memory, 'STEP_FAILURE').map((r) => r['level'])).toEqual([50]);
      expect(byEvent(memory, 'RUN_FAILURE').map((r) => r['level'])).toEqual([50]);
      expect(byEvent(memory, 'RUN_START')).toEqual([]);
    });

    it('binds engine records to the run', async () => {
      const memory = memoryLogger();
      await execute(withSinks({ memory }), { runConfig: on(exec), runId: 'run_9' });
      expect(byEvent(memory, 'RUN_SUCCESS')[0]).toMatchObject({ runId: 'run_9', pipeline: 'logs', mode: 'test' });
    });

    it('a sink that throws while writing an event fails the run, which still ends (no crash, no hang)', async () => {
      const unhandled: unknown[] = [];
      const onUncaught = (error: unknown) => unhandled.push(error);
      process.on('uncaughtException', onUncaught);
      try {
        const failing = logger({
          init: () => ({
            write: (line: string) => {
              if (line.includes('"STEP_SUCCESS"')) throw new Error('disk full');
            },
          }),
        });
        const s = solid({ name: 'later', compute: async () => 1 });
        const p = pipeline({
          name: 'full_disk',
          modes: [mode({ loggers: { failing } })],
          graph: () => {
            s();
          },
        });
        const list = await eventsOf(p, { runConfig: on(exec, { loggers: { failing: { config: { level: 'debug' } } } }) });
        await new Promise((resolve) => setTimeout(resolve, 0));
        expect(unhandled).toEqual([]);
        expect(ofType(list, 'STEP_SUCCESS')).toHaveLength(1);
        const failure = list.at(-1)!;
        expect(failure.type).toBe('RUN_FAILURE');
        expect((failure as { error?: { message: string } }).error?.message).toContain('threw while writing an event: disk full');
      } finally {
        process.off('uncaughtException', onUncaught);
      }
    });
  });
});
