/**
 * Hooks: user functions that run when a step ends (succeeded, failed, skipped, retried) or
 * when the run ends (succeeded, failed), e.g. an alert in `prod` only. A hook is frozen
 * data like every definition; where it is attached (an invocation, a pipeline, a mode)
 * decides which steps it watches.
 */
import { InvalidDefinitionError, type SerializedError } from '../errors.ts';
import { assertName, describe, isKind, KIND } from './definition.ts';
import type { Log } from './log.ts';
import type { ResourcesOf } from './resource.ts';

/** What a step hook fires on. */
export type StepHookTrigger = 'success' | 'failure' | 'skipped' | 'retry';
/** What a run hook fires on. */
export type RunHookTrigger = 'runSuccess' | 'runFailure';
/** When a hook fires: after a step's end of that kind, or after the run's last step. */
export type HookTrigger = StepHookTrigger | RunHookTrigger;

const STEP_TRIGGERS: readonly StepHookTrigger[] = ['success', 'failure', 'skipped', 'retry'];
const RUN_TRIGGERS: readonly RunHookTrigger[] = ['runSuccess', 'runFailure'];
const TRIGGERS: readonly HookTrigger[] = [...STEP_TRIGGERS, ...RUN_TRIGGERS];

/** What every hook's `ctx` has. */
interface HookContextBase<R extends readonly string[]> {
  /** The hook's name. */
  readonly hook: string;
  /** pino-style logger; its records carry `hook` (and the step's `stepKey` and `solid`). */
  readonly log: Log;
  /** The resources this hook declared, and only those. */
  readonly resources: ResourcesOf<R>;
  readonly runId: string;
  readonly pipelineName: string;
  /** The mode's name. */
  readonly mode: string;
}

/** `ctx` of a hook fired by a step's end (`on` says which). */
export interface StepHookContext<
  E extends StepHookTrigger = StepHookTrigger,
  R extends readonly string[] = readonly string[],
> extends HookContextBase<R> {
  readonly on: E;
  /** Invocation name (dotted inside a composite: `outer.inner`). */
  readonly solid: string;
  readonly stepKey: string;
  /** The solid's parsed config. */
  readonly config: unknown;
  /** The attempt that ended (for `retry`: the one that failed and is tried again). */
  readonly attempt: number;
  /** On `success`: every value of every output, as `SolidResult.outputs` has them; else `{}`. */
  readonly outputs: Readonly<Record<string, readonly unknown[]>>;
  /**
   * On `failure`: the error the compute threw (after retries ran out; the `cause` of a
   * `RetryRequested`); on `retry`: that of the attempt that failed. Undefined otherwise.
   */
  readonly error: E extends 'failure' | 'retry' ? Error : undefined;
}

/** `ctx` of a hook fired by the run's end, after its last step and before teardown. */
export interface RunHookContext<
  E extends RunHookTrigger = RunHookTrigger,
  R extends readonly string[] = readonly string[],
> extends HookContextBase<R> {
  readonly on: E;
  readonly status: E extends 'runSuccess' ? 'SUCCESS' : 'FAILURE';
  /** Keys of the steps that failed, in the order they failed. */
  readonly failedSteps: readonly string[];
  /** The run's first error (a step's, or a resource's), as `RUN_FAILURE` carries it. */
  readonly error: SerializedError | undefined;
}

/** `ctx` of a hook that fires on `E`: a union over `E`, told apart by `ctx.on`. */
export type HookContext<E extends HookTrigger = HookTrigger, R extends readonly string[] = readonly string[]> = E extends StepHookTrigger
  ? StepHookContext<E, R>
  : E extends RunHookTrigger
    ? RunHookContext<E, R>
    : never;

/** The hook's function: may return a Promise; what it throws becomes `HOOK_ERRORED`. */
export type HookFn<E extends HookTrigger, R extends readonly string[]> = (ctx: HookContext<E, R>) => void | Promise<void>;

