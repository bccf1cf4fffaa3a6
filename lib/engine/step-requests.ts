import type { EnvSources, StepRequest } from '../define/step-request.ts';
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
  private readonly envSources = new Map<string, EnvSources | null>();

  constructor(prepared: Prepared, signal: AbortSignal) {
    this.prepared = prepared;
    this.signal = signal;
  }

  /** The request for `step`'s current attempt, with its checked inputs and its solid's `config`. */
  of(step: Step, config: unknown, logLevel: StepRequest['logLevel']): StepRequest {
    const p = this.prepared;
    const request: StepRequest = {
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
    const envSources = p.config.envSources && this.envSourcesOf(step.node.name);
    return envSources ? { ...request, envSources } : request;
  }

  /** Where `step`'s solid and the resources read `{ env: NAME }`, when anywhere (made once per solid). */
  private envSourcesOf(solid: string): EnvSources | undefined {
    const run = this.prepared.config.envSources!;
    let found = this.envSources.get(solid);
    if (found === undefined) {
      const own = run.solids.get(solid);
      const merged =
        own || run.resourceConfigs ? { ...own, ...(run.resourceConfigs ? { resourceConfigs: run.resourceConfigs } : {}) } : null;
      this.envSources.set(solid, (found = merged && Object.freeze(merged)));
    }
    return found ?? undefined;
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
