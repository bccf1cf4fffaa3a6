import { asyncScheduler } from 'rxjs';
import type { Log } from '../../../lib/define/log.ts';
import { exportedPipelines, type Pipeline } from '../../../lib/define/pipeline.ts';
import { invokeCompute, type RunningCompute } from '../../../lib/engine/compute.ts';
import { declaredResources, StepContext } from '../../../lib/engine/step-context.ts';
import { InvalidDefinitionError, RunCanceledError, serializeError } from '../../../lib/errors.ts';
import { recordLog } from '../../../lib/logging/log-record.ts';
import { resolveEnvSources, type ResolvedEnvSources } from '../../../lib/config/env-sources.ts';

/** Hides the env values a step host read. */
type Redactor = ResolvedEnvSources['redact'];
import { RunResources, type ResourceConfig } from './run-resources.ts';
import type { AttemptTransport, HostedStepRequest, OpenRunLink, RunLink } from './transport.ts';

/** Imports a module by URL (registering a TypeScript loader first where one is needed). */
export type ModuleLoader = (url: string) => Promise<Record<string, unknown>>;

/** How an attempt ended where it ran. */
export type AttemptEnd =
  | { readonly type: 'done' }
  | { readonly type: 'fail'; readonly error: unknown }
  /** Canceled by the run; nothing more to report. */
  | { readonly type: 'canceled' };

/** Registers the cancel of one attempt (called at once if it was canceled already); returns the unregister. */
export type OnCancel = (cancel: (abort: boolean) => void) => () => void;

/** What a step host works with: how it loads modules and reaches runs, where it runs. */
export interface StepHostOptions<R extends HostedStepRequest> {
  /** Imports a pipeline's module. */
  readonly load: ModuleLoader;
  /**
   * Finds a pipeline by name instead of loading the request's module (a queue worker
   * serves the pipelines of its own files, wherever the run's process found them).
   */
  readonly find?: (name: string, module: string) => Promise<Pipeline>;
  /** Opens the link to a run, on the first step of that run that needs resources here. */
  readonly openRun: OpenRunLink<R>;
  /** Refuses a pipeline this host cannot run (throws), once, when its module is loaded. */
  readonly check?: (pipeline: Pipeline) => void;
  /** How this host's executor runs steps, for error messages: `the workerPool executor runs each step in a worker thread`. */
  readonly where: string;
  /** What one host is, for error messages: `worker thread`. */
  readonly host: string;
}

/**
 * Runs step attempts away from the run's process — the one step host of every executor
 * that does (the workerPool's threads; the queue's worker processes). Given a step
 * request, it imports the pipeline's module (once per host), finds the pipeline by name
 * among its exports, initialises the resources the step needs (once per run per host,
 * torn down when the run says it ended), calls the compute with its `ctx`, and reports
 * outputs, logs and resource events through a transport. The run's process keeps
 * everything else: the plan, type checks, retries, events.
 */
export class StepHost<R extends HostedStepRequest> {
  private readonly options: StepHostOptions<R>;
  private readonly pipelines = new Map<string, Promise<Pipeline>>();
  private readonly runs = new Map<string, RunResources>();

  constructor(options: StepHostOptions<R>) {
    this.options = options;
  }

  /** True while this host keeps something of run `runId` (resources, or an init that failed). */
  holds(runId: string): boolean {
    return this.runs.has(runId);
  }

  /**
   * Runs one attempt; resolves with how it ended (it never rejects). A canceled compute
   * gets to settle before the promise does: the run's grace period runs where it waits.
   */
  async run(request: R, sink: AttemptTransport, onCancel: OnCancel): Promise<AttemptEnd> {
    let transport = sink;
    /** How a failure leaves: as thrown, or serialised and redacted when this host read env values. */
    let hide = (error: unknown): unknown => error;
    const controller = new AbortController();
    let live = true;
    let end: AttemptEnd = { type: 'canceled' };
    let running: RunningCompute | undefined;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const settle = (outcome: AttemptEnd): void => {
      if (!live) return;
      live = false;
      end = outcome;
      transport.ended();
      finish();
    };
    const fail = (error: unknown): void => settle({ type: 'fail', error: hide(error) });
    const stopListening = onCancel((abort) => {
      if (!live) return;
      settle({ type: 'canceled' });
      if (abort) {
        const reason = new RunCanceledError(`step ${request.stepKey} was canceled with its run`);
        controller.abort(reason);
        this.runs.get(request.runId)?.abort(reason);
      }
      running?.cancel();
    });
    const log = (resource?: string): Log =>
      recordLog((record) => {
        if (live) transport.log(resource === undefined ? { type: 'log', ...record } : { type: 'log', ...record, resource });
      }, request.logLevel);
    let run: RunResources | undefined;
    try {
      if (!live) return end;
      const pipeline = await this.pipeline(request.pipelineModule, request.pipelineName);
      if (!live) return end;
      const node = pipeline.node(request.solid);
      if (!node) {
        throw new InvalidDefinitionError(
          `pipeline "${request.pipelineName}" as exported by ${request.pipelineModule} has no solid "${request.solid}" ` +
            `in this ${this.options.host}; the module must build the same pipeline in every ${this.options.host}`,
        );
      }
      // `{ env: NAME }` positions sent as written are read here; what goes back hides them.
      const resolved = request.envSources ? resolveEnvSources(pipeline, request) : undefined;
      const here = resolved ?? request;
      if (resolved) {
        transport = redacting(transport, resolved.redact);
        hide = (error) => resolved.redact(serializeError(error));
      }
      if (node.solid.resources.length > 0) {
        run = this.runFor(request, pipeline, here.resourceConfigs, resolved?.redact);
        run.attach(transport, log);
        await run.ensure(node.solid.resources);
        // Canceled during the inits: the compute never starts.
        if (!live) return end;
      }
      const values = run?.values ?? {};
      const ctx = new StepContext({
        config: here.config,
        resources: () => declaredResources(request.solid, node.solid.resources, values),
        runId: request.runId,
        pipelineName: request.pipelineName,
        mode: request.mode,
        solid: request.solid,
        stepKey: request.stepKey,
        signal: controller.signal,
        attempt: request.attempt,
        scheduler: asyncScheduler,
        makeLog: () => log(),
      });
      running = invokeCompute(
        node.solid,
        ctx,
        { ...here.inputs },
        {
          output: (output, value) => {
            if (!live) return;
            try {
              transport.output(output, value);
            } catch (error) {
              running?.cancel();
              fail(error);
            }
          },
          done: () => settle({ type: 'done' }),
          fail,
        },
      );
      await finished;
      // A canceled compute gets to settle before the attempt ends (its grace period runs in the run's process).
      if (running?.settled) await running.settled.catch(() => undefined);
    } catch (error) {
      fail(error);
    } finally {
      stopListening();
      run?.detach(transport);
    }
    return end;
  }

