import type { HookEventBase, RunEvent } from './events.ts';

/**
 * One human line per engine event: what log lines and the CLI's plain output say.
 *
 * @example
 * describeEvent(event); // 'step load succeeded in 12 ms'
 */
export function describeEvent(event: RunEvent): string {
  switch (event.type) {
    case 'RUN_START':
      return `started run of pipeline "${event.pipelineName}" in mode "${event.mode}" (executor ${event.executor})`;
    case 'RUN_SUCCESS':
      return `run succeeded in ${event.durationMs} ms`;
    case 'RUN_FAILURE':
      return (
        `run failed in ${event.durationMs} ms` +
        (event.failedSteps.length ? `; failed steps: ${event.failedSteps.join(', ')}` : '') +
        (event.error ? `: ${event.error.message}` : '')
      );
    case 'RUN_CANCELED':
      return `run canceled after ${event.durationMs} ms`;
    case 'RESOURCE_INIT_START':
      return `initialising resource "${event.resource}"`;
    case 'RESOURCE_INIT_SUCCESS':
      return `resource "${event.resource}" ready in ${event.durationMs} ms`;
    case 'RESOURCE_INIT_FAILURE':
      return event.redelivered
        ? `resource "${event.resource}" init lost: ${event.error.message}`
        : `resource "${event.resource}" failed to initialise: ${event.error.message}`;
    case 'RESOURCE_TEARDOWN':
      if (!event.error) return `resource "${event.resource}" torn down`;
      return event.redelivered
        ? `resource "${event.resource}" teardown lost: ${event.error.message}`
        : `resource "${event.resource}" teardown failed: ${event.error.message}`;
    case 'STEP_START':
      return `step ${event.stepKey} started`;
    case 'STEP_INPUT':
      return `step ${event.stepKey} got input "${event.input}" from ${event.source}`;
    case 'STEP_OUTPUT':
      return `step ${event.stepKey} yielded output "${event.output}"`;
    case 'STEP_SUCCESS':
      return `step ${event.stepKey} succeeded in ${event.durationMs} ms`;
    case 'STEP_FAILURE':
      return `step ${event.stepKey} ${event.canceled ? 'canceled' : 'failed'}: ${event.error.message}`;
    case 'STEP_SKIPPED':
      return `step ${event.stepKey} skipped (${event.reason === 'UPSTREAM_FAILED' ? 'an upstream step failed' : 'an input was not produced'})`;
    case 'STEP_RETRY':
      return `step ${event.stepKey} attempt ${event.attempt} failed, retrying in ${event.delayMs} ms: ${event.error.message}`;
    case 'HOOK_COMPLETED':
      return `hook "${event.hook}" ran ${hookOccasion(event)} in ${event.durationMs} ms`;
    case 'HOOK_ERRORED':
      return `hook "${event.hook}" threw ${hookOccasion(event)}: ${event.error.message}`;
    case 'LOG':
      return event.message;
  }
}

/** What a hook ran after: `after step load failed`, `after the run succeeded`. */
export function hookOccasion(event: HookEventBase): string {
  switch (event.on) {
    case 'success':
      return `after step ${event.stepKey} succeeded`;
    case 'failure':
      return `after step ${event.stepKey} failed`;
    case 'skipped':
      return `after step ${event.stepKey} was skipped`;
    case 'retry':
      return `after an attempt of step ${event.stepKey} failed (before its retry)`;
    case 'runSuccess':
      return 'after the run succeeded';
    case 'runFailure':
      return 'after the run failed';
  }
}
