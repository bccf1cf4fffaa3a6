/**
 * Status names, words and colour classes, shared by the graph, the timeline, the log and
 * the runs list. The colours match the CLI's: green success, red failure, grey skipped,
 * amber running.
 */
import type { StepStatus } from '../../../lib/events/run-state.ts';

/** What a graph node or a run shows: a step status, a run status, or nothing yet. */
export type Tone = 'success' | 'failure' | 'running' | 'skipped' | 'canceled' | 'pending' | 'interrupted';

/** The tone of a run status from the API (`SUCCESS`, `STARTED`, `INTERRUPTED`, …). */
export function runTone(status: string): Tone {
  switch (status) {
    case 'SUCCESS':
      return 'success';
    case 'FAILURE':
      return 'failure';
    case 'STARTED':
    case 'RUNNING':
      return 'running';
    case 'CANCELED':
    case 'CANCELING':
      return 'canceled';
    case 'INTERRUPTED':
      return 'interrupted';
    default:
      return 'pending';
  }
}

/** The tone of one step's status. */
export function stepTone(status: StepStatus): Tone {
  switch (status) {
    case 'SUCCESS':
      return 'success';
    case 'FAILURE':
      return 'failure';
    case 'RUNNING':
      return 'running';
    case 'SKIPPED':
      return 'skipped';
    case 'CANCELED':
      return 'canceled';
  }
}

/** The word a person reads for a tone. */
export const TONE_LABEL: Readonly<Record<Tone, string>> = {
  success: 'Success',
  failure: 'Failure',
  running: 'Running',
  skipped: 'Skipped',
  canceled: 'Canceled',
  pending: 'Not started',
  interrupted: 'Interrupted',
};
