/**
 * Random pipelines of generated solids, each with what a correct engine must produce:
 * the engine's own property tests run on these, and a user's executor or operator can.
 */
import fc from 'fast-check';
import { defaultExecutors } from '../built-ins.ts';
import type { Executor } from '../define/executor.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { memoryLogger, type MemoryLogger } from '../../modes/loggers/memory.ts';
import { expectedRun, type ExpectedRun } from './solid-graph-expected.ts';
import { GRAPH_MODE, graphPipeline, journals, type GraphJournal, type Journals } from './solid-graph-pipeline.ts';
import { describeSpec, specArbitrary, type SolidGraphShapeOptions, type SolidGraphSpec } from './solid-graph-spec.ts';

/** What {@link solidGraphArbitrary} takes: the graphs' size and features, and how they run. */
export interface SolidGraphOptions extends SolidGraphShapeOptions {
  /** Put this executor first in the graphs' mode (so it runs them), with `executorConfig`. Default: the mode's defaults, sync first. */
  readonly executor?: Executor;
  /** `execution.<executor>.config` in the graphs' run config. */
  readonly executorConfig?: unknown;
}

/** One generated graph: run `pipeline` in `mode` with `runConfig`, and compare with `expected`. */
export interface SolidGraph {
  readonly pipeline: Pipeline;
  /** The mode to run it in (its only one). */
  readonly mode: string;
  /** Run config: the memory sink at `info`, and the executor when one was given. */
  readonly runConfig: Readonly<Record<string, unknown>>;
  /** What a correct engine gives: `{ status, outputs, solids, resources }`. */
  readonly expected: ExpectedRun;
  /** The graph as plain data (JSON). */
  readonly spec: SolidGraphSpec;
  /** The mode's only logger sink (quiet): every record of every run of this graph. */
  readonly memory: MemoryLogger;
  /** What the computes and resources did in run `runId` (run in this process; empty for other threads). */
  journal(runId: string): GraphJournal;
  /**
   * The same graph run by `executor` (first in the mode, with `config`), sharing the
   * journal and sink: for an executor made per run, such as `scheduledExecutor(s)`.
   */
  withExecutor(executor: Executor, config?: unknown): SolidGraph;
}

/**
 * Random pipelines of generated solids — chains, fans and DAGs of solids whose computes
 * return values, Promises, Observables (also on `ctx.scheduler`) or AsyncIterables; with
 * options, multiple and optional outputs, fan-out and `collect()`, failures, retries, and
 * resources with dependencies — each with `expected`, what a correct engine must give,
 * by direct evaluation. Solids are `n0`, `n1`, … (inputs `in0`, …; outputs `result`, or
 * `main` and `extra`), resources `res0`, …; a counterexample prints as one line per solid.
 * Workers rebuild the same pipeline from its module URL, so every executor can run it.
 *
 * @example
 * fc.assert(fc.asyncProperty(solidGraphArbitrary({ fanOut: true, failures: true }), async (g) => {
 *   const result = await execute(g.pipeline, { mode: g.mode, runConfig: g.runConfig, raiseOnError: false });
 *   expect(result.status).toBe(g.expected.status);
 *   for (const [solid, outputs] of Object.entries(g.expected.outputs)) expect(result.solid(solid).outputs).toEqual(outputs);
 * }));
 */
export function solidGraphArbitrary(options: SolidGraphOptions = {}): fc.Arbitrary<SolidGraph> {
  return specArbitrary(options).map((spec) => makeGraph(spec, journals(), memoryLogger(), options.executor, options.executorConfig));
}

function makeGraph(
  spec: SolidGraphSpec,
  journal: Journals,
  memory: MemoryLogger,
  executor: Executor | undefined,
  executorConfig: unknown,
): SolidGraph {
  const executors = executor ? [executor, ...defaultExecutors.filter((e) => e.name !== executor.name)] : undefined;
  const pipeline = graphPipeline(spec, journal, { loggers: { memory }, ...(executors ? { executors } : {}) });
  const runConfig: Record<string, unknown> = { loggers: { memory: { config: { level: 'info' } } } };
  if (executor) runConfig['execution'] = { [executor.name]: executorConfig === undefined ? {} : { config: executorConfig } };
  const expected = expectedRun(spec);
  return {
    pipeline,
    mode: GRAPH_MODE,
    runConfig,
    expected,
    spec,
    memory,
    journal,
    withExecutor: (other, config) => makeGraph(spec, journal, memory, other, config),
    [fc.toStringMethod]: () => `solidGraph(${describeSpec(spec)})`,
  } as SolidGraph;
}
