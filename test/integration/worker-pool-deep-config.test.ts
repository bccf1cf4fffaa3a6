/**
 * The workerPool executor given values nested too deeply for structured clone, on real
 * worker threads (fixtures/deep-value-pipelines.ts): the clone fails on the main thread,
 * so the step fails saying what could not cross and why, and no thread is lost.
 */
import { describe, expect, it } from 'vitest';
import { WorkerCrashedError, execute, type RunEvent, type RunResult } from '../../lib/index.ts';
import { deepConfig, deepOutput, nested } from './fixtures/deep-value-pipelines.ts';

const onWorkers = (rest: Readonly<Record<string, unknown>>) => ({ ...rest, execution: { workerPool: { config: { maxWorkers: 1 } } } });

function failureOf(result: RunResult, solid: string) {
  const failure = result.events.find(
    (e): e is Extract<RunEvent, { type: 'STEP_FAILURE' }> => e.type === 'STEP_FAILURE' && e.solid === solid,
  );
  if (!failure) throw new Error(`no STEP_FAILURE for ${solid}; events: ${result.events.map((e) => e.type).join(', ')}`);
  return failure.error;
}

describe('workerPool: values nested too deeply to cross', () => {
  it('fails the step whose config is nested 10,000 levels deep as one that cannot cross, and the thread and other steps go on', async () => {
    const result = await execute(deepConfig, {
      runConfig: onWorkers({ solids: { configured: { config: { anything: nested(10_000) } } } }),
      raiseOnError: false,
    });
    const error = failureOf(result, 'configured');
    expect(error.name).not.toBe(WorkerCrashedError.name);
    expect(error.message).toContain(
      'the config of solid "configured" (step configured) cannot be sent from the main thread to a worker thread',
    );
    expect(error.message).toContain('nested too deeply (10,001 levels)');
    expect(error.message).not.toContain('died');
    // The one thread of the pool was not replaced: the step beside it, and the next run, ran on it.
    const thread = result.output('bystander');
    expect(typeof thread).toBe('number');
    const again = await execute(deepConfig, { runConfig: onWorkers({ solids: { configured: { config: { anything: nested(3) } } } }) });
    expect(again.output('configured')).toBe(1);
    expect(again.output('bystander')).toBe(thread);
  });

  it('fails a step whose output is nested too deeply for the worker thread to send, naming output and depth', async () => {
    const result = await execute(deepOutput, {
      runConfig: onWorkers({ solids: { make_deep: { config: { depth: 20_000 } } } }),
      raiseOnError: false,
    });
    const error = failureOf(result, 'make_deep');
    expect(error.message).toContain('output "result" of solid "make_deep" (step make_deep) cannot be sent from the worker thread');
    expect(error.message).toContain('nested too deeply (20,000 levels)');
  });

  it('fails, and does not hang, a step whose output its worker thread could send but the main thread cannot receive', async () => {
    // 8,000 levels: a worker thread's 4 MB stack clones it; the main thread's cannot deserialise it.
    const result = await execute(deepOutput, {
      runConfig: onWorkers({ solids: { make_deep: { config: { depth: 8_000 } } } }),
      raiseOnError: false,
    });
    const error = failureOf(result, 'make_deep');
    expect(error.message).toContain(
      'solid "make_deep" (step make_deep) sent from its worker thread could not be received on the main thread',
    );
    expect(error.message).toContain('nested too deeply');
    expect(result.events.some((e) => e.type === 'STEP_START' && e.stepKey === 'take_deep')).toBe(false);
  });
});
