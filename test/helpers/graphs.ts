/** Running the testing toolkit's random graphs, for the properties that compare executors. */
import { expect } from 'vitest';
import { execute, type Executor, type RunResult } from '../../lib/index.ts';
import type { SolidGraph } from '../../lib/testing/index.ts';

/** What of a graph's run must not depend on the executor: status, each solid's status and outputs, the multiset of step events. */
export function graphSummary(g: SolidGraph, result: RunResult) {
  const names = Object.keys(g.expected.solids);
  return {
    status: result.status,
    solids: Object.fromEntries(names.map((s) => [s, result.solid(s).status])),
    outputs: Object.fromEntries(names.map((s) => [s, result.solid(s).outputs])),
    steps: result.events
      .filter((e) => e.type.startsWith('STEP_'))
      .map((e) => `${e.type} ${(e as { stepKey: string }).stepKey}`)
      .sort(),
  };
}

/** Runs graph `g` (its mode's first executor unless `execution` picks one), never throwing on failure. */
export function runGraph(g: SolidGraph, execution?: Record<string, unknown>): Promise<RunResult> {
  const runConfig = execution ? { ...g.runConfig, execution } : g.runConfig;
  return execute(g.pipeline, { mode: g.mode, runConfig, raiseOnError: false });
}

/** The run on the sync executor, checked against the direct evaluation (`g.expected`); its summary. */
export async function referenceRun(g: SolidGraph): Promise<ReturnType<typeof graphSummary>> {
  const expected = graphSummary(g, await runGraph(g, { sync: {} }));
  expect({ status: expected.status, solids: expected.solids, outputs: expected.outputs }).toEqual({
    status: g.expected.status,
    solids: g.expected.solids,
    outputs: g.expected.outputs,
  });
  return expected;
}

/** Graph `g` run by `executor` (first in its mode) with `config`. */
export const onExecutor = (g: SolidGraph, executor: Executor, config: unknown): Promise<RunResult> =>
  runGraph(g.withExecutor(executor, config));
