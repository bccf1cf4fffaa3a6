/**
 * The pipeline of a generated solid graph, built from its spec — the same in every
 * thread: its `module` is this file's URL with the spec in the query string, so that a
 * worker importing that URL gets a fresh instance of this module whose `generated`
 * export is the same pipeline.
 */
import { concat, defer, from, ignoreElements, interval, map, of, take, throwError, timer, type Observable } from 'rxjs';
import { z } from 'zod';
import type { Executor } from '../define/executor.ts';
import type { OutputHandle } from '../define/handle.ts';
import type { Logger } from '../define/logger.ts';
import { mode as makeMode } from '../define/mode.ts';
import { pipeline, type Pipeline } from '../define/pipeline.ts';
import { resource, type Resource } from '../define/resource.ts';
import { solid } from '../define/solid.ts';
import type { SolidContext } from '../define/solid-types.ts';
import { extraValue, mainValues } from './solid-graph-expected.ts';
import type { ComputeKind, ResourceSpec, SolidGraphSpec, SolidSpec } from './solid-graph-spec.ts';
// Modes made here default to the built-ins, as everywhere.
import '../built-ins.ts';

/** The name of every generated pipeline, and of its mode. */
export const GRAPH_PIPELINE = 'solid_graph';
export const GRAPH_MODE = 'generated';

/** What a generated graph's computes and resources did in one run, in this process. */
export interface GraphJournal {
  /** Compute calls per step key (retries call it again). */
  readonly calls: Record<string, number>;
  /** When each compute was called (`start`) and handed back its values or error (`end`), in order. */
  readonly trace: { readonly solid: string; readonly stepKey: string; readonly phase: 'start' | 'end' }[];
  /** Resource inits and teardowns, in order. */
  readonly resources: { readonly op: 'init' | 'teardown'; readonly key: string }[];
}

/** Journals by run id: what the computes and resources record into. */
export type Journals = (runId: string) => GraphJournal;

/** A journal store for one graph (a run id gets its journal on first use). */
export function journals(): Journals {
  const byRun = new Map<string, GraphJournal>();
  return (runId) => {
    let journal = byRun.get(runId);
    if (!journal) byRun.set(runId, (journal = { calls: {}, trace: [], resources: [] }));
    return journal;
  };
}

/** What the pipeline's mode holds besides the generated resources. */
export interface GraphModeParts {
  readonly executors?: readonly Executor[];
  readonly loggers?: Readonly<Record<string, Logger>>;
}

/** The pipeline of `spec`, recording into `journal`. */
export function graphPipeline(spec: SolidGraphSpec, journal: Journals, parts: GraphModeParts = {}): Pipeline {
  const resources = Object.fromEntries(spec.resources.map((r, j) => [`res${j}`, makeResource(j, r, journal)]));
  const outputs = spec.multipleOutputs ? { main: z.number(), extra: z.number() } : undefined;
  const solids = spec.solids.map((s, i) =>
    solid({
      name: `n${i}`,
      inputs: Object.fromEntries(s.inputs.map((input, k) => [`in${k}`, input.collect ? z.array(z.number()) : z.number()])),
      ...(outputs ? { outputs } : { output: z.number() }),
      resources: s.resources.map((j) => `res${j}`),
      ...(s.retry ? { retry: s.retry } : {}),
      compute: (ctx: SolidContext, inputs: Record<string, unknown>) => compute(i, s, spec.multipleOutputs, ctx, inputs, journal),
    } as never),
  );
  return pipeline({
    name: GRAPH_PIPELINE,
    module: `${import.meta.url.split('?')[0]}?spec=${encodeURIComponent(JSON.stringify(spec))}`,
    modes: [
      makeMode({
        name: GRAPH_MODE,
        resources,
        ...(parts.loggers ? { loggers: parts.loggers } : {}),
        ...(parts.executors ? { executors: parts.executors } : {}),
      }),
    ],
    graph: () => {
      const handles: Record<string, OutputHandle<number>>[] = [];
      spec.solids.forEach((s, i) => {
        const wires = Object.fromEntries(
          s.inputs.map((input, k) => {
            const handle = handles[input.from]![input.output]!;
            return [`in${k}`, input.collect ? handle.collect() : handle];
          }),
        );
        const invoked = (solids[i] as unknown as (wires: object) => unknown)(wires);
        handles.push(
          spec.multipleOutputs ? (invoked as Record<string, OutputHandle<number>>) : { result: invoked as OutputHandle<number> },
        );
      });
    },
  });
}

interface Keyed {
  readonly key: string;
}

