import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { asapScheduler } from 'rxjs';
import { z } from 'zod';
import { ModeflowError } from '../../../../lib/errors.ts';
import { executor, type Executor } from '../../../../lib/define/executor.ts';
import { PoolRun } from './pool-run.ts';
import { destroyWorkerPools, sharedPool } from './pools.ts';

/** The bootstrap each thread starts; `npm run build` copies it next to the compiled thread runtime. */
const ENTRY = new URL('../thread/worker-entry.mjs', import.meta.url);
/** The runtime the bootstrap loads: compiled next to compiled code, source next to source. */
const RUNTIME = new URL(import.meta.url.endsWith('.ts') ? '../thread/thread-runtime.ts' : '../thread/thread-runtime.js', import.meta.url);
/** modeflow's public entry beside it, which the bootstrap loads before tsx's hooks when a pipeline module is TypeScript. */
const LIBRARY = new URL(import.meta.url.endsWith('.ts') ? '../../../../lib/index.ts' : '../../../../lib/index.js', import.meta.url);

const workerPoolConfig = z.object({
  maxWorkers: z
    .number()
    .int()
    .positive()
    .default(() => availableParallelism()),
  /** How long a canceled step's compute gets to settle before its thread is terminated. */
  cancelGraceMs: z.number().int().nonnegative().default(1000),
  /**
   * How long the threads stay up, warm, once no run uses them, for the next run with the
   * same `maxWorkers` and `resourceLimits` to reuse. 0: the run gets a pool of its own,
   * shared with no other run and destroyed when the run ends. Idle threads never keep
   * the process alive.
   */
  idleTimeoutMs: z.number().int().nonnegative().default(10_000),
  /** Limits of each worker thread (see node:worker_threads); a thread past them dies, failing its step. */
  resourceLimits: z
    .object({
      maxOldGenerationSizeMb: z.number().positive(),
      maxYoungGenerationSizeMb: z.number().positive(),
      codeRangeSizeMb: z.number().positive(),
      stackSizeMb: z.number().positive(),
    })
    .partial()
    .optional(),
});

const definition = executor({
  name: 'workerPool',
  description: 'each step on a pool of worker threads (piscina); values cross by structured clone',
  config: workerPoolConfig,
  create: (context) => {
    const { config } = context;
    const entry = fileURLToPath(ENTRY);
    if (!existsSync(entry)) {
      throw new ModeflowError(
        `the workerPool executor's thread bootstrap is missing: ${entry}. It is a plain .mjs file that the build ` +
          `copies next to the compiled thread runtime; build with npm run build, or copy modes/executors/worker-pool/thread/worker-entry.mjs there`,
      );
    }
    const settings = {
      maxWorkers: config.maxWorkers,
      resourceLimits: config.resourceLimits,
      entry,
      runtime: RUNTIME.href,
      library: LIBRARY.href,
    };
    // idleTimeoutMs: 0 is a pool of this run's own, as when pools were not shared.
    const pool = new PoolRun(sharedPool(settings, config.idleTimeoutMs > 0), {
      runId: context.runId,
      cancelGraceMs: config.cancelGraceMs,
      idleTimeoutMs: config.idleTimeoutMs,
      report: context.report,
    });
    return {
      // Completions arrive from other threads; the engine's bookkeeping runs on asap.
      scheduler: asapScheduler,
      maxConcurrent: config.maxWorkers,
      cancelGraceMs: config.cancelGraceMs,
      runStep: (request) => pool.runStep(request),
      dispose: () => pool.dispose(),
    };
  },
});

/**
 * Runs each step's compute on a pool of worker threads (piscina), for CPU-heavy solids.
 * Runs with the same `maxWorkers` and `resourceLimits` share one pool of `maxWorkers`
 * threads (default `os.availableParallelism()`): the first run starts it, and it stays up
 * `idleTimeoutMs` (default 10 s) after the last run ends, so that the next run finds its
 * threads started and the pipeline module imported (`idleTimeoutMs: 0`: a pool of the
 * run's own, destroyed when it ends). Idle threads never keep the process alive. A thread
 * imports the pipeline's module (`.ts` through tsx, or compiled `.js`) once, finds the pipeline by name among its exports, and initialises the resources its
 * steps need once per run; they are torn down at the end of that run, in reverse order,
 * and no other run sees them. Values cross by structured clone; mark an output with
 * `transfer()` to move its ArrayBuffers instead. A thread that dies fails its step with a
 * `WorkerCrashedError` (retry policies apply) and is replaced. `destroyPools()` destroys
 * every pool of the process at once (see {@link destroyWorkerPools}).
 *
 * @example
 * execute(p, { runConfig: { execution: { workerPool: { config: { maxWorkers: 4 } } } } });
 *
 * @throws {InvalidDefinitionError} (as the failure of the first step sent to a thread, before
 *   any compute runs) for an input or output schema that no value could cross threads with:
 *   a function, a symbol, a Promise, or an instance of a class of your own
 */
export const workerPoolExecutor: Executor & { readonly destroyPools: () => Promise<void> } = Object.freeze({
  ...definition,
  destroyPools: destroyWorkerPools,
});
