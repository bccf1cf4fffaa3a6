import { listNames } from '../define/definition.ts';
import { exportedPipelines, isPipeline, type Pipeline } from '../define/pipeline.ts';
import { InvalidDefinitionError } from '../errors.ts';
import { loadModule } from '../cli/load-pipeline.ts';
import { ApiError } from './api-error.ts';

/**
 * The pipelines a playground serves, by name: those the files export (`-f FILE`, in the
 * order given) and those passed in code. Two pipelines of one name are refused.
 */
export class PipelineCatalog {
  private readonly byName = new Map<string, { pipeline: Pipeline; source: string }>();

  /**
   * @throws {InvalidDefinitionError} when two sources give a pipeline the same name, or a value is no pipeline
   * @throws {CliError} when a file cannot be found or loaded
   */
  static async load(files: readonly string[], pipelines: readonly Pipeline[]): Promise<PipelineCatalog> {
    const catalog = new PipelineCatalog();
    for (const file of files) {
      for (const pipeline of exportedPipelines(await loadModule(file))) catalog.add(pipeline, file);
    }
    pipelines.forEach((pipeline, i) => {
      if (!isPipeline(pipeline)) throw new InvalidDefinitionError(`startPlayground: pipelines[${i}] is not a pipeline() definition`);
      catalog.add(pipeline, 'the pipelines passed in code');
    });
    return catalog;
  }

  private add(pipeline: Pipeline, source: string): void {
    const known = this.byName.get(pipeline.name);
    if (known?.pipeline === pipeline) return;
    if (known) {
      throw new InvalidDefinitionError(
        `two pipelines are named "${pipeline.name}": one from ${known.source}, one from ${source}; rename one of them`,
      );
    }
    this.byName.set(pipeline.name, { pipeline, source });
  }

  /** Every pipeline, in the order found. */
  all(): Pipeline[] {
    return [...this.byName.values()].map((entry) => entry.pipeline);
  }

  /**
   * The pipeline named `name`.
   *
   * @throws {ApiError} 404 naming the pipelines there are
   */
  get(name: string): Pipeline {
    const found = this.byName.get(name)?.pipeline;
    if (!found) throw new ApiError(404, `no pipeline "${name}"; the playground serves: ${listNames(this.byName.keys())}`);
    return found;
  }

  /**
   * The mode named `name` of `pipeline` (a path segment: unknown is a 404).
   *
   * @throws {ApiError} 404 naming the pipeline's modes
   */
  mode(pipeline: Pipeline, name: string): string {
    if (pipeline.modes.some((m) => m.name === name)) return name;
    throw new ApiError(
      404,
      `pipeline "${pipeline.name}" has no mode "${name}"; its modes are: ${listNames(pipeline.modes.map((m) => m.name))}`,
    );
  }
}