/** What {@link hook} takes. */
export interface HookOptions<E extends HookTrigger, R extends readonly string[]> {
  /** The hook's name (`^[A-Za-z0-9_]+$`), in its events: `HOOK_COMPLETED.hook`. */
  readonly name: string;
  readonly description?: string;
  /** What it fires on: one trigger or several. */
  readonly on: E | readonly E[];
  /** Resource keys it uses; `ctx.resources` holds these and no others. Every mode that attaches it must provide them. */
  readonly resources?: R;
  readonly fn: HookFn<E, R>;
}

/** A hook definition. Attach it with `solid.withHooks(h)`, `pipeline({ hooks })` or `mode({ hooks })`. */
export interface Hook<E extends HookTrigger = HookTrigger, R extends readonly string[] = readonly string[]> {
  readonly [KIND]: 'hook';
  readonly name: string;
  readonly description: string | undefined;
  /** Its triggers, each once, in the order given. */
  readonly on: readonly E[];
  readonly resources: R;
  readonly fn: HookFn<E, R>;
  /** True when it fires on some step's end. */
  readonly onSteps: boolean;
  /** True when it fires on the run's end. */
  readonly onRun: boolean;
}

/** A hook of any triggers and resources. */
export type AnyHook = Hook<any, any>;

/**
 * Defines a hook that fires on `on`: a step's `success`, `failure`, `skipped` or `retry`,
 * or the run's `runSuccess` / `runFailure` (after its last step, before teardown). It runs
 * in the run's process, whatever executor runs the steps; a Promise it returns is awaited
 * before the run ends. After it runs: a `HOOK_COMPLETED` event; if it throws or rejects:
 * `HOOK_ERRORED` only, and the run's status is unchanged.
 *
 * @example
 * const audit = hook({
 *   name: 'audit',
 *   on: ['success', 'failure'],
 *   fn: (ctx) => ctx.log.info({ on: ctx.on }, `step ${ctx.stepKey} ended`),
 * });
 * pipeline({ name: 'etl', hooks: [audit], graph: () => { load(extract()); } });
 *
 * @throws {InvalidDefinitionError} for a bad name or resource key, an unknown trigger, or a
 *   missing `fn`
 */
export function hook<const E extends HookTrigger, const R extends readonly string[] = []>(options: HookOptions<E, R>): Hook<E, R> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidDefinitionError(`hook() takes an options object, got ${describe(options)}`);
  }
  assertName(options.name, 'hook');
  const where = `hook "${options.name}"`;
  if (typeof options.fn !== 'function') throw new InvalidDefinitionError(`${where}: fn must be a function, got ${describe(options.fn)}`);
  const given: readonly unknown[] = Array.isArray(options.on) ? options.on : [options.on];
  if (given.length === 0) throw new InvalidDefinitionError(`${where}: on is empty; give one or more of ${TRIGGERS.join(', ')}`);
  for (const trigger of given) {
    if (!TRIGGERS.includes(trigger as HookTrigger)) {
      throw new InvalidDefinitionError(`${where}: on holds ${describe(trigger)}; a hook fires on ${TRIGGERS.join(', ')}`);
    }
  }
  const on = [...new Set(given as E[])];
  const resources = options.resources ?? ([] as unknown as R);
  if (!Array.isArray(resources)) {
    throw new InvalidDefinitionError(`${where}: resources must be an array of resource keys, e.g. ['slack']`);
  }
  for (const key of resources) assertName(key, `${where}: resource key`);
  return Object.freeze({
    [KIND]: 'hook' as const,
    name: options.name,
    description: options.description,
    on: Object.freeze(on),
    resources: Object.freeze([...resources]) as unknown as R,
    fn: options.fn,
    onSteps: on.some((t) => (STEP_TRIGGERS as readonly string[]).includes(t)),
    onRun: on.some((t) => (RUN_TRIGGERS as readonly string[]).includes(t)),
  });
}

/** What {@link successHook} and {@link failureHook} take: a hook's options without `on`. */
export type StepHookOptions<E extends StepHookTrigger, R extends readonly string[]> = Omit<HookOptions<E, R>, 'on'>;

/**
 * Defines a hook that fires after each step it watches succeeds; `ctx.outputs` holds the
 * step's values.
 *
 * @example
 * const announce = successHook({ name: 'announce', fn: (ctx) => ctx.log.info(`${ctx.solid} gave ${ctx.outputs['result']?.length} values`) });
 *
 * @throws {InvalidDefinitionError} as {@link hook}
 */
