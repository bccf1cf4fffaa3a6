/** Pipelines as the playground's API shows them (`GET /api/pipelines`, `GET /api/pipelines/:name`). */
import { stringify } from 'yaml';
import type { GraphNode } from '../define/graph.ts';
import type { Pipeline } from '../define/pipeline.ts';

export interface ModeInfo {
  readonly name: string;
  readonly description: string | null;
  readonly resources: readonly string[];
  readonly executors: readonly string[];
}

export interface PresetInfo {
  readonly name: string;
  /** The preset's mode, or the pipeline's only mode; null when neither says. */
  readonly mode: string | null;
}

/** A preset with what picking it sets (in the pipeline's graph answer). */
export interface PresetDetail extends PresetInfo {
  readonly runConfig: Readonly<Record<string, unknown>>;
  /** `runConfig` as YAML text, for the editor (`{}` when empty). */
  readonly runConfigYaml: string;
  readonly select: string | null;
  readonly tags: Readonly<Record<string, unknown>>;
}

export interface PipelineSummary {
  readonly name: string;
  readonly description: string | null;
  readonly modes: readonly ModeInfo[];
  readonly presets: readonly PresetInfo[];
  /** How many solid invocations the graph has. */
  readonly solids: number;
}

export interface SolidInfo {
  /** The invocation name (an alias, `<name>_N`, or the solid's name). */
  readonly name: string;
  /** The solid definition's name. */
  readonly definition: string;
  readonly description: string | null;
  /** Each input, with the output it is wired to, or null when it comes from run config. */
  readonly inputs: readonly { name: string; from: { solid: string; output: string } | null; collected?: true }[];
  readonly outputs: readonly string[];
  readonly resources: readonly string[];
  /** The composite invocation this solid belongs to, when it is inside one. */
  readonly composite?: string;
}

export interface PipelineGraph {
  readonly name: string;
  readonly description: string | null;
  readonly modes: readonly ModeInfo[];
  readonly presets: readonly PresetDetail[];
  readonly solids: readonly SolidInfo[];
}

/** A pipeline in the list: its modes, presets and size. */
export function pipelineSummary(pipeline: Pipeline): PipelineSummary {
  return {
    name: pipeline.name,
    description: pipeline.description ?? null,
    modes: modesOf(pipeline),
    presets: pipeline.presets.map((p) => ({ name: p.name, mode: presetMode(pipeline, p.mode) })),
    solids: pipeline.nodes.length,
  };
}

/** A pipeline's graph: every solid invocation with its wiring, outputs and resources. */
export function pipelineGraph(pipeline: Pipeline): PipelineGraph {
  return {
    name: pipeline.name,
    description: pipeline.description ?? null,
    modes: modesOf(pipeline),
    presets: pipeline.presets.map((p) => ({
      name: p.name,
      mode: presetMode(pipeline, p.mode),
      runConfig: p.runConfig,
      runConfigYaml: Object.keys(p.runConfig).length === 0 ? '{}\n' : stringify(p.runConfig),
      select: p.select ?? null,
      tags: p.tags,
    })),
    solids: pipeline.nodes.map(solidInfo),
  };
}

function modesOf(pipeline: Pipeline): ModeInfo[] {
  return pipeline.modes.map((m) => ({
    name: m.name,
    description: m.description ?? null,
    resources: Object.keys(m.resources),
    executors: m.executors.map((e) => e.name),
  }));
}

function presetMode(pipeline: Pipeline, mode: string | undefined): string | null {
  return mode ?? (pipeline.modes.length === 1 ? pipeline.modes[0]!.name : null);
}

function solidInfo(node: GraphNode): SolidInfo {
  const solid = node.solid;
  const inputs = Object.keys(solid.inputs).map((name) => {
    const wire = node.inputs[name];
    if (!wire) return { name, from: null };
    return { name, from: { solid: wire.node, output: wire.output }, ...(wire.collected ? { collected: true as const } : {}) };
  });
  // Composites (when the graph has them) mark the solids inside with the composite's name.
  const composite = (node as { readonly composite?: unknown }).composite;
  return {
    name: node.name,
    definition: solid.name,
    description: solid.description ?? null,
    inputs,
    outputs: Object.keys(solid.outputs),
    resources: [...solid.resources],
    ...(typeof composite === 'string' ? { composite } : {}),
  };
}
