import type { StepRequest } from '../define/step-request.ts';
import type { Prepared } from '../plan/prepare.ts';
import type { Step } from './step.ts';

/**
 * The step requests of one run, for an executor that runs steps elsewhere (`runStep`):
 * everything the attempt needs, structured-cloneable but for `signal`. What every request
 * carries of the resources' run config is built once, on the first.
 */
export class StepRequests {
  private readonly prepared: Prepared;
  private readonly signal: AbortSignal;
  private resources: Pick<StepRequest, 'resourceConfigs' | 'resourceTeardownTimeoutsMs'> | undefined;

  constructor(prepared: Prepared, signal: AbortSignal) {
    this.prepared = prepared;
    this.signal = signal;
  }

  /** The request for `step`'s current attempt, with its checked inputs and its solid's `config`. */
  of(step: Step, config: unknown, logLevel: StepRequest['logLevel']): StepRequest {
    const p = this.prepared;
    return {
      runId: p.runId,
      pipelineName: p.pipeline.name,
      pipelineModule: p.pipeline.module,
      mode: p.mode.name,
      solid: step.node.name,
      stepKey: step.key,
      attempt: step.attempt,
      config,
      inputs: step.inputs!,
      resources: step.node.solid.resources,
      ...this.resourceSettings(),
      logLevel,
      signal: this.signal,
    };
  }

  private resourceSettings(): Pick<StepRequest, 'resourceConfigs' | 'resourceTeardownTimeoutsMs'> {
    if (this.resources) return this.resources;
    const entries = Object.entries(this.prepared.config.resources);
    return (this.resources = {
      resourceConfigs: Object.fromEntries(entries.map(([k, v]) => [k, v.config])),
      resourceTeardownTimeoutsMs: Object.fromEntries(entries.map(([k, v]) => [k, v.teardownTimeoutMs])),
    });
  }
}
