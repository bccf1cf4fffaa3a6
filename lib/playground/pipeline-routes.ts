/** The pipeline half of the API: list, graph, a mode's JSON Schema and scaffold, and validate. */
import type { Hono } from 'hono';
import type { Pipeline } from '../define/pipeline.ts';
import { runConfigJsonSchema } from '../config/run-config-json-schema.ts';
import { InvalidConfigError, InvalidSubsetError, InvariantViolationError } from '../errors.ts';
import { scaffoldConfig } from '../cli/scaffold-config.ts';
import { ApiError } from './api-error.ts';
import { pipelineGraph, pipelineSummary } from './describe-pipeline.ts';
import type { PipelineCatalog } from './pipeline-catalog.ts';
import { readBody, validateBody } from './request-body.ts';
import { checkRun, readRunRequest } from './run-request.ts';

export function pipelineRoutes(app: Hono, catalog: PipelineCatalog): void {
  app.get('/api/pipelines', (c) => c.json(catalog.all().map(pipelineSummary)));

  app.get('/api/pipelines/:name', (c) => c.json(pipelineGraph(catalog.get(c.req.param('name')))));

  // A mode's schema is built once per pipeline, mode and selection: for 1,000 solids it
  // takes ~0.25 s (and its scaffold as long), and the page asks again at each mode switch.
  const schemas = new SchemaCache();

  app.get('/api/pipelines/:name/modes/:mode/schema', (c) => {
    const pipeline = catalog.get(c.req.param('name'));
    const mode = catalog.mode(pipeline, c.req.param('mode'));
    const entry = schemas.get(pipeline, mode, c.req.query('select') || undefined);
    return c.body((entry.json ??= JSON.stringify(entry.schema)), 200, { 'Content-Type': 'application/json' });
  });

  app.get('/api/pipelines/:name/modes/:mode/scaffold', (c) => {
    const pipeline = catalog.get(c.req.param('name'));
    const mode = catalog.mode(pipeline, c.req.param('mode'));
    const select = c.req.query('select') || undefined;
    const entry = schemas.get(pipeline, mode, select);
    entry.scaffold ??= scaffoldConfig(entry.schema, [
      `Run config for pipeline "${pipeline.name}" in mode "${mode}"${select ? `, selection ${select}` : ''}.`,
    ]);
    return c.body(entry.scaffold, 200, { 'Content-Type': 'text/yaml; charset=utf-8' });
  });

  app.post('/api/pipelines/:name/validate', async (c) => {
    const pipeline = catalog.get(c.req.param('name'));
    const body = await readBody(c, validateBody);
    const request = readRunRequest(pipeline, body);
    if ('issues' in request)
      return c.json({ valid: false, issues: request.issues.map((i) => ({ ...i, message: request.redact(i.message) })) });
    try {
      checkRun(pipeline, request);
      return c.json({ valid: true, issues: [] });
    } catch (error) {
      // Mode, preset and selection problems are issues of the whole request (an empty path).
      const issues =
        error instanceof InvalidConfigError
          ? request.place(error.issues)
          : error instanceof InvariantViolationError || error instanceof InvalidSubsetError
            ? [{ path: [], message: error.message }]
            : undefined;
      if (!issues) throw error;
      return c.json({ valid: false, issues: issues.map((i) => ({ ...i, message: request.redact(i.message) })) });
    }
  });
}

/** A mode's schema, and what is made from it, for one selection. */
interface SchemaEntry {
  readonly schema: Record<string, unknown>;
  json?: string;
  scaffold?: string;
}

/**
 * The last {@link SchemaCache.SIZE} schemas asked for, by pipeline name (one pipeline per
 * name in a playground), mode and selection. Pipelines are immutable: entries never go stale.
 */
class SchemaCache {
  static readonly SIZE = 32;
  private readonly entries = new Map<string, SchemaEntry>();

  /**
   * @throws {ApiError} 400 for a bad selection
   */
  get(pipeline: Pipeline, mode: string, select: string | undefined): SchemaEntry {
    const key = `${pipeline.name}\0${mode}\0${select ?? ''}`;
    let entry = this.entries.get(key);
    if (entry) {
      // Most recently used last.
      this.entries.delete(key);
    } else {
      entry = { schema: schemaOf(pipeline, mode, select) };
      if (this.entries.size >= SchemaCache.SIZE) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, entry);
    return entry;
  }
}

/**
 * The JSON Schema of a mode's run config (optionally for a selection).
 *
 * @throws {ApiError} 400 for a bad selection
 */
function schemaOf(pipeline: Pipeline, mode: string, select: string | undefined): Record<string, unknown> {
  try {
    return runConfigJsonSchema(pipeline, mode, select);
  } catch (error) {
    if (error instanceof InvalidSubsetError) throw new ApiError(400, error.message);
    throw error;
  }
}
