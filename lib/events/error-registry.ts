import type { SerializedError } from '../errors.ts';

const originals = new WeakMap<object, unknown>();

/** Remembers what a serialized error was thrown as, so `execute` can reject with the real thing. */
export function rememberError(serialized: SerializedError, original: unknown): void {
  originals.set(serialized, original);
}

/**
 * The error a serialised one stands for: the error as thrown, when this process saw it
 * thrown (so `instanceof` works); else an `Error` rebuilt from the serialised form, keeping
 * its name, message, stack and fields. For an executor whose steps fail elsewhere: its
 * `runStep` Observable errors with what this gives.
 *
 * @example
 * subscriber.error(originalError(answer.error)); // answer.error: a SerializedError from a worker
 */
export function originalError(serialized: SerializedError): unknown {
  if (originals.has(serialized)) return originals.get(serialized);
  const { name, message, stack, cause, ...fields } = serialized;
  const error = new Error(message, cause === undefined ? undefined : { cause });
  Object.assign(error, fields);
  Object.defineProperty(error, 'name', { value: name, enumerable: false, configurable: true, writable: true });
  if (stack !== undefined) error.stack = stack;
  return error;
}
