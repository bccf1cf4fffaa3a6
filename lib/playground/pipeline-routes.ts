/** The pipeline half of the API: list, graph, a mode's JSON Schema and scaffold, and validate. */
import type { Hono } from 'hono';
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

  app.get('/api/pipelines/:name/modes/:mode/schema', (c) => {
    const pipeline = catalog.get(c.req.param('name'));
    const mode = catalog.mode(pipeline, c.req.param('mode'));
    return c.json(schemaOf(pipeline, mode, c.req.query('select')));
  });

  app.get('/api/pipelines/:name/modes/:mode/scaffold', (c) => {
    const pipeline = catalog.get(c.req.param('name'));
    const mode = catalog.mode(pipeline, c.req.param('mode'));
    const select = c.req.query('select') || undefined;
    const text = scaffoldConfig(schemaOf(pipeline, mode, select), [
      `Run config for pipeline "${pipeline.name}" in mode "${mode}"${select ? `, selection ${select}` : ''}.`,
    ]);
    return c.body(text, 200, { 'Content-Type': 'text/yaml; charset=utf-8' });
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

/**
 * The JSON Schema of a mode's run config (optionally for a selection).
 *
 * @throws {ApiError} 400 for a bad selection
 */
function schemaOf(pipeline: Parameters<typeof runConfigJsonSchema>[0], mode: string, select: string | undefined) {
  try {
    return runConfigJsonSchema(pipeline, mode, select || undefined);
  } catch (error) {
    if (error instanceof InvalidSubsetError) throw new ApiError(400, error.message);
    throw error;
  }
}
