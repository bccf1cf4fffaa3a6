/**
 * `ctx` as a compute sees it. Its fields are declared once, by `SolidContext`
 * (define/solid.ts); a StepContext reads them through from a source that supplies them.
 */
import type { SchedulerLike } from 'rxjs';
import { ModeflowError } from '../errors.ts';
import type { Log } from '../define/log.ts';
import type { SolidContext } from '../define/solid-types.ts';

/**
 * `ctx.resources` of one solid (or, with `owner` 'hook', one hook): the declared keys, and
 * an error naming the solid, the key and what it declared for any other string key (`then` and `toJSON` excepted, so that
 * awaiting or serialising it is harmless; symbol keys give `undefined`).
 *
 * @example
 * const resources = declaredResources('load', ['database'], { database: db, cache });
 * resources.database; // db
 * resources.cache; // throws: solid "load" used resource "cache", which it did not declare
 */
export function declaredResources(
  solid: string,
  declared: readonly string[],
  values: Readonly<Record<string, unknown>>,
  owner: 'solid' | 'hook' = 'solid',
): Readonly<Record<string, unknown>> {
  const target: Record<string, unknown> = Object.create(null);
  for (const key of declared) target[key] = values[key];
  return new Proxy(Object.freeze(target), {
    get(obj, key) {
      if (typeof key === 'symbol' || key === 'then' || key === 'toJSON') return undefined;
      if (Object.hasOwn(obj, key)) return obj[key];
      throw new ModeflowError(
        `${owner} "${solid}" used resource "${key}", which it did not declare; ` +
          `add it to the ${owner}'s resources (declared: ${declared.length ? declared.join(', ') : 'none'})`,
      );
    },
  });
}

/**
 * What a {@link StepContext} reads through to: the fields of `ctx` as `SolidContext`
 * declares them, with `resources` and `log` as methods, called the first time a compute
 * reads them (most computes read neither).
 */
export type StepContextSource = Omit<SolidContext, 'resources' | 'log'> & {
  resources(): Readonly<Record<string, unknown>>;
  makeLog(): Log;
};

/**
 * `ctx` of one step attempt, for code that calls a compute itself (an executor that runs
 * steps elsewhere, with {@link invokeCompute}). Its fields are read through from `source`
 * — one object per attempt, not a copy of ten fields — so `{ ...ctx }` copies none of
 * them: read them by name.
 *
 * @example
 * const ctx = new StepContext({
 *   config, runId, pipelineName, mode, solid: 'load', stepKey: 'load', attempt: 1, signal, scheduler: asyncScheduler,
 *   resources: () => declaredResources('load', ['database'], values),
 *   makeLog: () => log,
 * });
 */
export class StepContext implements SolidContext {
  #log: Log | undefined;
  /** Read through, and called as methods of, so a class can supply them without a closure per step. */
  readonly #source: StepContextSource;

  constructor(source: StepContextSource) {
    this.#source = source;
  }

  get config(): unknown {
    return this.#source.config;
  }
  get runId(): string {
    return this.#source.runId;
  }
  get pipelineName(): string {
    return this.#source.pipelineName;
  }
  get mode(): string {
    return this.#source.mode;
  }
  get solid(): string {
    return this.#source.solid;
  }
  get stepKey(): string {
    return this.#source.stepKey;
  }
  get signal(): AbortSignal {
    return this.#source.signal;
  }
  get attempt(): number {
    return this.#source.attempt;
  }
  get scheduler(): SchedulerLike {
    return this.#source.scheduler;
  }

  get resources(): Readonly<Record<string, unknown>> {
    return this.#source.resources();
  }

  get log(): Log {
    return (this.#log ??= this.#source.makeLog());
  }
}
