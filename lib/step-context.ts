import { ModeflowError } from './errors.ts';
import type { Log } from './log.ts';
import type { SchedulerLike } from 'rxjs';
import type { SolidContext } from './solid.ts';

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
  const target: Record<string, unknown> = {};
  for (const key of declared) target[key] = values[key];
  return new Proxy(Object.freeze(target), {
    get(obj, key) {
      if (typeof key === 'symbol' || key === 'then' || key === 'toJSON') return undefined;
      if (key in obj) return obj[key];
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

/** `ctx` in a compute. A class, so a step that never logs never builds a logger. */
export class StepContext implements SolidContext {
  readonly config: unknown;
  readonly runId: string;
  readonly pipelineName: string;
  readonly mode: string;
  readonly solid: string;
  readonly stepKey: string;
  readonly signal: AbortSignal;
  readonly attempt: number;
  readonly scheduler: SchedulerLike;
  #log: Log | undefined;
  /** Called as methods of `fields`, so a class can supply them without a closure per step. */
  readonly #fields: StepContextFields;

  constructor(fields: StepContextFields) {
    this.#fields = fields;
    this.config = fields.config;
    this.runId = fields.runId;
    this.pipelineName = fields.pipelineName;
    this.mode = fields.mode;
    this.solid = fields.solid;
    this.stepKey = fields.stepKey;
    this.signal = fields.signal;
    this.attempt = fields.attempt;
    this.scheduler = fields.scheduler;
  }

  get resources(): Readonly<Record<string, unknown>> {
    return this.#fields.resources();
  }

  get log(): Log {
    return (this.#log ??= this.#fields.makeLog());
  }
}
