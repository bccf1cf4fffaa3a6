/** The served pipelines (the sidebar) and each pipeline's graph, fetched once per page. */
import { signal } from '@preact/signals';
import { api } from '../api/client.ts';
import type { PipelineGraph, PipelineSummary } from '../api/types.ts';
import { buildGraphModel, type GraphModel } from '../graph/graph-model.ts';

export const pipelines = signal<readonly PipelineSummary[] | undefined>(undefined);
export const pipelinesError = signal<string | undefined>(undefined);

/** Loads the pipeline list (again). */
export async function loadPipelines(): Promise<void> {
  try {
    pipelines.value = await api.pipelines();
    pipelinesError.value = undefined;
  } catch (error) {
    pipelinesError.value = (error as Error).message;
  }
}

export interface LoadedPipeline {
  readonly graph: PipelineGraph;
  readonly model: GraphModel;
}

const graphs = new Map<string, Promise<LoadedPipeline>>();

/** A pipeline's graph and its drawable model; fetched once, shared by launchpad and run view. */
export function loadPipeline(name: string): Promise<LoadedPipeline> {
  let loaded = graphs.get(name);
  if (!loaded) {
    loaded = api.pipeline(name).then((graph) => ({ graph, model: buildGraphModel(graph) }));
    loaded.catch(() => graphs.delete(name));
    graphs.set(name, loaded);
  }
  return loaded;
}
