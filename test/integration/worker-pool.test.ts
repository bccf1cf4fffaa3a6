/**
 * The workerPool executor on real worker threads: every pipeline here lives in
 * fixtures/worker-pipelines.ts, which each thread imports through tsx.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  StepExecutionError,
  execute,
  run,
  workerPoolExecutor,
  type MemoryLogger,
  type Pipeline,
  type RunEvent,
  type RunResult,
} from '../../lib/index.ts';
import {
  anyConfig,
  arithmetic,
  badMultiOutput,
  blockingTeardown,
  brokenResource,
  buffers,
  cancelable,
  classSchema,
  crashWithResources,
  crashing,
  failingWithResources,
  functionSchema,
  hangingInit,
  hangingTeardown,
  hiddenPipeline,
  loggingSecrets,
  lostClass,
  probing,
  prototypeNames,
  retrying,
  returnsFunction,
  streaming,
  strayError,
  withResources,
} from './fixtures/worker-pipelines.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'modeflow-workers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let files = 0;
/** A fresh journal file for resources to append `init`/`teardown` lines to. */
function journalFile(): string {
  return join(scratch, `journal-${files++}.txt`);
}
const journal = (path: string): string[] => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean);

type Config = Readonly<Record<string, unknown>>;
const onWorkers = (config: Config = { maxWorkers: 2 }, rest: Config = {}) => ({ ...rest, execution: { workerPool: { config } } });
const onSync = (rest: Config = {}) => ({ ...rest, execution: { sync: {} } });

/** Step events reduced to `type stepKey`, sorted: what must not depend on the executor. */
function stepEvents(result: RunResult): string[] {
  return result.events
    .filter((e) => 'stepKey' in e && e.stepKey !== undefined && e.type !== 'LOG')
    .map((e) => `${e.type} ${(e as { stepKey: string }).stepKey}`)
    .sort();
}

function failureOf(result: RunResult, solid: string) {
  const failure = result.events.find(
    (e): e is Extract<RunEvent, { type: 'STEP_FAILURE' }> => e.type === 'STEP_FAILURE' && e.solid === solid,
  );
  if (!failure) throw new Error(`no STEP_FAILURE for ${solid}; events: ${result.events.map((e) => e.type).join(', ')}`);
  return failure.error;
}

const memoryOf = (p: Pipeline): MemoryLogger => p.modes[0]!.loggers['memory'] as MemoryLogger;

