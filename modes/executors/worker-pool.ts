import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { asapScheduler } from 'rxjs';
import { z } from 'zod';
import { ModeflowError } from '../../lib/errors.ts';
import { executor, type ExecutorCreateContext } from '../../lib/executor.ts';
import { assertCrossable, type CrossingNode } from './worker-crossing.ts';
import { PoolRun } from './worker-pool-run.ts';

/** The bootstrap each thread starts; `npm run build` copies it next to the compiled executor. */
const ENTRY = new URL('./worker-entry.mjs', import.meta.url);
/** The runtime the bootstrap loads: compiled next to compiled code, source next to source. */
const RUNTIME = new URL(import.meta.url.endsWith('.ts') ? './worker-runtime.ts' : './worker-runtime.js', import.meta.url);

const workerPoolConfig = z.object({
  maxWorkers: z.number().int().positive().default(() => availableParallelism()),
  /** How long a canceled step's compute gets to settle before its thread is terminated. */
  cancelGraceMs: z.number().int().nonnegative().default(1000),
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

/**
 * What `create` may also receive: the pipeline and the invocations the run executes, so
 * that schemas no value could cross threads with are refused before any step starts.
 * (Without them the worker refuses them when it loads the pipeline, before any compute.)
 */
type PlannedContext = ExecutorCreateContext<z.output<typeof workerPoolConfig>> & {
  readonly pipeline?: { readonly name: string; readonly nodes: readonly CrossingNode[] };
  readonly solids?: readonly string[];
};

/**
 * Runs each step's compute on a pool of worker threads (piscina), for CPU-heavy solids.
 * The pool starts with the run (`maxWorkers` threads, default `os.availableParallelism()`)
 * and is destroyed when the run finalises. A thread imports the pipeline's module (`.ts`
 * through tsx, or compiled `.js`), finds the pipeline by name among its exports, and
 * initialises the resources its steps need once per run; they are torn down at the end of
 * the run, in reverse order. Values cross by structured clone; mark an output with
 * `transfer()` to move its ArrayBuffers instead. A thread that dies fails its step with a
 * `WorkerCrashedError` (retry policies apply) and is replaced.
 *
 * @example
 * execute(p, { runConfig: { execution: { workerPool: { config: { maxWorkers: 4 } } } } });
 *
 * @throws {InvalidDefinitionError} (as the run's failure, before any step) for an input or
 *   output schema that no value could cross threads with: a function, a symbol, a Promise,
 *   or an instance of a class of your own
 */
export const workerPoolExecutor = executor({
  name: 'workerPool',
  description: 'each step on a pool of worker threads (piscina); values cross by structured clone',
  config: workerPoolConfig,
  create: (context: PlannedContext) => {
    const { config } = context;
    if (context.pipeline) {
      const selected = context.solids ? new Set(context.solids) : undefined;
      assertCrossable(context.pipeline.name, context.pipeline.nodes.filter((n) => !selected || selected.has(n.name)));
    }
    const entry = fileURLToPath(ENTRY);
    if (!existsSync(entry)) {
      throw new ModeflowError(
        `the workerPool executor's thread bootstrap is missing: ${entry}. It is a plain .mjs file that the build ` +
          `copies next to the compiled executor; build with npm run build, or copy modes/executors/worker-entry.mjs there`,
      );
    }
    const pool = new PoolRun({
      runId: context.runId,
      maxWorkers: config.maxWorkers,
      cancelGraceMs: config.cancelGraceMs,
      resourceLimits: config.resourceLimits,
      entry,
      runtime: RUNTIME.href,
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