export function successHook<const R extends readonly string[] = []>(options: StepHookOptions<'success', R>): Hook<'success', R> {
  return hook({ ...options, on: 'success' } as HookOptions<'success', R>);
}

/**
 * Defines a hook that fires after each step it watches fails (once its retries ran out);
 * `ctx.error` is the error the compute threw.
 *
 * @example
 * const alert = failureHook({
 *   name: 'alert_on_failure',
 *   resources: ['alerts'],
 *   fn: (ctx) => ctx.resources.alerts.send(`${ctx.stepKey} failed: ${ctx.error.message}`),
 * });
 * mode({ name: 'prod', resources: { alerts: slackAlerts }, hooks: [alert] });
 *
 * @throws {InvalidDefinitionError} as {@link hook}
 */
export function failureHook<const R extends readonly string[] = []>(options: StepHookOptions<'failure', R>): Hook<'failure', R> {
  return hook({ ...options, on: 'failure' } as HookOptions<'failure', R>);
}

/** True for a hook definition (by brand, so it works across library copies). */
export function isHook(value: unknown): value is AnyHook {
  return isKind(value, 'hook');
}

/**
 * Checks a list of hooks given to `where` (`pipeline "p": hooks`): each a hook, and no two
 * different hooks sharing a name (events name hooks by name). Returns them without repeats.
 *
 * @throws {InvalidDefinitionError} naming `where` and the offending value or name
 */
export function hookList(hooks: unknown, where: string): readonly AnyHook[] {
  if (hooks === undefined) return NO_HOOKS;
  if (!Array.isArray(hooks)) throw new InvalidDefinitionError(`${where} must be an array of hooks, got ${describe(hooks)}`);
  const out: AnyHook[] = [];
  for (const h of hooks) {
    if (!isHook(h)) {
      throw new InvalidDefinitionError(`${where} holds ${describe(h)}, not a hook; define one with hook(), successHook() or failureHook()`);
    }
    if (!out.includes(h)) out.push(h);
  }
  assertDistinctHookNames(out, where);
  return out.length === 0 ? NO_HOOKS : Object.freeze(out);
}

/** Throws when two different hooks in `hooks` share a name. */
export function assertDistinctHookNames(hooks: Iterable<AnyHook>, where: string): void {
  const byName = new Map<string, AnyHook>();
  for (const h of hooks) {
    const seen = byName.get(h.name);
    if (seen && seen !== h) {
      throw new InvalidDefinitionError(
        `${where}: two different hooks are named "${h.name}"; hook events name hooks by name, so rename one of them`,
      );
    }
    byName.set(h.name, h);
  }
}

/** The empty hook list, shared. */
export const NO_HOOKS: readonly AnyHook[] = Object.freeze([]);

/** `a` and then the hooks of `b` not in `a`: one list in which each hook appears once. */
export function unionHooks(a: readonly AnyHook[], b: readonly AnyHook[]): readonly AnyHook[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = [...a];
  for (const h of b) if (!out.includes(h)) out.push(h);
  return Object.freeze(out);
}

/**
 * The hooks given to `withHooks` on `where` (`solid "b"`), appended to those it has:
 * step hooks only, since an invocation has no run to watch.
 *
 * @throws {InvalidDefinitionError} for a value that is no hook, or a hook with run triggers
 */
export function withMoreHooks(had: readonly AnyHook[], given: readonly unknown[], where: string): readonly AnyHook[] {
  const hooks = hookList(given, `${where}: withHooks()`);
  for (const h of hooks) {
    const runTriggers = h.on.filter((t: HookTrigger) => (RUN_TRIGGERS as readonly string[]).includes(t));
    if (runTriggers.length > 0) {
      throw new InvalidDefinitionError(
        `${where}: withHooks() got hook "${h.name}", which fires on ${runTriggers.join(', ')}; run hooks watch a whole run, ` +
          `so attach them with pipeline({ hooks }) or mode({ hooks })`,
      );
    }
  }
  const all = unionHooks(had, hooks);
  assertDistinctHookNames(all, where);
  return all;
}
