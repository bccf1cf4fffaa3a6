import { SharedPool, type PoolSettings } from './shared-pool.ts';

/** Live shared pools, by what makes two runs' pools interchangeable. */
const pools = new Map<string, SharedPool>();
/** Pools of one run each (`idleTimeoutMs: 0`), never shared, kept here only for {@link destroyWorkerPools}. */
const privatePools = new Set<SharedPool>();

/**
 * The pool for `settings`: the live shared one, or a new one. With `shared: false`, a new
 * pool of the caller's own, which no other run joins (destroyed when it releases it).
 */
export function sharedPool(settings: PoolSettings, shared = true): SharedPool {
  if (!shared) {
    const own: SharedPool = new SharedPool(settings, () => privatePools.delete(own));
    privatePools.add(own);
    return own;
  }
  const key = JSON.stringify([
    settings.entry,
    settings.runtime,
    settings.maxWorkers,
    Object.entries(settings.resourceLimits ?? {}).sort(([a], [b]) => a.localeCompare(b)),
  ]);
  let pool = pools.get(key);
  if (!pool) {
    const created: SharedPool = new SharedPool(settings, () => {
      if (pools.get(key) === created) pools.delete(key);
    });
    pools.set(key, (pool = created));
  }
  return pool;
}

/**
 * Destroys every workerPool thread pool of this process now, idle or not (steps running
 * on them fail with a `WorkerCrashedError`). Idle pools go away by themselves after their
 * `idleTimeoutMs` and never keep the process alive; this is for tests and for shutting
 * down at a moment of your choosing.
 */
export async function destroyWorkerPools(): Promise<void> {
  await Promise.all([...pools.values(), ...privatePools].map((pool) => pool.destroy()));
}
