/** The JSON bodies the playground's API takes, checked with zod before anything else reads them. */
import type { Context } from 'hono';
import { z } from 'zod';
import { ApiError } from './api-error.ts';

const configObject = z.record(z.string(), z.unknown());

/** What to check or run: mode, preset, run config (as an object or YAML text) and selection. Null means left out. */
const runRequest = {
  mode: z.string().nullish(),
  preset: z.string().nullish(),
  runConfig: configObject.nullish(),
  runConfigYaml: z.string().nullish(),
  select: z.string().nullish(),
};

const oneConfig = (body: { runConfig?: unknown; runConfigYaml?: unknown }) => body.runConfig == null || body.runConfigYaml == null;
const ONE_CONFIG = { message: 'give runConfig or runConfigYaml, not both', path: ['runConfigYaml'] };

/** `POST /api/pipelines/:name/validate`. */
export const validateBody = z.strictObject(runRequest).refine(oneConfig, ONE_CONFIG);
/** `POST /api/runs`. */
export const launchBody = z
  .strictObject({ pipeline: z.string(), ...runRequest, tags: configObject.nullish() })
  .refine(oneConfig, ONE_CONFIG);

export type ValidateBody = z.output<typeof validateBody>;
export type LaunchBody = z.output<typeof launchBody>;

/**
 * The request's JSON body, checked against `schema`.
 *
 * @throws {ApiError} 415 when the body is not sent as JSON, 400 when it is not JSON or does not fit
 */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  // Only JSON: a form post from another site cannot send it without asking first (CORS).
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, `send the body as JSON with Content-Type: application/json (got ${type ? `"${type}"` : 'none'})`);
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      message: i.message,
    }));
    throw new ApiError(
      400,
      `the request body does not fit: ${issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return parsed.data;
}

/** A nullable field as an optional one. */
export function given<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}
