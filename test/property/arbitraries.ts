import fc from 'fast-check';

/**
 * How a generated compute hands back its value: synchronously, as a Promise (microtask
 * or timer), as an Observable (`of` or an rxjs `timer`), or as an AsyncIterable.
 */
export type ComputeKind = 'value' | 'promise' | 'delay' | 'observable' | 'timer' | 'asyncIterable';

export const ALL_KINDS: readonly ComputeKind[] = ['value', 'promise', 'delay', 'observable', 'timer', 'asyncIterable'];
/** Kinds that leave the run in flight between steps. */
export const ASYNC_KINDS: readonly ComputeKind[] = ['delay', 'timer', 'asyncIterable'];

/** How a generated resource is made and torn down. */
export type ResourceKind = 'value' | 'promise' | 'asyncGenerator' | 'slowGenerator';

export const ALL_RESOURCE_KINDS: readonly ResourceKind[] = ['value', 'promise', 'asyncGenerator', 'slowGenerator'];

export interface NodeSpec {
  /** Indexes of earlier nodes this one takes as inputs, in input order. */
  readonly deps: readonly number[];
  readonly kind: ComputeKind;
  /** The compute throws (or rejects, or errors). */
  readonly fail: boolean;
  /** Indexes of the resources the solid requires. */
  readonly resources: readonly number[];
}

export interface ResourceSpec {
  /** Indexes of earlier resources this one depends on. */
  readonly deps: readonly number[];
  readonly kind: ResourceKind;
}

/** A random DAG of solids, plus the resources of its mode. */
export interface DagSpec {
  readonly nodes: readonly NodeSpec[];
  readonly resources: readonly ResourceSpec[];
}

export type ExecutorChoice = { readonly kind: 'sync' } | { readonly kind: 'async'; readonly maxConcurrent: number };

export interface DagOptions {
  readonly minNodes?: number;
  readonly maxNodes?: number;
  /** At most this many inputs per node. */
  readonly maxDeps?: number;
  readonly kinds?: readonly ComputeKind[];
  /** Inject failures (about one node in `failOneIn`). */
  readonly failures?: boolean;
  readonly failOneIn?: number;
  readonly maxResources?: number;
  readonly resourceKinds?: readonly ResourceKind[];
}

/** Raw picks are reduced modulo the number of candidates, so that shrinking stays valid. */
const rawIndexes = (maxLength: number) => fc.uniqueArray(fc.nat({ max: 1000 }), { maxLength });

function reduce(raw: readonly number[], candidates: number): number[] {
  if (candidates === 0) return [];
  const out: number[] = [];
  for (const r of raw) {
    const i = r % candidates;
    if (!out.includes(i)) out.push(i);
  }
  return out;
}

/** A boolean that is mostly false and shrinks to false. */
function rarely(oneIn: number): fc.Arbitrary<boolean> {
  return fc.oneof({ arbitrary: fc.constant(false), weight: oneIn - 1 }, { arbitrary: fc.constant(true), weight: 1 });
}

/** Random DAGs: node i takes a random subset of nodes 0 … i-1 as named inputs. */
export function dagArb(options: DagOptions = {}): fc.Arbitrary<DagSpec> {
  const kinds = options.kinds ?? ALL_KINDS;
  const maxResources = options.maxResources ?? 0;
  const rawNode = fc.record({
    deps: rawIndexes(options.maxDeps ?? 4),
    kind: fc.constantFrom(...kinds),
    fail: options.failures ? rarely(options.failOneIn ?? 6) : fc.constant(false),
    resources: rawIndexes(maxResources === 0 ? 0 : 3),
  });
  const rawResource = fc.record({
    deps: rawIndexes(3),
    kind: fc.constantFrom(...(options.resourceKinds ?? ALL_RESOURCE_KINDS)),
  });
  return fc
    .record({
      resources: fc.array(rawResource, { maxLength: maxResources }),
      nodes: fc.array(rawNode, { minLength: options.minNodes ?? 1, maxLength: options.maxNodes ?? 30 }),
    })
    .map(({ resources, nodes }) => ({
      resources: resources.map((r, j) => ({ deps: reduce(r.deps, j), kind: r.kind })),
      nodes: nodes.map((n, i) => ({
        deps: reduce(n.deps, i),
        kind: n.kind,
        fail: n.fail,
        resources: reduce(n.resources, resources.length),
      })),
    }));
}

/** sync, or async with a random `maxConcurrent`. */
export const executorArb: fc.Arbitrary<ExecutorChoice> = fc.oneof(
  fc.constant({ kind: 'sync' as const }),
  fc.integer({ min: 1, max: 4 }).map((maxConcurrent) => ({ kind: 'async' as const, maxConcurrent })),
);

/** The async executor with a random `maxConcurrent`. */
export const asyncExecutorArb: fc.Arbitrary<{ readonly kind: 'async'; readonly maxConcurrent: number }> = fc
  .integer({ min: 1, max: 6 })
  .map((maxConcurrent) => ({ kind: 'async' as const, maxConcurrent }));

/** One link of a mapped chain: `x → x * mul + add`. */
export interface MapSpec {
  readonly mul: number;
  readonly add: number;
  readonly kind: ComputeKind;
}

/** A source emitting `values`, a chain of maps over each, and a collect() at the end. */
export interface FanOutSpec {
  readonly values: readonly number[];
  /** `of(...values)`, or one rxjs timer per value. */
  readonly sourceKind: 'of' | 'timer';
  readonly chain: readonly MapSpec[];
}

export const fanOutArb: fc.Arbitrary<FanOutSpec> = fc.record({
  values: fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 12 }),
  sourceKind: fc.constantFrom('of' as const, 'timer' as const),
  chain: fc.array(
    fc.record({
      mul: fc.integer({ min: -3, max: 3 }),
      add: fc.integer({ min: -10, max: 10 }),
      kind: fc.constantFrom(...ALL_KINDS),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});
