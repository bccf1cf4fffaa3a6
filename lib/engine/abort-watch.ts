/**
 * Runs sharing one `options.signal` share one 'abort' listener on it: a thousand concurrent
 * runs would otherwise add a thousand listeners (Node warns past ten, as for a leak). Each
 * run adds its callback and removes it when it ends; the listener goes with the last one.
 */

interface Watchers {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const bySignal = new WeakMap<AbortSignal, Watchers>();

/**
 * Calls `callback` once when `signal` aborts; returns the function that stops watching.
 * The signal must not be aborted yet (check `signal.aborted` first).
 */
export function watchAbort(signal: AbortSignal, callback: () => void): () => void {
  let watchers = bySignal.get(signal);
  if (!watchers) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      bySignal.delete(signal);
      for (const call of [...callbacks]) call();
      callbacks.clear();
    };
    watchers = { callbacks, listener };
    bySignal.set(signal, watchers);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener } = watchers;
  callbacks.add(callback);
  return () => {
    if (!callbacks.delete(callback) || callbacks.size > 0) return;
    signal.removeEventListener('abort', listener);
    if (bySignal.get(signal) === watchers) bySignal.delete(signal);
  };
}
