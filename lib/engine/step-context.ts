import { ModeflowError } from '../errors.ts';
import type { Log } from '../define/log.ts';
import type { SchedulerLike } from 'rxjs';
import type { SolidContext } from '../define/solid.ts';

/**
 * `ctx.resources` of one solid: the declared keys, and an error naming the solid, the key
 * and what it declared for any other string key (`then` and `toJSON` excepted, so that
 * awaiting or serialising it is harmless; symbol keys give `undefined`).
 */
export function declaredResources(
  solid: string,
  declared: readonly string[],
  values: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const target: Record<string, unknown> = Object.create(null);
  for (const key of declared) target[key] = values[key];
  return new Proxy(Object.freeze(target), {
    get(obj, key) {
      if (typeof key === 'symbol' || key === 'then' || key === 'toJSON') return undefined;
      if (Object.hasOwn(obj, key)) return obj[key];
      throw new ModeflowError(
        `solid "${solid}" used resource "${key}", which it did not declare; ` +
          `add it to the solid's resources (declared: ${declared.length ? declared.join(', ') : 'none'})`,
      );
    },
  });
}

/** The fields of `ctx` that vary per step attempt; `log` is built only when used. */
export interface StepContextFields {
  readonly config: unknown;
  /** Built on first use: most computes never touch `ctx.resources`. */
  resources(): Readonly<Record<string, unknown>>;
  readonly runId: string;
  readonly pipelineName: string;
  readonly mode: string;
  readonly solid: string;
  readonly stepKey: string;
  readonly signal: AbortSignal;
  readonly attempt: number;
  readonly scheduler: SchedulerLike;
  makeLog(): Log;
}

/**
 * `ctx` in a compute. Its fields are read through from `fields` (one small object per step,
 * not a copy of ten fields), and a step that never logs never builds a logger.
 */
export class StepContext implements SolidContext {
  #log: Log | undefined;
  /** Read through, and called as methods of, so a class can supply them without a closure per step. */
  readonly #fields: StepContextFields;

  constructor(fields: StepContextFields) {
    this.#fields = fields;
  }

  get config(): unknown {
    return this.#fields.config;
  }
  get runId(): string {
    return this.#fields.runId;
  }
  get pipelineName(): string {
    return this.#fields.pipelineName;
  }
  get mode(): string {
    return this.#fields.mode;
  }
  get solid(): string {
    return this.#fields.solid;
  }
  get stepKey(): string {
    return this.#fields.stepKey;
  }
  get signal(): AbortSignal {
    return this.#fields.signal;
  }
  get attempt(): number {
    return this.#fields.attempt;
  }
  get scheduler(): SchedulerLike {
    return this.#fields.scheduler;
  }

  get resources(): Readonly<Record<string, unknown>> {
    return this.#fields.resources();
  }

  get log(): Log {
    return (this.#log ??= this.#fields.makeLog());
  }
}
