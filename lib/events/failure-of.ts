import { StepExecutionError } from '../errors.ts';
import { originalError } from './error-registry.ts';
import type { RunResult } from './result.ts';

/**
 * The `StepExecutionError` for a failed or canceled run: what `execute` rejects with, and
 * what `throwOnFailure()` errors its stream with. `.stepKey` is the first failed step
 * (undefined when the failure was outside any step, or the run was canceled), `.cause`
 * the first error (as thrown, when this process saw it thrown), `.result` the result.
 *
 * @example
 * const result = accumulator.result(pipeline);
 * if (!result.success) throw failureOf(result);
 */
export function failureOf(result: RunResult): StepExecutionError<RunResult> {
  const terminal = result.events[result.events.length - 1];
  if (result.status === 'CANCELED') {
    return new StepExecutionError(`pipeline "${result.pipelineName}" run ${result.runId} was canceled`, {
      stepKey: undefined,
      cause: undefined,
      result,
    });
  }
  const error = terminal?.type === 'RUN_FAILURE' ? terminal.error : undefined;
  const stepKey = terminal?.type === 'RUN_FAILURE' ? terminal.failedSteps[0] : undefined;
  const where = stepKey ? `step ${stepKey} failed` : 'the run failed';
  return new StepExecutionError(
    `pipeline "${result.pipelineName}" (mode "${result.mode}"): ${where}` + (error ? `: ${error.name}: ${error.message}` : ''),
    { stepKey, cause: error ? originalError(error) : undefined, result },
  );
}
