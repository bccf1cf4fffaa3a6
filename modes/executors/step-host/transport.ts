/**
 * How a step host talks back to the run whose steps it runs: the run's process holds the
 * plan and the events, the host only runs attempts. A thread port, a Redis stream: each
 * executor that runs steps elsewhere brings its own.
 */
import type { StepMessage, StepRequest } from '../../../lib/define/step-request.ts';
import type { ResourceReport } from '../../../lib/define/executor.ts';

/** One step attempt as a step host gets it: a StepRequest without its signal, from a pipeline whose module is known. */
export type HostedStepRequest = Omit<StepRequest, 'signal' | 'pipelineModule'> & { readonly pipelineModule: string };

/** A log record of a step (or of a resource init it caused), as the run takes it. */
export type LogMessage = Extract<StepMessage, { type: 'log' }>;

/** Where one attempt's outputs, logs and resource reports go. */
export interface AttemptTransport {
  /** Sends one value of `output`; throws, when it cannot, the error to fail the attempt with. */
  output(output: string, value: unknown): void;
  log(message: LogMessage): void;
  /** A report on the resources of the attempt's run, made while the attempt runs: sent in order with its logs. */
  report(report: ResourceReport): void;
  /** The attempt has ended: nothing more is sent. */
  ended(): void;
}

/** How a step host reaches a run between that run's attempts (and at its end). */
export interface RunLink {
  /** A report on the run's resources made while no attempt of the run runs here (a teardown, say). */
  report(report: ResourceReport): void;
  /** Everything the host held of the run is torn down; the link is not used again. */
  closed(): void;
}

/** Opens the link to a run, the first time one of its steps needs resources here; `teardown` is how the run ends them. */
export type OpenRunLink<R extends HostedStepRequest> = (request: R, teardown: (initGraceMs: number) => Promise<void>) => RunLink;
