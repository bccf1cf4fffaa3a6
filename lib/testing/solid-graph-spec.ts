/**
 * The plain-data description of a generated solid graph, and the arbitrary of those
 * descriptions. A spec is JSON: a worker thread rebuilds the same pipeline from it.
 */
import fc from 'fast-check';

/**
 * How a generated compute hands back its values: synchronously, as a Promise (resolved,
 * or after a real 0 ms timer: `delay`), as an Observable (`of`, or RxJS timers on
 * `ctx.scheduler`: `timer`) or as an AsyncIterable.
 */
export type ComputeKind = 'value' | 'promise' | 'delay' | 'observable' | 'timer' | 'asyncIterable';

/** Every compute kind. */
export const COMPUTE_KINDS: readonly ComputeKind[] = Object.freeze(['value', 'promise', 'delay', 'observable', 'timer', 'asyncIterable']);

/** How a generated resource is made and torn down (`slowGenerator` waits a real 1 ms at each end). */
export type ResourceKind = 'value' | 'promise' | 'asyncGenerator' | 'slowGenerator';

/** Every resource kind. */
export const RESOURCE_KINDS: readonly ResourceKind[] = Object.freeze(['value', 'promise', 'asyncGenerator', 'slowGenerator']);

/** One input of a generated solid: an output of an earlier solid, maybe collected. */
export interface InputSpec {
  /** Index of the solid it comes from (always an earlier one). */
  readonly from: number;
  /** `result` with one output; `main` or `extra` with several. */
  readonly output: string;
  /** Wired with `.collect()`: every value of that solid's steps, as one array. */
  readonly collect: boolean;
}

/** One generated solid, `n<index>`. */
export interface SolidSpec {
  readonly inputs: readonly InputSpec[];
  readonly kind: ComputeKind;
  /** How many values `main` (or `result`) emits per step: 0 (not produced), 1, or more (a fan-out). */
  readonly emit: number;
  /** With several outputs: `extra` is emitted with the first value (else never: an optional output). */
  readonly extra: boolean;
  /** `once` fails the first attempt only. */
  readonly fail: 'none' | 'once' | 'always';
  readonly retry: { readonly maxRetries: number; readonly delayMs: number } | undefined;
  /** Indexes of the resources it requires. */
  readonly resources: readonly number[];
}

/** One generated resource, `res<index>`. */
export interface ResourceSpec {
  /** Indexes of earlier resources it depends on. */
  readonly deps: readonly number[];
  readonly kind: ResourceKind;
}

/** A generated graph: its solids in call order, and the resources of its mode. */
export interface SolidGraphSpec {
  /** Solids have outputs `main` and `extra` (else one output, `result`). */
  readonly multipleOutputs: boolean;
  readonly solids: readonly SolidSpec[];
  readonly resources: readonly ResourceSpec[];
}

/** What {@link solidGraphArbitrary} generates: the size of the graphs and the features in them. */
export interface SolidGraphShapeOptions {
  /** Default 1. */
  readonly minSolids?: number;
  /** Default 8. */
  readonly maxSolids?: number;
  /** Inputs per solid, at most (default 3). */
  readonly maxInputs?: number;
  /** `dag` (default): inputs from any earlier solids; `chain`: each from the one before; `fan`: all from the first. */
  readonly shape?: 'dag' | 'chain' | 'fan';
  /** Compute kinds to draw from (default all). */
  readonly kinds?: readonly ComputeKind[];
  /** Outputs emitted 0, 1 or several times (fan-out), and inputs wired with `collect()`. Default false. */
  readonly fanOut?: boolean;
  /** At most this many values per fanned output (default 3). */
  readonly maxFanOut?: number;
  /** Solids with two outputs, `main` and an optional `extra`. Default false. */
  readonly multipleOutputs?: boolean;
  /** Solids that throw: true for about one in 6, or a number N for about one in N. Default false. */
  readonly failures?: boolean | number;
  /** Retry policies (and solids that fail once, then succeed). Default false. */
  readonly retries?: boolean;
  /** At most this many resources, each depending on earlier ones, required by the solids. Default 0. */
  readonly maxResources?: number;
  /** Resource kinds to draw from (default all). */
  readonly resourceKinds?: readonly ResourceKind[];
}

/** Raw picks are reduced modulo the number of candidates, so that shrinking stays valid. */
const picks = (maxLength: number) => fc.uniqueArray(fc.nat({ max: 1000 }), { maxLength });

function reduce(raw: readonly number[], candidates: number): number[] {
  const out: number[] = [];
  if (candidates === 0) return out;
  for (const r of raw) if (!out.includes(r % candidates)) out.push(r % candidates);
  return out;
}

/** A value that is mostly `usual` and shrinks to it. */
function mostly<T>(usual: T, rare: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: fc.constant(usual), weight: Math.max(1, oneIn - 1) }, { arbitrary: rare, weight: 1 });
}

