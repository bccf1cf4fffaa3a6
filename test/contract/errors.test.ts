/**
 * Contract tests for DESIGN.md "Public API" → Errors: the classes, what each is raised for,
 * and the fields users read.
 * Black-box: only the public entry points are imported.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  InvalidDefinitionError,
  InvalidSubsetError,
  InvariantViolationError,
  ModeflowError,
  RetryRequested,
  StepExecutionError,
  TypeCheckError,
  WorkerCrashedError,
  execute,
  pipeline,
  solid,
} from '../../lib/index.ts';
import { workerCrash } from './fixtures/worker-crash.ts';
import { ofType, rejectionOf, silentMode } from '../helpers/index.ts';

describe('DESIGN "Errors": all extend ModeflowError', () => {
  it.each([
    ['InvalidDefinitionError', InvalidDefinitionError],
    ['InvalidConfigError', InvalidConfigError],
    ['InvariantViolationError', InvariantViolationError],
    ['InvalidSubsetError', InvalidSubsetError],
    ['StepExecutionError', StepExecutionError],
    ['TypeCheckError', TypeCheckError],
    ['WorkerCrashedError', WorkerCrashedError],
    ['RetryRequested', RetryRequested],
  ] as const)('%s extends ModeflowError (and Error)', (_name, cls) => {
    expect(cls.prototype).toBeInstanceOf(ModeflowError);
    expect(ModeflowError.prototype).toBeInstanceOf(Error);
  });

  it('RetryRequested is constructed as new RetryRequested({ maxRetries?, delayMs? })', () => {
    expect(new RetryRequested()).toBeInstanceOf(ModeflowError);
    expect(new RetryRequested({ maxRetries: 2, delayMs: 10 })).toBeInstanceOf(RetryRequested);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Errors" → TypeCheckError: an input or output failed its zod schema', () => {
  it('an output that fails its schema fails the step with TypeCheckError', async () => {
    const lies = solid({ name: 'lies', output: z.number(), compute: () => 'not a number' as unknown as number });
    const result = await execute(pipeline({ name: 'p', modes: [silentMode()], graph: () => lies() }), { raiseOnError: false });
    expect(result.solid('lies').status).toBe('FAILURE');
    expect(result.solid('lies').error?.name).toBe('TypeCheckError');
  });

  it("an input that fails its schema fails the consuming step with TypeCheckError (the cause of execute's rejection)", async () => {
    const text = solid({ name: 'text', output: z.unknown(), compute: () => 'abc' });
    const wantsNumber = solid({ name: 'wants_number', inputs: { n: z.number() }, compute: () => undefined });
    const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => wantsNumber({ n: text() as never }) });
    const error = (await rejectionOf(execute(p))) as StepExecutionError;
    expect(error).toBeInstanceOf(StepExecutionError);
    expect(error.stepKey).toBe('wants_number');
    expect(error.cause).toBeInstanceOf(TypeCheckError);
    expect(ofType((error.result as { events: never[] }).events, 'STEP_FAILURE')[0]?.error.name).toBe('TypeCheckError');
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Errors" → InvalidSubsetError', () => {
  const p = pipeline({ name: 'p', modes: [silentMode()], graph: () => solid({ name: 'only', compute: () => 1 })() });

  it.each(['missing', '*missing', 'missing*', '+missing', 'only,missing+'])('a clause matching nothing (%s)', async (select) => {
    expect(await rejectionOf(execute(p, { select }))).toBeInstanceOf(InvalidSubsetError);
  });
});

// ---------------------------------------------------------------------------------------------
describe('DESIGN "Errors" → WorkerCrashedError: the worker running a step died', () => {
  it('fails that step (other steps still run)', { timeout: 60_000 }, async () => {
    const result = await execute(workerCrash, {
      runConfig: { execution: { workerPool: { config: { maxWorkers: 1, idleTimeoutMs: 0 } } } },
      raiseOnError: false,
    });
    expect(result.status).toBe('FAILURE');
    expect(result.solid('dies').error?.name).toBe('WorkerCrashedError');
    expect(result.output('survives')).toBe(7);
  });
});
