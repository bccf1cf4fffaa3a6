/**
 * Sequencing that stays synchronous while every step is: a run of synchronous solids and
 * resources must finish inside `subscribe()`, so promises appear only where user code
 * returns them.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isThenable<T = unknown>(value: unknown): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** `next(value)` now if `value` is plain, after it resolves if it is a promise. */
export function andThen<T, U>(value: MaybePromise<T> | PromiseLike<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isThenable<T>(value) ? Promise.resolve(value).then(next) : next(value);
}

/** Runs `fn` over `items` one after another, synchronously until one returns a promise. */
export function forEachInOrder<T>(items: readonly T[], fn: (item: T, index: number) => MaybePromise<void>): MaybePromise<void> {
  for (let i = 0; i < items.length; i++) {
    const out = fn(items[i]!, i);
    if (isThenable(out)) {
      return Promise.resolve(out).then(() => forEachInOrder(items.slice(i + 1), (item, j) => fn(item, i + 1 + j)));
    }
  }
  return undefined;
}

/** Calls `fn`, turning a synchronous throw into the same shape as a rejection would take. */
export function attempt<T>(fn: () => MaybePromise<T>, onError: (error: unknown) => MaybePromise<T>): MaybePromise<T> {
  let out: MaybePromise<T>;
  try {
    out = fn();
  } catch (error) {
    return onError(error);
  }
  return isThenable<T>(out) ? Promise.resolve(out).catch(onError) : out;
}

/** Resolves once every promise has settled, or after `ms`, whichever comes first. */
export function settledWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([Promise.allSettled(promises).then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/** Resolves true once `promise` settles, or false after `ms` if it has not (never, for an infinite `ms`). */
export function settlesWithin(promise: PromiseLike<unknown>, ms: number): Promise<boolean> {
  const settled = Promise.resolve(promise).then(
    () => true,
    () => true,
  );
  if (!Number.isFinite(ms)) return settled;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `value` itself when it is plain; when it is a promise, one that settles like it or
 * rejects with `timedOut()` after `ms`, whichever comes first.
 */
export function withTimeout<T>(value: MaybePromise<T> | PromiseLike<T>, ms: number, timedOut: () => unknown): MaybePromise<T> {
  if (!isThenable<T>(value)) return value;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  return Promise.race([Promise.resolve(value), timeout]).finally(() => clearTimeout(timer));
}
