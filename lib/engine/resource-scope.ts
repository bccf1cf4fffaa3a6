import { serializeError } from '../errors.ts';
import type { ResourceReport } from '../define/executor.ts';
import type { Log } from '../define/log.ts';
import { attempt, forEachInOrder, isThenable, andThen, settlesWithin, withTimeout, type MaybePromise } from '../support/maybe-async.ts';
import type { Mode } from '../define/mode.ts';
import { ModeflowError, RunCanceledError } from '../errors.ts';
import { resourceOrder } from '../plan/plan.ts';

/** What a scope reports as it goes (a run turns these into events), with the error as thrown where there is one. */
export type ScopeReport = ResourceReport & { readonly cause?: unknown };

/** What a {@link ResourceScope} works with. */
export interface ResourceScopeOptions {
  /** The mode whose resource definitions the scope initialises. */
  readonly mode: Mode;
  /** Parsed config per key (run config's `resources.<key>`), and how long its teardown may take (default: no limit). */
  readonly configs: Readonly<Record<string, { readonly config: unknown; readonly teardownTimeoutMs?: number | undefined }>>;
  /** Handed to each init. */
  readonly runId: string;
  /** Handed to each init; abort it when the run is canceled. */
  readonly signal: AbortSignal;
  /** The `log` each init gets. */
  readonly log: (key: string) => Log;
  /** Told of each init's start, success or failure and of each teardown, as they happen. */
  readonly report: (report: ScopeReport) => void;
  /** Holds each init's outcome until released (the executor's `hold`, see ExecutorInstance). */
  readonly hold?: ((label: string, release: () => void) => void) | undefined;
}

interface Opened {
  readonly key: string;
  readonly teardown: (() => MaybePromise<void>) | undefined;
}

/**
 * The resources of one run, where its steps run: initialised in dependency order, each at
 * most once, and torn down exactly once in reverse order of init, whatever happens
 * (success, failure, cancel). A teardown that throws, or does not settle within its
 * `teardownTimeoutMs`, does not stop the others. An init still pending when the scope
 * closes may be abandoned after a grace period; what it yields later is torn down at once.
 * Synchronous inits and teardowns stay synchronous. The engine keeps one per run; an
 * executor that runs steps elsewhere keeps one per run wherever it runs them, opening
 * the resources each step needs as it comes.
 *
 * @example
 * const scope = new ResourceScope({ mode, configs, runId, signal, log: () => log, report: (r) => send(r) });
 * const failure = await scope.open(['database']); // and what it depends on
 * if (failure === undefined) use(scope.values.database);
 * const teardownErrors = await scope.close();
 */
export class ResourceScope {
  /** Initialised values by key (no prototype: any key is only there once initialised). */
  readonly values: Record<string, unknown> = Object.create(null);
  private readonly opened: Opened[] = [];
  /** Keys whose init failed, with what it threw: they are not tried again. */
  private readonly failed = new Map<string, unknown>();
  private closing: MaybePromise<readonly unknown[]> | undefined;
  /** The opens under way, one after another. */
  private opening: MaybePromise<unknown>;
  /** The key whose init is under way, if any. */
  private initialising: string | undefined;
  /** Set when close() stopped waiting for an init: the scope is over for it. */
  private abandoned = false;

  private readonly options: ResourceScopeOptions;

  constructor(options: ResourceScopeOptions) {
    this.options = options;
  }

  /**
   * Initialises `keys` and what they depend on, dependencies first, skipping those already
   * open; calls made while one is under way run after it. Resolves to the first init error
   * (also that of a key whose init failed in an earlier call, then trying nothing), or
   * undefined.
   */
  open(keys: readonly string[]): MaybePromise<unknown> {
    this.opening = andThen(this.opening, () => this.openNow(keys));
    return this.opening;
  }

  private openNow(keys: readonly string[]): MaybePromise<unknown> {
    const needed = resourceOrder(this.options.mode, keys).filter((key) => !Object.hasOwn(this.values, key));
    for (const key of needed) if (this.failed.has(key)) return this.failed.get(key);
    let failure: unknown;
    const done = forEachInOrder(needed, (key) => {
      if (failure !== undefined || this.options.signal.aborted || this.abandoned) return undefined;
      return attempt(
        () => this.init(key),
        (error) => {
          this.initialising = undefined;
          // Abandoned: the run has ended without it, and said so.
          if (this.abandoned) return;
          failure = error;
          this.failed.set(key, error);
          this.options.report({ type: 'RESOURCE_INIT_FAILURE', resource: key, error: serializeError(error), cause: error });
        },
      );
    });
    return andThen(done, () => failure);
  }

