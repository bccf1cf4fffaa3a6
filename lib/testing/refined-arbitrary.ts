/**
 * An arbitrary filtered by a predicate, as `fc.filter` is, that gives up with a clear
 * error instead of looping forever when the predicate rejects nearly everything.
 */
import fc from 'fast-check';
import { InvalidDefinitionError } from '../errors.ts';

/** How many generated values in a row a refinement may reject before generation gives up. */
export const MAX_MISSES = 1000;

/**
 * `base` keeping only the values `accepts` takes. Shrinking is `base`'s, filtered the same
 * way (fast-check's own filter), so it stays intact; only generation counts misses.
 *
 * @throws {InvalidDefinitionError} from `generate` after {@link MAX_MISSES} rejections in a
 *   row, with `explain(lastRejected)` as its message
 */
export class RefinedArbitrary<T> extends fc.Arbitrary<T> {
  readonly #base: fc.Arbitrary<T>;
  readonly #accepts: (value: T) => boolean;
  readonly #explain: (rejected: T) => string;

  constructor(base: fc.Arbitrary<T>, accepts: (value: T) => boolean, explain: (rejected: T) => string) {
    super();
    this.#base = base;
    this.#accepts = accepts;
    this.#explain = explain;
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    let last: fc.Value<T> | undefined;
    for (let misses = 0; misses < MAX_MISSES; misses++) {
      last = this.#base.generate(mrng, biasFactor);
      if (this.#accepts(last.value)) return last;
    }
    throw new InvalidDefinitionError(this.#explain(last!.value));
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.#base.canShrinkWithoutContext(value) && this.#accepts(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.#base.shrink(value, context).filter((shrunk) => this.#accepts(shrunk.value));
  }
}
