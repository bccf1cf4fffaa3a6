/**
 * The executors-equivalence property's pieces, shared by its in-process file
 * (executors-equivalence.property.test.ts) and the queue's, which needs Redis and worker
 * processes (test/integration/queue-equivalence.property.test.ts): random specs for
 * fixtures/generated-pipelines.ts, running one, and what of a run must not depend on the
 * executor.
 */
import fc from 'fast-check';
import { execute, type RunResult } from '../../lib/index.ts';
import { generatedPipeline, type GenInput, type GenKind, type GenNode, type GenSpec } from '../integration/fixtures/generated-pipelines.ts';

export type { GenSpec } from '../integration/fixtures/generated-pipelines.ts';

const KINDS: readonly GenKind[] = ['value', 'promise', 'observable', 'timer', 'asyncIterable'];

/** Random graph specs: raw input picks are reduced modulo the node's index, so that shrinking stays valid. */
export function specArb(maxNodes: number, maxEmit: number): fc.Arbitrary<GenSpec> {
  const rawInput = fc.record({
    from: fc.nat({ max: 1000 }),
    output: fc.constantFrom('main' as const, 'extra' as const),
    collect: fc.boolean(),
  });
  const rawNode = fc.record({
    inputs: fc.array(rawInput, { maxLength: 3 }),
    kind: fc.constantFrom(...KINDS),
    emit: fc.oneof(
      { arbitrary: fc.constant(1), weight: 3 },
      { arbitrary: fc.constant(0), weight: 1 },
      { arbitrary: fc.integer({ min: 2, max: maxEmit }), weight: 2 },
    ),
    fail: fc.oneof(
      { arbitrary: fc.constant('none' as const), weight: 8 },
      { arbitrary: fc.constant('once' as const), weight: 2 },
      { arbitrary: fc.constant('always' as const), weight: 1 },
    ),
    maxRetries: fc.integer({ min: 0, max: 2 }),
    delayMs: fc.constantFrom(0, 5),
  });
  return fc.array(rawNode, { minLength: 1, maxLength: maxNodes }).map((nodes) => ({
    nodes: nodes.map((n, i): GenNode => ({
      ...n,
      inputs: i === 0 ? [] : n.inputs.map((input): GenInput => ({ ...input, from: input.from % i })),
    })),
  }));
}

/** What must not depend on the executor: status, each solid's status and outputs, the multiset of step events. */
export function summary(spec: GenSpec, result: RunResult) {
  return {
    status: result.status,
    solids: spec.nodes.map((_, i) => {
      const s = result.solid(`n${i}`);
      return { status: s.status, outputs: s.outputs };
    }),
    steps: result.events
      .filter((e) => e.type.startsWith('STEP_'))
      .map((e) => `${e.type} ${(e as { stepKey: string }).stepKey}`)
      .sort(),
  };
}

/** Runs the spec's pipeline with `execution` as the run config's executor choice. */
export function runOn(spec: GenSpec, execution: Record<string, unknown>): Promise<RunResult> {
  return execute(generatedPipeline(spec), { runConfig: { execution }, raiseOnError: false });
}
