import { serializeError, type ResourceReport } from '../lib/events.ts';
import type { Log } from '../lib/log.ts';
import { attempt, forEachInOrder, isThenable, andThen, type MaybePromise } from '../lib/maybe-async.ts';
import type { Mode } from '../lib/mode.ts';
import { ModeflowError } from '../lib/errors.ts';

/** What the scope reports as it goes; the engine turns these into events. */
export type ScopeReport = ResourceReport & { readonly cause?: unknown };

export interface ResourceScopeOptions {
  readonly mode: Mode;
  /** Keys to initialise, dependencies first. */
  readonly keys: readonly string[];
  /** Parsed config per key. */
  readonly configs: Readonly<Record<string, { readonly config: unknown }>>;
  readonly runId: string;
  readonly signal: AbortSignal;
  readonly log: (key: string) => Log;
  readonly report: (report: ScopeReport) => void;
}

interface Opened {
  readonly key: string;
  readonly teardown: (() => MaybePromise<void>) | undefined;
}

/**
 * The resources of one run: initialised in dependency order, each at most once, and torn
 * down exactly once in reverse order, whatever happens (success, failure, cancel). A
 * teardown that throws does not stop the others. Synchronous inits and teardowns stay
 * synchronous.
 */
export class ResourceScope {
  /** Initialised values by key (no prototype: any key is only there once initialised). */
  readonly values: Record<string, unknown> = Object.create(null);
  private readonly opened: Opened[] = [];
  private closing: MaybePromise<readonly unknown[]> | undefined;
  private opening: MaybePromise<unknown>;

  private readonly options: ResourceScopeOptions;

  constructor(options: ResourceScopeOptions) {
    this.options = options;
  }

  /** Initialises every key; resolves to the first init error, or undefined. */
  open(): MaybePromise<unknown> {
    let failure: unknown;
    const done = forEachInOrder(this.options.keys, (key) => {
      if (failure !== undefined || this.options.signal.aborted) return undefined;
      return attempt(
        () => this.init(key),
        (error) => {
          failure = error;
          this.options.report({ type: 'RESOURCE_INIT_FAILURE', resource: key, error: serializeError(error), cause: error });
        },
      );
    });
    this.opening = andThen(done, () => failure);
    return this.opening;
  }

  private init(key: string): MaybePromise<void> {
    const { mode, configs, runId, signal, report } = this.options;
    const def = mode.resources[key]!;
    const started = Date.now();
    report({ type: 'RESOURCE_INIT_START', resource: key });
    const resources: Record<string, unknown> = Object.create(null);
    for (const dep of def.resources) resources[dep] = this.values[dep];
    const produced = def.init({ config: configs[key]?.config, resources, log: this.options.log(key), runId, signal });
    const accept = (value: unknown, teardown: Opened['teardown']): void => {
      this.values[key] = value;
      this.opened.push({ key, teardown: teardown ?? disposerOf(value) });
      report({ type: 'RESOURCE_INIT_SUCCESS', resource: key, durationMs: Date.now() - started });
    };
    if (isGenerator(produced)) {
      const generator = produced;
      return andThen(generator.next(), (step: IteratorResult<unknown>) => {
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
    return andThen(produced, (value) => accept(value, undefined));
  }

  /**
   * Tears down every initialised resource, last first, exactly once (later calls return
   * the first call's outcome). Resolves to the teardown errors.
   */
  close(): MaybePromise<readonly unknown[]> {
    if (this.closing) return this.closing;
    // An init still under way finishes first, so that what it opens is torn down too.
    if (isThenable(this.opening)) {
      this.closing = Promise.resolve(this.opening).then(() => this.teardownAll());
      return this.closing;
    }
    this.closing = this.teardownAll();
    return this.closing;
  }

  private teardownAll(): MaybePromise<readonly unknown[]> {
    const errors: unknown[] = [];
    const order = [...this.opened].reverse();
    const done = forEachInOrder(order, ({ key, teardown }) =>
      attempt(
        () =>
          andThen(teardown ? teardown() : undefined, () => {
            this.options.report({ type: 'RESOURCE_TEARDOWN', resource: key });
          }),
        (error) => {
          errors.push(error);
          this.options.report({ type: 'RESOURCE_TEARDOWN', resource: key, error: serializeError(error), cause: error });
        },
      ),
    );
    return andThen(done, () => errors);
  }
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