describe('the workerPool executor', () => {
  it('gives the outputs, step statuses and step events that sync gives', async () => {
    const inProcess = await execute(arithmetic, { runConfig: onSync() });
    const onThreads = await execute(arithmetic, { runConfig: onWorkers() });
    for (const name of ['numbers', 'square', 'split', 'total_even', 'total_odd', 'total', 'later']) {
      expect(onThreads.solid(name).outputs, name).toEqual(inProcess.solid(name).outputs);
      expect(onThreads.solid(name).status, name).toBe(inProcess.solid(name).status);
    }
    expect(onThreads.output('later')).toEqual({ n: 1 + 4 + 9 + 16, at: new Date(0) });
    expect(stepEvents(onThreads)).toEqual(stepEvents(inProcess));
    expect(onThreads.events.find((e) => e.type === 'RUN_START')).toMatchObject({ executor: 'workerPool' });
  });

  it('brings logs from the threads into the run stream, bound to their step', async () => {
    const inProcess = await execute(arithmetic, { runConfig: onSync() });
    const onThreads = await execute(arithmetic, { runConfig: onWorkers() });
    const logs = (r: RunResult) =>
      r.events
        .filter((e): e is Extract<RunEvent, { type: 'LOG' }> => e.type === 'LOG')
        .map(({ runId, pipelineName, mode, level, message, fields, stepKey, solid }) => ({
          same: runId === r.runId && pipelineName === 'arithmetic' && mode === 'default',
          level,
          message,
          fields,
          stepKey,
          solid,
        }))
        .sort((a, b) => String(a.stepKey).localeCompare(String(b.stepKey)));
    expect(logs(onThreads)).toHaveLength(4);
    expect(logs(onThreads)).toEqual(logs(inProcess));
    expect(logs(onThreads)[0]).toEqual({
      same: true,
      level: 'info',
      message: 'squaring 1',
      fields: { n: 1 },
      stepKey: 'square[0]',
      solid: 'square',
    });
  });

  describe('logs written in a thread, with a secret from { env: NAME }', () => {
    const NAME = 'MODEFLOW_WORKER_LOG_SECRET';
    const SECRET = 'w0rker&pa:ss@/x';
    const secretConfig = (level: string) =>
      onWorkers(
        { maxWorkers: 1 },
        {
          solids: { talk: { config: { token: { env: NAME } } } },
          resources: { connection: { config: { password: { env: NAME } } } },
          loggers: { memory: { config: { level } } },
        },
      );
    const logRun = async (level: string) => {
      const memory = memoryOf(loggingSecrets);
      memory.clear();
      process.env[NAME] = SECRET;
      try {
        const result = await execute(loggingSecrets, { runConfig: secretConfig(level) });
        return { result, records: memory.records().filter((r) => r['event'] === undefined), lines: memory.lines.join('\n') };
      } finally {
        delete process.env[NAME];
      }
    };
    const logEvents = (r: RunResult) => r.events.filter((e): e is Extract<RunEvent, { type: 'LOG' }> => e.type === 'LOG');

    it("reach the mode's sinks on the main thread, redacted, bound to their step", async () => {
      const { result, records, lines } = await logRun('info');
      expect(records.find((r) => r['msg'] === 'token is [redacted]')).toMatchObject({
        level: 30,
        runId: result.runId,
        solid: 'talk',
        stepKey: 'talk',
        token: '[redacted]',
        '[redacted]': 'as a key',
      });
      expect(records.find((r) => r['msg'] === 'careful')).toMatchObject({ level: 40, stepKey: 'talk' });
      for (const form of [SECRET, encodeURIComponent(SECRET)]) expect(lines).not.toContain(form);
    });

    it("take the sinks' levels: a debug record is not written under info, and is under debug", async () => {
      const info = await logRun('info');
      expect(info.records.map((r) => r['msg'])).not.toContain('debug detail');
      expect(logEvents(info.result).map((e) => e.message)).not.toContain('debug detail');
      const debug = await logRun('debug');
      expect(debug.records.find((r) => r['msg'] === 'debug detail')).toMatchObject({ level: 20, stepKey: 'talk' });
      expect(logEvents(debug.result).map((e) => e.message)).toContain('debug detail');
    });

    it('become LOG events once each, redacted', async () => {
      const { result, records } = await logRun('info');
      const logs = logEvents(result);
      expect(logs.map((e) => e.message).sort()).toEqual(['careful', 'connecting with [redacted]', 'token is [redacted]']);
      expect(logs.find((e) => e.message.startsWith('token'))!.fields).toEqual({ token: '[redacted]', '[redacted]': 'as a key' });
      expect(records).toHaveLength(3);
      const shown = JSON.stringify(result.events);
      for (const form of [SECRET, encodeURIComponent(SECRET)]) expect(shown).not.toContain(form);
    });

    it("bring a resource's init logs to the sinks, naming the resource and the step that needed it", async () => {
      const { result, records } = await logRun('info');
      expect(records.find((r) => r['msg'] === 'connecting with [redacted]')).toMatchObject({
        level: 30,
        resource: 'connection',
        stepKey: 'talk',
        url: 'postgres://app:[redacted]@db/app',
      });
      expect(logEvents(result).find((e) => e.message === 'connecting with [redacted]')).toMatchObject({
        stepKey: 'talk',
        fields: { resource: 'connection', url: 'postgres://app:[redacted]@db/app' },
      });
    });
  });

  it('initialises resources once per thread, in dependency order, and tears them down in reverse', async () => {
    const path = journalFile();
    const resources = { connection: { config: { path } }, client: { config: { path } } };
    const result = await execute(withResources, { runConfig: onWorkers({ maxWorkers: 2 }, { resources }) });
    expect(result.solid('use_both').outputs['result']).toHaveLength(6);
    const lines = journal(path);
    const threads = [...new Set(lines.map((l) => l.split(' ')[2]))];
    expect(threads.length).toBeGreaterThanOrEqual(1);
    expect(threads.length).toBeLessThanOrEqual(2);
    for (const thread of threads) {
      expect(lines.filter((l) => l.endsWith(` ${thread}`)).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
        'init connection',
        'init client',
        'teardown client',
        'teardown connection',
      ]);
    }
    // Every step on a thread used that thread's resources, those of this run.
    const used = (result.solid('use_both').outputs['result'] as string[]).map((v) => v.split('@'));
    expect(new Set(used.map((u) => u[1]))).toEqual(new Set(threads));
    expect(new Set(used.map((u) => u[2]))).toEqual(new Set([path]));
    const types = result.events.map((e) => e.type);
    expect(types.filter((t) => t === 'RESOURCE_INIT_SUCCESS')).toHaveLength(2 * threads.length);
    expect(types.filter((t) => t === 'RESOURCE_TEARDOWN')).toHaveLength(2 * threads.length);
    expect(types.lastIndexOf('RESOURCE_TEARDOWN')).toBeGreaterThan(types.lastIndexOf('STEP_SUCCESS'));
    expect(types.at(-1)).toBe('RUN_SUCCESS');
  });

  it('tears resources down when a step fails, and keeps the error as thrown in the thread', async () => {
    const path = journalFile();
    const resources = { connection: { config: { path } }, client: { config: { path } } };
    const result = await execute(failingWithResources, { runConfig: onWorkers({ maxWorkers: 2 }, { resources }), raiseOnError: false });
    expect(result.status).toBe('FAILURE');
    const error = failureOf(result, 'failing');
    expect(error).toMatchObject({ name: 'RangeError', message: 'three is not allowed', code: 'E_THREE', limit: 2 });
    expect(error.stack).toContain('worker-pipelines.ts');
    const lines = journal(path);
    expect(lines.filter((l) => l.startsWith('init')).length).toBe(lines.filter((l) => l.startsWith('teardown')).length);
    const rejection = await execute(failingWithResources, { runConfig: onWorkers({ maxWorkers: 1 }, { resources }) }).catch(
      (e: unknown) => e,
    );
    expect(rejection).toBeInstanceOf(StepExecutionError);
    expect((rejection as StepExecutionError).cause).toMatchObject({ name: 'RangeError', code: 'E_THREE' });
  });

  describe.each([
    ['calls process.exit', 'exit', {}],
    ['throws from a timer', 'uncaught', {}],
    ['runs out of memory', 'oom', { resourceLimits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 } }],
  ] as const)('a thread that %s', (_what, how, limits) => {
    it('fails its step with WorkerCrashedError while other steps go on', async () => {
      const result = await execute(crashing, {
        runConfig: onWorkers({ maxWorkers: 2, ...limits }, { solids: { crashy: { config: { how } } } }),
        raiseOnError: false,
      });
      expect(result.status).toBe('FAILURE');
      expect(result.solid('steady').output()).toBe(42);
      const error = failureOf(result, 'crashy');
      expect(error).toMatchObject({ name: 'WorkerCrashedError', solid: 'crashy', stepKey: 'crashy' });
      expect(error.message).toContain('worker thread running it died');
      // The retry policy (maxRetries: 1) applied to the crash too.
      expect(result.events.filter((e) => e.type === 'STEP_RETRY')).toHaveLength(1);
    });
  });

  it('reports the resources of a thread that died as never torn down', async () => {
    const path = journalFile();
    const resources = { connection: { config: { path } }, client: { config: { path } } };
    const result = await execute(crashWithResources, { runConfig: onWorkers({ maxWorkers: 1 }, { resources }), raiseOnError: false });
    expect(result.status).toBe('FAILURE');
    expect(failureOf(result, 'opens_then_exits')).toMatchObject({ name: 'WorkerCrashedError' });
    const teardowns = result.events.filter((e): e is Extract<RunEvent, { type: 'RESOURCE_TEARDOWN' }> => e.type === 'RESOURCE_TEARDOWN');
    expect(teardowns.map((t) => [t.resource, t.error?.name])).toEqual([
      ['client', 'WorkerCrashedError'],
      ['connection', 'WorkerCrashedError'],
    ]);
    expect(teardowns[0]!.error?.message).toContain('died before its teardown could run');
    expect(journal(path).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['init connection', 'init client']);
  });

  it('retries a crashed step on a fresh thread', async () => {
    const result = await execute(crashing, {
      runConfig: onWorkers({ maxWorkers: 1 }, { solids: { crashy: { config: { how: 'exit', attempts: 1 } } } }),
    });
    expect(result.output('crashy')).toBe('ok on attempt 2');
    const retry = result.events.find((e): e is Extract<RunEvent, { type: 'STEP_RETRY' }> => e.type === 'STEP_RETRY');
    expect(retry?.error.name).toBe('WorkerCrashedError');
    expect(result.output('steady')).toBe(42);
  });

  it('honours RetryRequested thrown in a thread', async () => {
    const result = await execute(retrying, { runConfig: onWorkers() });
    expect(result.output('asks_again')).toBe(3);
    const retries = result.events.filter((e): e is Extract<RunEvent, { type: 'STEP_RETRY' }> => e.type === 'STEP_RETRY');
    expect(retries.map((r) => [r.attempt, r.delayMs, r.error.name])).toEqual([
      [1, 5, 'RetryRequested'],
      [2, 5, 'RetryRequested'],
    ]);
  });

  it('fails a step whose output cannot be cloned, naming the solid and the output', async () => {
    const result = await execute(returnsFunction, { runConfig: onWorkers(), raiseOnError: false });
    const error = failureOf(result, 'make_callback');
    expect(error.message).toContain('output "result" of solid "make_callback"');
    expect(error.message).toContain('could not be cloned');
    expect(error).toMatchObject({ solid: 'make_callback', output: 'result' });
  });

  it.each([
    [functionSchema, 'output "result" of solid "make_handler"', 'function'],
    [classSchema, 'output "result" of solid "price"', 'class Money'],
  ] as const)('refuses a schema that can never cross before any compute runs (%#)', async (p, names, why) => {
    const result = await execute(p, { runConfig: onWorkers(), raiseOnError: false });
    expect(result.status).toBe('FAILURE');
    const failure = result.events.find((e) => e.type === 'RUN_FAILURE') as Extract<RunEvent, { type: 'RUN_FAILURE' }>;
    expect(failure.error?.name).toBe('InvalidDefinitionError');
    expect(failure.error?.message).toContain(names);
    expect(failure.error?.message).toContain(why);
    expect(result.events.some((e) => e.type === 'STEP_OUTPUT')).toBe(false);
  });

  it('warns, naming solid, port and class, when a class instance crosses a thread boundary as a plain object', async () => {
    const result = await execute(lostClass, { runConfig: onWorkers({ maxWorkers: 1 }) });
    const warnings = result.events.filter((e): e is Extract<RunEvent, { type: 'LOG' }> => e.type === 'LOG' && e.level === 'warn');
    const about = (solid: string) => warnings.filter((w) => w.solid === solid);
    // Three Money values leave `price`: one warning (per thread, run, output and class).
    expect(about('price')).toHaveLength(1);
    expect(about('price')[0]!.message).toContain('output "result" of solid "price"');
    expect(about('price')[0]!.message).toContain('class Money');
    expect(about('price')[0]!.fields).toMatchObject({ solid: 'price', output: 'result', className: 'Money' });
    expect(about('wrapped')[0]!.fields).toMatchObject({ output: 'result', className: 'Money' });
    // Made a Money by its output schema on the main thread, it loses its class on the way into `spend`.
    expect(about('spend')[0]!.message).toContain('input "money" of solid "spend"');
    expect(about('spend')[0]!.fields).toMatchObject({ input: 'money', className: 'Money' });
    expect(result.output('show')).toEqual(['undefined', 'undefined', 'undefined']);
  });

  it('says so when the pipeline is not exported by its module', async () => {
    const result = await execute(hiddenPipeline.get(), { runConfig: onWorkers(), raiseOnError: false });
    const error = failureOf(result, 'anything');
    expect(error.name).toBe('InvalidDefinitionError');
    expect(error.message).toContain('pipeline "hidden" is not exported by');
    expect(error.message).toContain('worker-pipelines.ts');
  });

  it('moves values marked with transfer()', async () => {
    const result = await execute(buffers, { runConfig: onWorkers() });
    expect(result.output('sum_buffer')).toBe(1024 * 1.5);
    expect(result.output('make_buffer')).toBeInstanceOf(Float64Array);
  });

  it('cancels on unsubscribe: aborts, terminates a busy thread after the grace period, tears resources down', async () => {
    const path = journalFile();
    const memory = memoryOf(cancelable);
    memory.clear();
    const runConfig = onWorkers(
      { maxWorkers: 2, cancelGraceMs: 200 },
      { resources: { connection: { config: { path } } }, solids: { polite: { config: { path } } } },
    );
    const seen: RunEvent[] = [];
    const started = new Promise<void>((resolve) => {
      const subscription = run(cancelable, { runConfig }).subscribe((event) => {
        seen.push(event);
        if (seen.filter((e) => e.type === 'LOG').length === 2) {
          queueMicrotask(() => subscription.unsubscribe());
          resolve();
        }
      });
    });
    await started;
    const ended = () => memory.records().some((r) => r['event'] === 'RUN_CANCELED');
    for (let i = 0; i < 500 && !ended(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(ended()).toBe(true);
    const lines = journal(path).map((l) => l.split(' ').slice(0, -1).join(' '));
    expect(lines).toEqual(['init connection', 'polite saw abort', 'teardown connection']);
    expect(seen.some((e) => e.type === 'RUN_CANCELED')).toBe(false);
  });

  it('fails the steps that need a resource whose init fails in the thread, and the run', async () => {
    const result = await execute(brokenResource, { runConfig: onWorkers(), raiseOnError: false });
    expect(result.status).toBe('FAILURE');
    expect(failureOf(result, 'needs_broken')).toMatchObject({ message: 'cannot connect', code: 'ECONNREFUSED' });
    expect(result.output('needs_nothing')).toBe(2);
    expect(result.events.find((e) => e.type === 'RESOURCE_INIT_FAILURE')).toMatchObject({
      resource: 'broken',
      error: { message: 'cannot connect' },
    });
  });

  it('fails a multi-output step whose synchronous Observable emits a non-object; its thread and the other steps go on', async () => {
    const own = onWorkers({ maxWorkers: 1, resourceLimits: { stackSizeMb: 5 } });
    for (let i = 0; i < 2; i++) {
      const result = await execute(badMultiOutput, { runConfig: own, raiseOnError: false });
      expect(failureOf(result, 'bad')).toMatchObject({ name: 'ModeflowError' });
      expect(failureOf(result, 'bad').message).toContain('must return objects keyed by output name; it returned number');
      expect(result.output('fine')).toBe(1);
      expect(result.output('slow_fine')).toBe(2);
      expect(result.events.filter((e) => e.type === 'STEP_FAILURE').map((e) => e.stepKey)).toEqual(['bad']);
      // The thread did not die: no crash is reported, now or on the next run.
      expect(JSON.stringify(result.events)).not.toContain('WorkerCrashedError');
    }
  });

  it('runs resources, loggers, solids, inputs and outputs named like Object.prototype members on threads', async () => {
    const result = await execute(prototypeNames, { runConfig: onWorkers() });
    expect(result.output('valueOf')).toBe('held held');
    expect(
      result.events
        .filter((e) => e.type === 'RESOURCE_INIT_SUCCESS')
        .map((e) => e.resource)
        .sort(),
    ).toEqual(['constructor', 'valueOf']);
  });

  describe('nothing waits forever on a resource in a thread', () => {
    // Pools of their own (distinct resourceLimits): a thread terminated here must not disturb other tests.
    const own = (extra: Config = {}, rest: Config = {}) => onWorkers({ maxWorkers: 1, resourceLimits: { stackSizeMb: 6 }, ...extra }, rest);

    it('reports a teardown that does not settle within teardownTimeoutMs as timed out, tears the others down, and fails the run', async () => {
      const result = await execute(hangingTeardown, {
        runConfig: own({}, { resources: { hangs: { teardownTimeoutMs: 50 } } }),
        raiseOnError: false,
      });
      expect(result.output('uses_both')).toBe(1);
      expect(result.status).toBe('FAILURE');
      const teardowns = result.events.filter((e): e is Extract<RunEvent, { type: 'RESOURCE_TEARDOWN' }> => e.type === 'RESOURCE_TEARDOWN');
      expect(teardowns.map((e) => e.resource)).toEqual(['hangs', 'first']);
      expect(teardowns[0]).toMatchObject({ timedOut: true, error: { message: expect.stringContaining('timed out after 50 ms') } });
      expect(teardowns[1]!.error).toBeUndefined();
    });

    it('terminates a thread whose teardown blocks it, reporting its resources as timed out; the pool goes on', async () => {
      const runConfig = own({ cancelGraceMs: 50 }, { resources: { blocks: { teardownTimeoutMs: 50 } } });
      const result = await execute(blockingTeardown, { runConfig, raiseOnError: false });
      expect(result.output('uses_blocks')).toBe(1);
      expect(result.status).toBe('FAILURE');
      const teardown = result.events.find((e): e is Extract<RunEvent, { type: 'RESOURCE_TEARDOWN' }> => e.type === 'RESOURCE_TEARDOWN');
      expect(teardown).toMatchObject({
        resource: 'blocks',
        timedOut: true,
        error: { message: expect.stringContaining('the thread was terminated') },
      });
      const next = await execute(arithmetic, { runConfig: own({ cancelGraceMs: 50 }) });
      expect(next.status).toBe('SUCCESS');
    });

    it('on cancel, abandons an init still pending in a thread and ends RUN_CANCELED', async () => {
      const controller = new AbortController();
      const seen: RunEvent[] = [];
      await new Promise<void>((resolve) =>
        run(hangingInit, { runConfig: own({ cancelGraceMs: 50 }), signal: controller.signal }).subscribe({
          next: (e) => {
            seen.push(e);
            if (e.type === 'RESOURCE_INIT_START') controller.abort();
          },
          complete: resolve,
        }),
      );
      expect(seen.at(-1)?.type).toBe('RUN_CANCELED');
      expect(seen.filter((e) => e.type === 'RESOURCE_INIT_FAILURE').map((e) => e.resource)).toEqual(['stuck']);
    });
  });

  it('fails the run when a thread dies between steps, and does not crash the process', async () => {
    const result = await execute(strayError, { runConfig: onWorkers({ maxWorkers: 2 }), raiseOnError: false });
    expect(result.solid('stray').status).toBe('SUCCESS');
    expect(result.solid('waiter').status).toBe('SUCCESS');
    expect(result.status).toBe('FAILURE');
    const failure = result.events.at(-1) as Extract<RunEvent, { type: 'RUN_FAILURE' }>;
    expect(failure.error).toMatchObject({ name: 'WorkerCrashedError' });
    expect(failure.error?.message).toContain('thrown after the step finished');
  });

  describe('threads shared across runs', () => {
    // A pool of its own (its resourceLimits differ from the other tests'), so that what it saw is known.
    const own = (extra: Config = {}) => onWorkers({ maxWorkers: 2, resourceLimits: { stackSizeMb: 4 }, ...extra });
    const seen = (result: RunResult) => result.solid('probe').outputs['result'] as { threadId: number; imports: number }[];
    const threadsOf = (result: RunResult) => new Set(seen(result).map((s) => s.threadId));

    it('keeps the threads warm for the next run: same threads, the pipeline module imported once per thread', async () => {
      const first = await execute(probing, { runConfig: own() });
      const second = await execute(probing, { runConfig: own() });
      expect(threadsOf(first).size).toBe(2);
      expect(threadsOf(second)).toEqual(threadsOf(first));
      expect(seen(second).every((s) => s.imports === 1)).toBe(true);
      // idleTimeoutMs: 0 is a pool of the run's own, destroyed when it ends; the warm one is left alone.
      const alone = await execute(probing, { runConfig: own({ idleTimeoutMs: 0 }) });
      for (const id of threadsOf(alone)) expect(threadsOf(first).has(id)).toBe(false);
      expect(seen(alone).every((s) => s.imports === 1)).toBe(true);
      const third = await execute(probing, { runConfig: own() });
      expect(threadsOf(third)).toEqual(threadsOf(first));
    });

    it('destroys the pool once it has idled idleTimeoutMs', async () => {
      const before = await execute(probing, { runConfig: own({ idleTimeoutMs: 50 }) });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await execute(probing, { runConfig: own() });
      for (const id of threadsOf(after)) expect(threadsOf(before).has(id)).toBe(false);
    });

    it('destroys every pool on destroyPools(); the next run starts new threads', async () => {
      const before = await execute(probing, { runConfig: own() });
      await workerPoolExecutor.destroyPools();
      const after = await execute(probing, { runConfig: own() });
      for (const id of threadsOf(after)) expect(threadsOf(before).has(id)).toBe(false);
      expect(after.status).toBe('SUCCESS');
    });

    it('runs two runs at once on one pool, each with its own resources, torn down at its own end', async () => {
      const paths = [journalFile(), journalFile()];
      const runConfig = (path: string) =>
        onWorkers({ maxWorkers: 2 }, { resources: { connection: { config: { path } }, client: { config: { path } } } });
      const results = await Promise.all(paths.map((path) => execute(withResources, { runConfig: runConfig(path) })));
      const allThreads = new Set<string>();
      results.forEach((result, r) => {
        expect(result.status).toBe('SUCCESS');
        const used = (result.solid('use_both').outputs['result'] as string[]).map((v) => v.split('@'));
        expect(used).toHaveLength(6);
        // Only this run's resources: the journal path is in the resource's value.
        expect(new Set(used.map((u) => u[2]))).toEqual(new Set([paths[r]]));
        for (const u of used) allThreads.add(u[1]!);
        const lines = journal(paths[r]!);
        for (const thread of new Set(lines.map((l) => l.split(' ')[2]))) {
          expect(lines.filter((l) => l.endsWith(` ${thread}`)).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
            'init connection',
            'init client',
            'teardown client',
            'teardown connection',
          ]);
        }
      });
      // Both ran on the same two threads.
      expect(allThreads.size).toBeLessThanOrEqual(2);
    });

    it('cancels a step still queued behind another run on the shared thread, without terminating it', async () => {
      const path = journalFile();
      const one = (rest: Config = {}) => onWorkers({ maxWorkers: 1, cancelGraceMs: 5000 }, rest);
      await execute(probing, { runConfig: one() });
      const memory = memoryOf(cancelable);
      memory.clear();
      const busy = execute(probing, { runConfig: one() });
      const started = performance.now();
      // The other run's first step is queued (the one thread is busy): cancel it there.
      await new Promise<void>((resolve) => {
        const subscription = run(cancelable, {
          runConfig: one({ resources: { connection: { config: { path } } }, solids: { polite: { config: { path } } } }),
        }).subscribe((event) => {
          if (event.type !== 'STEP_START') return;
          queueMicrotask(() => subscription.unsubscribe());
          resolve();
        });
      });
      const result = await busy;
      const ended = () => memory.records().some((r) => r['event'] === 'RUN_CANCELED');
      for (let i = 0; i < 500 && !ended(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(ended()).toBe(true);
      // Well within the grace period: the thread dropped the canceled step when it got to it.
      expect(performance.now() - started).toBeLessThan(2500);
      expect(threadsOf(result).size).toBe(1);
      const after = await execute(probing, { runConfig: one() });
      expect(threadsOf(after)).toEqual(threadsOf(result));
      expect(() => readFileSync(path, 'utf8')).toThrow();
    });

    it('lets the process exit at once while threads idle warm (no process.exit)', () => {
      const started = performance.now();
      const output = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'test/integration/fixtures/exit-after-run.ts')], {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
      });
      const { status, exitAfterMs } = JSON.parse(output) as { status: string; exitAfterMs: number };
      expect(status).toBe('SUCCESS');
      // idleTimeoutMs is 60 s there; the process ends as soon as the run has.
      expect(exitAfterMs).toBeLessThan(1000);
      expect(performance.now() - started).toBeLessThan(20_000);
    });
  });

  it('streams the outputs of a compute still running, and sends those of one that has ended with its answer', async () => {
    const result = await execute(streaming, { runConfig: onWorkers() });
    expect(result.solid('ticks').outputs['result']).toEqual([0, 1, 2]);
    const at = (type: string) =>
      result.events.filter((e) => e.type === type && 'stepKey' in e && e.stepKey === 'ticks').map((e) => e.timestamp);
    const outputs = at('STEP_OUTPUT');
    const [success] = at('STEP_SUCCESS');
    // The first tick arrived while the step still had two more to go (80 ms).
    expect(success! - outputs[0]!).toBeGreaterThanOrEqual(50);
  });

  it('fails a step whose config cannot be sent to a thread, and the pool goes on', async () => {
    const result = await execute(anyConfig, {
      runConfig: onWorkers({ maxWorkers: 2 }, { solids: { configured: { config: { anything: () => 1 } } } }),
      raiseOnError: false,
    });
    const error = failureOf(result, 'configured');
    expect(error.message).toContain('the config of solid "configured"');
    expect(error.message).toContain('config must be plain data');
    const again = await execute(anyConfig, {
      runConfig: onWorkers({ maxWorkers: 2 }, { solids: { configured: { config: { anything: 1 } } } }),
    });
    expect(again.output('configured')).toBe(1);
  });

  it('runs a JavaScript pipeline module on the compiled library', () => {
    // A private build (dist/ belongs to the CLI tests running alongside), then the
    // bootstrap copied next to the compiled executor, as npm run build does.
    const out = join(root, 'node_modules/.cache/modeflow-worker-pool-test');
    rmSync(out, { recursive: true, force: true });
    const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', out], { cwd: root, stdio: 'pipe' });
    copyFileSync(
      join(root, 'modes/executors/worker-pool/thread/worker-entry.mjs'),
      join(out, 'modes/executors/worker-pool/thread/worker-entry.mjs'),
    );
    const output = execFileSync(process.execPath, [join(root, 'test/integration/fixtures/compiled-run.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, MODEFLOW_DIST: out },
    });
    expect(JSON.parse(output)).toEqual({ status: 'SUCCESS', doubled: [2, 4, 6], runtime: 'thread-runtime.js' });
    const build = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { build: string } }).scripts.build;
    expect(build).toContain('worker-pool/thread/worker-entry.mjs');
    rmSync(out, { recursive: true, force: true });
  });
});