  /** The resources of the request's run here, made on its first step that needs any. */
  private runFor(
    request: R,
    pipeline: Pipeline,
    configs: HostedStepRequest['resourceConfigs'],
    redact: Redactor | undefined,
  ): RunResources {
    let run = this.runs.get(request.runId);
    if (run) return run;
    let ending: Promise<void> | undefined;
    const opened = this.options.openRun(
      request,
      (initGraceMs) =>
        (ending ??= created.teardown(initGraceMs).then(() => {
          this.runs.delete(request.runId);
        })),
    );
    const link: RunLink = redact ? { report: (report) => opened.report(redact(report)), closed: () => opened.closed() } : opened;
    const created = new RunResources(
      request.runId,
      pipeline.modes.find((m) => m.name === request.mode)!,
      resourceConfigsOf(configs, request.resourceTeardownTimeoutsMs),
      link,
    );
    this.runs.set(request.runId, (run = created));
    return run;
  }

  /**
   * The pipeline named `name` among the exports of `module`, imported once per host (and
   * kept for the host's life: later runs find it here), checked by `options.check`.
   */
  private pipeline(module: string, name: string): Promise<Pipeline> {
    const key = `${module}#${name}`;
    let found = this.pipelines.get(key);
    if (!found && this.options.find) {
      found = this.options.find(name, module).then((pipeline) => {
        this.options.check?.(pipeline);
        return pipeline;
      });
      this.pipelines.set(key, found);
    }
    if (!found) {
      found = this.options.load(module).then((exports) => {
        const all = exportedPipelines(exports);
        const pipeline = all.find((p) => p.name === name);
        if (!pipeline) {
          throw new InvalidDefinitionError(
            `pipeline "${name}" is not exported by ${module}: ${this.options.where}, which imports that module and looks ` +
              `for the pipeline among its exports by name. Export it (export const ${name} = pipeline({ name: '${name}', ... })), ` +
              `or pass module: to pipeline() to point at a module that does; pipelines it exports: ${quoted(all.map((p) => p.name))}`,
          );
        }
        this.options.check?.(pipeline);
        return pipeline;
      });
      this.pipelines.set(key, found);
    }
    return found;
  }
}

/** Each resource's config and teardown timeout, as the run's resource scope here takes them. */
function resourceConfigsOf(
  configs: HostedStepRequest['resourceConfigs'],
  teardownTimeoutsMs: HostedStepRequest['resourceTeardownTimeoutsMs'],
): Record<string, ResourceConfig> {
  const out: Record<string, ResourceConfig> = Object.create(null);
  for (const [key, config] of Object.entries(configs)) out[key] = { config, teardownTimeoutMs: teardownTimeoutsMs[key] };
  return out;
}

/** `transport` with what it sends redacted: logs and resource reports (outputs are the step's values, sent as they are). */
function redacting(transport: AttemptTransport, redact: Redactor): AttemptTransport {
  return {
    output: (output, value) => transport.output(output, value),
    log: (message) => transport.log(redact(message)),
    report: (report) => transport.report(redact(report)),
    ended: () => transport.ended(),
  };
}

/** Names for the error message: `"a", "b"`, `(none)`, or the first 40 and a count. */
function quoted(names: readonly string[]): string {
  const unique = [...new Set(names)];
  if (unique.length === 0) return '(none)';
  const shown = unique
    .slice(0, 40)
    .map((n) => `"${n}"`)
    .join(', ');
  return unique.length > 40 ? `${shown} and ${unique.length - 40} more` : shown;
}