  private init(key: string): MaybePromise<void> {
    const { mode, configs, runId, signal, report } = this.options;
    const def = mode.resources[key]!;
    const started = Date.now();
    report({ type: 'RESOURCE_INIT_START', resource: key });
    this.initialising = key;
    const resources: Record<string, unknown> = Object.create(null);
    for (const dep of def.resources) resources[dep] = this.values[dep];
    const produced = def.init({ config: configs[key]?.config, resources, log: this.options.log(key), runId, signal });
    const held = <T>(outcome: MaybePromise<T> | PromiseLike<T>): MaybePromise<T> => this.held(outcome, key);
    const accept = (value: unknown, teardown: Opened['teardown']): void => {
      this.initialising = undefined;
      const close = teardown ?? disposerOf(value);
      if (this.abandoned) {
        // It came too late: the run is over, so what it opened is closed at once, quietly.
        void Promise.resolve(
          attempt(
            () => close?.(),
            () => undefined,
          ),
        ).catch(() => undefined);
        return;
      }
      this.values[key] = value;
      this.opened.push({ key, teardown: close });
      report({ type: 'RESOURCE_INIT_SUCCESS', resource: key, durationMs: Date.now() - started });
    };
    if (isGenerator(produced)) {
      const generator = produced;
      return andThen(held(generator.next()), (step: IteratorResult<unknown>) => {
        if (step.done) throw new ModeflowError(`resource "${key}": init is a generator that returned without yielding its value`);
        accept(step.value, () =>
          andThen(generator.next(), (rest: IteratorResult<unknown>) => {
            if (!rest.done) {
              void generator.return?.(undefined);
              throw new ModeflowError(`resource "${key}": init generator yielded more than once; yield the value once, tear down after`);
            }
          }),
        );
      });
    }
    return andThen(held(produced), (value) => accept(value, undefined));
  }

  /** `outcome` as it is, or, with a `hold`, once the hold releases it (failures too). */
  private held<T>(outcome: MaybePromise<T> | PromiseLike<T>, key: string): MaybePromise<T> {
    const hold = this.options.hold;
    if (!hold) return outcome as MaybePromise<T>;
    return Promise.resolve(outcome).then(
      (value) => new Promise<T>((resolve) => hold(`resource ${key}: initialised`, () => resolve(value))),
      (error: unknown) => new Promise<T>((_, reject) => hold(`resource ${key}: init failed`, () => reject(error))),
    );
  }

  /**
   * Tears down every initialised resource, last first, exactly once (later calls return
   * the first call's outcome). Resolves to the teardown errors. An init still under way
   * gets `initGraceMs` to finish (and is then torn down too); after that it is abandoned,
   * reported as an init failure, and torn down whenever it yields.
   */
  close(initGraceMs = Infinity): MaybePromise<readonly unknown[]> {
    if (this.closing) return this.closing;
    if (isThenable(this.opening)) {
      this.closing = settlesWithin(this.opening, initGraceMs).then((settled) => {
        if (!settled) this.abandon(initGraceMs);
        return this.teardownAll();
      });
      return this.closing;
    }
    this.closing = this.teardownAll();
    return this.closing;
  }

  private abandon(graceMs: number): void {
    this.abandoned = true;
    const key = this.initialising;
    if (key === undefined) return;
    const error = new RunCanceledError(
      `resource "${key}": init was still pending ${graceMs} ms after the run was canceled, so the run ended without ` +
        `it; a value it yields later is torn down at once (an init can end sooner by watching its signal)`,
    );
    this.options.report({ type: 'RESOURCE_INIT_FAILURE', resource: key, error: serializeError(error), cause: error });
  }

  private teardownAll(): MaybePromise<readonly unknown[]> {
    const errors: unknown[] = [];
    const order = [...this.opened].reverse();
    const done = forEachInOrder(order, ({ key, teardown }) => {
      const limit = this.options.configs[key]?.teardownTimeoutMs ?? Infinity;
      return attempt(
        () =>
          andThen(timeLimited(teardown ? teardown() : undefined, key, limit), () => {
            this.options.report({ type: 'RESOURCE_TEARDOWN', resource: key });
          }),
        (error) => {
          errors.push(error);
          const report = { type: 'RESOURCE_TEARDOWN', resource: key, error: serializeError(error), cause: error } as const;
          this.options.report(timedOut.has(error as object) ? { ...report, timedOut: true } : report);
        },
      );
    });
    return andThen(done, () => errors);
  }
}

/** Errors made for teardowns that ran out of time (to mark their events `timedOut`). */
const timedOut = new WeakSet<object>();

/** A teardown's outcome, or a timeout error once `ms` have passed without one. */
function timeLimited(outcome: MaybePromise<void>, key: string, ms: number): MaybePromise<void> {
  if (!Number.isFinite(ms)) return outcome;
  return withTimeout(outcome, ms, () => {
    const error = new ModeflowError(
      `resource "${key}": teardown timed out after ${ms} ms (resources.${key}.teardownTimeoutMs); the other ` +
        `resources were still torn down, and the run fails since this one may not have closed cleanly`,
    );
    timedOut.add(error);
    return error;
  });
}

function isGenerator(value: unknown): value is Generator<unknown> | AsyncGenerator<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Generator).next === 'function' &&
    typeof (value as Generator).throw === 'function' &&
    (Symbol.asyncIterator in value || Symbol.iterator in value)
  );
}

function disposerOf(value: unknown): Opened['teardown'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const asyncDispose = (value as { [Symbol.asyncDispose]?: () => Promise<void> })[Symbol.asyncDispose];
  if (typeof asyncDispose === 'function') return () => asyncDispose.call(value);
  const dispose = (value as { [Symbol.dispose]?: () => void })[Symbol.dispose];
  if (typeof dispose === 'function') return () => dispose.call(value);
  return undefined;
}
