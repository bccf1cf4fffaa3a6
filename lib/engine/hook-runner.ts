/**
 * The hooks of one run: step hooks fired after their step's end event, run hooks after the
 * last step, each followed by HOOK_COMPLETED, or HOOK_ERRORED when it throws (which never
 * changes the run's status). Hooks run here, in the run's process, whatever executor runs
 * the steps. The engine makes one only when some hook watches the run: a run without hooks
 * pays nothing per step.
 */
import type { AnyHook, HookTrigger, StepHookTrigger } from '../define/hook.ts';
import type { Log } from '../define/log.ts';
import { ModeflowError, serializeError, type SerializedError } from '../errors.ts';
import { originalError } from '../events/error-registry.ts';
import type { RunEvent } from '../events/events.ts';
import type { Prepared } from '../plan/prepare.ts';
import { isThenable, type MaybePromise } from '../support/maybe-async.ts';
import type { RunClock } from './run-clock.ts';
import type { RunEvents } from './run-events.ts';
import { declaredResources } from './step-context.ts';
import type { Step } from './step.ts';

/** What the hooks need of their run. */
export interface HookHost {
  readonly prepared: Prepared;
  readonly events: RunEvents;
  readonly clock: RunClock;
  /** No more steps start: hooks of steps ending now (canceled ones) do not fire. */
  readonly stopped: boolean;
}

const NO_OUTPUTS: Readonly<Record<string, readonly unknown[]>> = Object.freeze({});

export class HookRunner {
  private readonly host: HookHost;
  /** Values of the resources initialised in this process (filled as the scope opens them). */
  private resourceValues: Readonly<Record<string, unknown>> = {};
  /** `ctx.resources` per hook, built on first use. */
  private readonly views = new Map<AnyHook, Readonly<Record<string, unknown>>>();
  /** Hooks whose Promise has not settled yet. */
  private readonly pending = new Set<Promise<void>>();
  /** The run no longer waits for hooks: what they report later is dropped. */
  private closed = false;

  constructor(host: HookHost) {
    this.host = host;
  }

  /** Hooks read their resources from `values` (the run's resource scope here). */
  begin(values: Readonly<Record<string, unknown>>): void {
    this.resourceValues = values;
  }

  /** `step` ended with `on` (`error`: what failed it): the hooks watching that fire. */
  stepEnded(step: Step, on: StepHookTrigger, error?: unknown): void {
    const hooks = step.node.hooks?.[on];
    if (hooks === undefined || this.host.stopped) return;
    const p = this.host.prepared;
    const node = step.node;
    const entry = Object.hasOwn(p.config.solids, node.name) ? p.config.solids[node.name] : undefined;
    const where = { stepKey: step.key, solid: node.name };
    const cause = on === 'failure' || on === 'retry' ? originalCause(error) : undefined;
    for (const h of hooks) this.invoke(h, on, new StepHookCtx(this, p, h, on, step, entry?.config, cause), where);
  }

  /** A hook's `ctx.log`, bound to the step it watches (if any). */
  logOf(h: AnyHook, step: Step | undefined): Log {
    return this.host.events.hookLog(h.name, step);
  }

  /**
   * The run's steps are over, with `status` (before teardown): the run hooks for it fire,
   * with the failed steps and the first error. Resolves once they have all settled.
   */
  runEnded(status: 'SUCCESS' | 'FAILURE', failedSteps: readonly string[], error: SerializedError | undefined): MaybePromise<void> {
    const on = status === 'SUCCESS' ? 'runSuccess' : 'runFailure';
    const p = this.host.prepared;
    for (const h of p.plan.runHooks) {
      if (!(h.on as readonly HookTrigger[]).includes(on)) continue;
      const missing = h.resources.find((key: string) => !Object.hasOwn(this.resourceValues, key));
      if (missing !== undefined) {
        // Its resource failed to initialise (that failure is the run's error): say so, do not call it.
        const reason = new ModeflowError(
          `hook "${h.name}" did not run: its resource "${missing}" was not initialised (see the run's RESOURCE_INIT_FAILURE)`,
        );
        this.report({ type: 'HOOK_ERRORED', ...this.host.events.base(), hook: h.name, on, error: this.serialize(reason) });
        continue;
      }
      const ctx = {
        hook: h.name,
        on,
        log: this.logOf(h, undefined),
        resources: this.resourcesOf(h),
        runId: p.runId,
        pipelineName: p.pipeline.name,
        mode: p.mode.name,
        status,
        failedSteps: Object.freeze([...failedSteps]),
        error,
      };
      this.invoke(h, on, ctx, undefined);
    }
    return this.settled(Infinity);
  }