function compute(
  index: number,
  s: SolidSpec,
  multiple: boolean,
  ctx: SolidContext,
  inputs: Record<string, unknown>,
  journal: Journals,
): unknown {
  const record = journal(ctx.runId);
  const mark = (phase: 'start' | 'end') => record.trace.push({ solid: ctx.solid, stepKey: ctx.stepKey, phase });
  record.calls[ctx.stepKey] = (record.calls[ctx.stepKey] ?? 0) + 1;
  mark('start');
  for (const j of s.resources) {
    const got = (ctx.resources as Record<string, Keyed | undefined>)[`res${j}`];
    if (got?.key !== `res${j}`) throw new Error(`n${index} got ${JSON.stringify(got)} for resource res${j}`);
  }
  const failed = s.fail === 'always' || (s.fail === 'once' && ctx.attempt === 1);
  const main = mainValues(
    index,
    s,
    s.inputs.map((_, k) => inputs[`in${k}`]),
  );
  // A failing attempt emits nothing: what a failed step leaves is then only its error.
  const values: unknown[] = failed
    ? []
    : multiple
      ? main.map((m, k) => (k === 0 && s.extra ? { main: m, extra: extraValue(m) } : { main: m }))
      : main;
  const error = failed ? new Error(`n${index} fails on attempt ${ctx.attempt}`) : undefined;
  return deliver(s.kind, values, error, ctx, () => mark('end'));
}

/** Hands `values` (or `error`) back the way `kind` says, calling `ended` as it does. */
function deliver(kind: ComputeKind, values: readonly unknown[], error: Error | undefined, ctx: SolidContext, ended: () => void): unknown {
  switch (kind) {
    case 'value':
      ended();
      if (error) throw error;
      return values.length === 1 ? values[0] : from(values);
    case 'promise':
      if (values.length !== 1 && !error) return iterate(values, undefined, ended, 0, ctx.signal);
      return Promise.resolve().then(() => {
        ended();
        if (error) throw error;
        return values[0];
      });
    case 'delay':
      return iterate(values, error, ended, 1, ctx.signal);
    case 'observable':
      return defer(() => {
        ended();
        return error ? throwError(() => error) : of(...values);
      });
    case 'timer': {
      const ticks: Observable<unknown> = values.length
        ? interval(1, ctx.scheduler).pipe(
            take(values.length),
            map((k) => {
              if (k === values.length - 1 && !error) ended();
              return values[k];
            }),
          )
        : timer(1, ctx.scheduler).pipe(ignoreElements());
      return concat(
        ticks,
        defer(() => {
          if (error || values.length === 0) ended();
          return error ? throwError(() => error) : of();
        }),
      );
    }
    case 'asyncIterable':
      return iterate(values, error, ended, 0, ctx.signal);
  }
}

/** An AsyncIterable of `values` (then `error`), each after a microtask, or a real `ms` timer. */
async function* iterate(
  values: readonly unknown[],
  error: Error | undefined,
  ended: () => void,
  ms: number,
  signal: AbortSignal,
): AsyncGenerator<unknown> {
  for (const value of values) {
    await pause(ms, signal);
    yield value;
  }
  await pause(ms, signal);
  ended();
  if (error) throw error;
}

/** A microtask (0) or a real timer, ended early by a cancel. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timeout);
      reject(signal.reason);
    };
    const timeout = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function makeResource(j: number, spec: ResourceSpec, journal: Journals): Resource<Keyed> {
  const key = `res${j}`;
  const deps = spec.deps.map((d) => `res${d}`);
  const check = (resources: Readonly<Record<string, unknown>>) => {
    for (const d of deps) {
      if ((resources[d] as Keyed | undefined)?.key !== d) throw new Error(`resource ${key} got ${JSON.stringify(resources[d])} for ${d}`);
    }
  };
  const options = { description: `generated resource ${key} (${spec.kind})`, resources: deps };
  switch (spec.kind) {
    case 'value':
      return resource<Keyed, undefined, readonly string[]>({
        ...options,
        init: ({ resources, runId }) => {
          check(resources);
          journal(runId).resources.push({ op: 'init', key });
          return { key, [Symbol.dispose]: () => void journal(runId).resources.push({ op: 'teardown', key }) } as Keyed;
        },
      });
    case 'promise':
      return resource<Keyed, undefined, readonly string[]>({
        ...options,
        init: async ({ resources, runId }) => {
          await Promise.resolve();
          check(resources);
          journal(runId).resources.push({ op: 'init', key });
          return { key, [Symbol.asyncDispose]: async () => void journal(runId).resources.push({ op: 'teardown', key }) } as Keyed;
        },
      });
    case 'asyncGenerator':
    case 'slowGenerator': {
      const slow = spec.kind === 'slowGenerator';
      return resource<Keyed, undefined, readonly string[]>({
        ...options,
        init: async function* ({ resources, runId }) {
          if (slow) await sleep(1);
          check(resources);
          journal(runId).resources.push({ op: 'init', key });
          try {
            yield { key };
          } finally {
            if (slow) await sleep(1);
            journal(runId).resources.push({ op: 'teardown', key });
          }
        },
      });
    }
  }
}

const encoded = new URL(import.meta.url).searchParams.get('spec');
/** In a thread that imported this module with `?spec=`, the pipeline of that spec. */
export const generated: Pipeline | undefined = encoded ? graphPipeline(JSON.parse(encoded) as SolidGraphSpec, journals()) : undefined;