/** The arbitrary of specs for `options`; every spec it gives is valid as it is (see normalise). */
export function specArbitrary(options: SolidGraphShapeOptions): fc.Arbitrary<SolidGraphSpec> {
  const multipleOutputs = options.multipleOutputs ?? false;
  const fanOut = options.fanOut ?? false;
  const failOneIn = options.failures === true ? 6 : typeof options.failures === 'number' ? options.failures : 0;
  const maxResources = options.maxResources ?? 0;
  const fails: fc.Arbitrary<SolidSpec['fail']> =
    failOneIn === 0 && !options.retries
      ? fc.constant('none')
      : mostly<SolidSpec['fail']>(
          'none',
          options.retries && failOneIn > 0 ? fc.constantFrom('once', 'always') : fc.constant(options.retries ? 'once' : 'always'),
          failOneIn || 4,
        );
  const rawSolid = fc.record({
    inputs: fc.array(fc.record({ from: fc.nat({ max: 1000 }), extra: fc.boolean(), collect: fc.boolean() }), {
      maxLength: options.maxInputs ?? 3,
    }),
    kind: fc.constantFrom(...(options.kinds ?? COMPUTE_KINDS)),
    emit: fanOut
      ? fc.oneof(
          { arbitrary: fc.constant(1), weight: 3 },
          { arbitrary: fc.constant(0), weight: 1 },
          { arbitrary: fc.integer({ min: 2, max: Math.max(2, options.maxFanOut ?? 3) }), weight: 2 },
        )
      : fc.constant(1),
    extra: multipleOutputs ? fc.boolean() : fc.constant(false),
    fail: fails,
    retry: options.retries
      ? fc.option(fc.record({ maxRetries: fc.integer({ min: 0, max: 2 }), delayMs: fc.constantFrom(0, 5) }), { nil: undefined })
      : fc.constant(undefined),
    resources: picks(maxResources === 0 ? 0 : 3),
  });
  const rawResource = fc.record({ deps: picks(3), kind: fc.constantFrom(...(options.resourceKinds ?? RESOURCE_KINDS)) });
  return fc
    .record({
      resources: fc.array(rawResource, { maxLength: maxResources }),
      solids: fc.array(rawSolid, { minLength: options.minSolids ?? 1, maxLength: options.maxSolids ?? 8 }),
    })
    .map(({ resources, solids }) => normalise(resources, solids, options, multipleOutputs, fanOut));
}

type RawSolid = Omit<SolidSpec, 'inputs' | 'resources'> & {
  readonly inputs: readonly { readonly from: number; readonly extra: boolean; readonly collect: boolean }[];
  readonly resources: readonly number[];
};

/**
 * Raw picks → a spec the expected run can be computed for: inputs come from earlier
 * solids, and inputs whose fan-outs come from different origins (a run-time error, which
 * the engine reports) are collected instead, so that every generated graph runs.
 */
function normalise(
  resources: readonly { readonly deps: readonly number[]; readonly kind: ResourceKind }[],
  raw: readonly RawSolid[],
  options: SolidGraphShapeOptions,
  multipleOutputs: boolean,
  fanOut: boolean,
): SolidGraphSpec {
  const solids: SolidSpec[] = [];
  const lineages: number[][] = [];
  raw.forEach((r, i) => {
    const wanted =
      i === 0
        ? []
        : options.shape === 'chain'
          ? [{ ...(r.inputs[0] ?? { extra: false, collect: false }), from: i - 1 }]
          : options.shape === 'fan'
            ? [{ ...(r.inputs[0] ?? { extra: false, collect: false }), from: 0 }]
            : r.inputs.map((input) => ({ ...input, from: input.from % i }));
    const inputs: InputSpec[] = [];
    let lineage: number[] = [];
    for (const w of wanted) {
      let input: InputSpec = {
        from: w.from,
        output: multipleOutputs ? (w.extra ? 'extra' : 'main') : 'result',
        collect: fanOut && w.collect,
      };
      let line = inputLineage(input, solids, lineages);
      if (!onOneLine(line, lineage)) {
        input = { ...input, collect: true };
        line = [];
      }
      if (line.length > lineage.length) lineage = line;
      inputs.push(input);
    }
    lineages.push(lineage);
    solids.push({
      inputs,
      kind: r.kind,
      emit: r.emit,
      extra: r.extra,
      fail: r.fail,
      retry: r.retry,
      resources: reduce(r.resources, resources.length),
    });
  });
  return {
    multipleOutputs,
    solids,
    resources: resources.map((r, j) => ({ deps: reduce(r.deps, j), kind: r.kind })),
  };
}

/** How many values a step of `solid` emits on `output`. */
export function emitted(solid: SolidSpec, output: string): number {
  return output === 'extra' ? (solid.extra && solid.emit > 0 ? 1 : 0) : solid.emit;
}

/**
 * The fan-out origins a step receiving `input` lives under (its path, structurally): the
 * producer's, plus the producer itself when that output emits several values; none for
 * a collected input.
 */
export function inputLineage(input: InputSpec, solids: readonly SolidSpec[], lineages: readonly (readonly number[])[]): number[] {
  if (input.collect) return [];
  const from = lineages[input.from]!;
  return emitted(solids[input.from]!, input.output) > 1 ? [...from, input.from] : [...from];
}

/** One lineage is a prefix of the other: the engine joins such inputs (broadcast, pairing). */
function onOneLine(a: readonly number[], b: readonly number[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A spec in one line per solid, for counterexamples. */
export function describeSpec(spec: SolidGraphSpec): string {
  const solids = spec.solids.map((s, i) => {
    const inputs = s.inputs.map(
      (input) => `n${input.from}${spec.multipleOutputs ? `.${input.output}` : ''}${input.collect ? '.collect()' : ''}`,
    );
    const parts = [`n${i}(${inputs.join(', ')})`, s.kind];
    if (s.emit !== 1) parts.push(`emits ${s.emit}`);
    if (s.extra) parts.push('+extra');
    if (s.fail !== 'none') parts.push(`fails ${s.fail}`);
    if (s.retry) parts.push(`retry ${s.retry.maxRetries}×${s.retry.delayMs}ms`);
    if (s.resources.length) parts.push(`uses ${s.resources.map((r) => `res${r}`).join(' ')}`);
    return parts.join(' ');
  });
  const resources = spec.resources.map((r, j) => `res${j}${r.deps.length ? `(${r.deps.map((d) => `res${d}`).join(' ')})` : ''} ${r.kind}`);
  return [...solids, ...resources].join('; ');
}