  /**
   * Resolves once every hook still running has settled, or after `graceMs` (a canceled
   * run); after that, what they report is dropped. Plain `undefined` when none is running.
   */
  settled(graceMs: number): MaybePromise<void> {
    if (this.pending.size === 0) return undefined;
    const all = Promise.allSettled([...this.pending]).then(() => undefined);
    if (!Number.isFinite(graceMs)) return all;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    return Promise.race([all, timeout]).finally(() => {
      clearTimeout(timer);
      this.closed = true;
    });
  }

  /** Calls one hook, and reports how it went once it has settled. */
  private invoke(h: AnyHook, on: HookTrigger, ctx: object, where: { stepKey: string; solid: string } | undefined): void {
    const started = this.host.clock.now();
    const done = () => {
      const base = this.host.events.base();
      this.report({ type: 'HOOK_COMPLETED', ...base, hook: h.name, on, ...where, durationMs: base.timestamp - started });
    };
    const failed = (error: unknown) => {
      this.report({ type: 'HOOK_ERRORED', ...this.host.events.base(), hook: h.name, on, ...where, error: this.serialize(error) });
    };
    let result: unknown;
    try {
      result = h.fn(ctx as Parameters<AnyHook['fn']>[0]);
    } catch (error) {
      failed(error);
      return;
    }
    if (!isThenable(result)) {
      done();
      return;
    }
    const settled: Promise<void> = Promise.resolve(result).then(
      () => {
        this.pending.delete(settled);
        done();
      },
      (error: unknown) => {
        this.pending.delete(settled);
        failed(error);
      },
    );
    this.pending.add(settled);
  }

  private report(event: RunEvent): void {
    if (!this.closed) this.host.events.emit(event);
  }

  private serialize(error: unknown): SerializedError {
    return this.host.prepared.redact(serializeError(error));
  }

  /** `ctx.resources` of hook `h`: its declared keys (built once per hook and run). */
  resourcesOf(h: AnyHook): Readonly<Record<string, unknown>> {
    let view = this.views.get(h);
    if (!view) this.views.set(h, (view = declaredResources(h.name, h.resources, this.resourceValues, 'hook')));
    return view;
  }
}

/**
 * `ctx` of a step hook: plain fields, and `log`, `resources` and `outputs` made when first
 * read (most hooks read few of them; a hook on every step of a big run pays only for those).
 */
class StepHookCtx {
  readonly hook: string;
  readonly on: StepHookTrigger;
  readonly runId: string;
  readonly pipelineName: string;
  readonly mode: string;
  readonly solid: string;
  readonly stepKey: string;
  readonly config: unknown;
  readonly attempt: number;
  readonly error: Error | undefined;
  readonly #runner: HookRunner;
  readonly #hook: AnyHook;
  readonly #step: Step;
  #log: Log | undefined;
  #outputs: Readonly<Record<string, readonly unknown[]>> | undefined;

  constructor(runner: HookRunner, p: Prepared, h: AnyHook, on: StepHookTrigger, step: Step, config: unknown, error: Error | undefined) {
    this.hook = h.name;
    this.on = on;
    this.runId = p.runId;
    this.pipelineName = p.pipeline.name;
    this.mode = p.mode.name;
    this.solid = step.node.name;
    this.stepKey = step.key;
    this.config = config;
    this.attempt = step.attempt;
    this.error = error;
    this.#runner = runner;
    this.#hook = h;
    this.#step = step;
  }

  get log(): Log {
    return (this.#log ??= this.#runner.logOf(this.#hook, this.#step));
  }

  get resources(): Readonly<Record<string, unknown>> {
    return this.#runner.resourcesOf(this.#hook);
  }

  get outputs(): Readonly<Record<string, readonly unknown[]>> {
    return (this.#outputs ??= this.on === 'success' ? outputsOf(this.#step) : NO_OUTPUTS);
  }
}

/** A step's values this attempt, by output, as `SolidResult.outputs` has them (every declared output, maybe empty). */
function outputsOf(step: Step): Readonly<Record<string, readonly unknown[]>> {
  const out: Record<string, readonly unknown[]> = Object.create(null);
  for (const name of Object.keys(step.node.solid.outputs)) out[name] = Object.freeze([...(step.valuesOf(name) ?? [])]);
  return Object.freeze(out);
}

/**
 * The error a failure hook sees: the one the compute threw — for a `RetryRequested`, the
 * error it was raised for (its `cause`), if any — as an `Error`. An error that came back
 * from another thread is rebuilt from its serialised form; a thrown non-Error (a string)
 * becomes an `Error` with its text.
 */
function originalCause(error: unknown): Error {
  let found = error;
  if (isNamed(found, 'RetryRequested') && (found as { cause?: unknown }).cause !== undefined) found = (found as { cause?: unknown }).cause;
  return found instanceof Error ? found : (originalError(serializeError(found)) as Error);
}

function isNamed(value: unknown, name: string): boolean {
  return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === name;
}
