import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listNames } from '../define/definition.ts';
import { exportedPipelines, type Pipeline } from '../define/pipeline.ts';
import { CliError } from './cli-error.ts';
import { isLibraryFrame } from './package-info.ts';
import { isModeflowError } from './report-error.ts';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * Imports a pipeline module (`-f FILE`). TypeScript goes through tsx, which is registered
 * only then (it costs startup time); plain JavaScript is imported as is.
 *
 * @throws {CliError} when the file does not exist or throws while loading
 */
export async function loadModule(file: string): Promise<Record<string, unknown>> {
  const path = resolve(file);
  if (!existsSync(path)) throw new CliError(`cannot find pipeline module ${file} (looked at ${path})`);
  if (TYPESCRIPT.has(extname(path))) await registerTsx();
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const known = isModeflowError(error);
    const err = error as { name?: unknown; message?: unknown; stack?: unknown };
    throw new CliError(`cannot load ${file}: ${String(err?.name ?? 'Error')}: ${String(err?.message ?? error)}`, {
      cause: error,
      ...(known || typeof err?.stack !== 'string' ? {} : { detail: stackFrames(err.stack) }),
    });
  }
}

/**
 * Registers tsx's loaders for ESM and for CommonJS: a `.ts` file in a package without
 * `"type": "module"` is CommonJS to tsx, and needs the second.
 */
async function registerTsx(): Promise<void> {
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
}

/**
 * The pipeline named `name`, or the only one when no name is given.
 *
 * @throws {CliError} when the module has none, has several and no name was given, or lacks `name`
 */
export function pickPipeline(pipelines: readonly Pipeline[], name: string | undefined, file: string): Pipeline {
  const names = listNames(pipelines.map((p) => p.name));
  if (pipelines.length === 0) {
    throw new CliError(`${file} exports no pipeline; export one, e.g. export const myPipeline = pipeline({ ... })`);
  }
  if (name === undefined) {
    if (pipelines.length === 1) return pipelines[0]!;
    throw new CliError(`${file} exports several pipelines; name one (NAME or -p NAME): ${names}`);
  }
  const found = pipelines.find((p) => p.name === name);
  if (!found) throw new CliError(`${file} has no pipeline "${name}"; it exports: ${names}`);
  return found;
}

/**
 * Loads `file` and picks the pipeline; `positional` and `option` are the two ways to
 * name it (`NAME` or `-p NAME`).
 *
 * @throws {CliError} as {@link loadModule} and {@link pickPipeline}, or when the two names differ
 */
export async function loadPipeline(file: string, positional: string | undefined, option: string | undefined): Promise<Pipeline> {
  if (positional !== undefined && option !== undefined && positional !== option) {
    throw new CliError(`two pipeline names given: "${positional}" and -p "${option}"; give one`);
  }
  return pickPipeline(exportedPipelines(await loadModule(file)), positional ?? option, file);
}

/**
 * The frames of a stack worth showing: without the message line, and without modeflow's
 * and dependencies' own frames (unless nothing else is left), at most `max`.
 */
export function stackFrames(stack: string, max = 8): string {
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  const own = frames.filter((line) => !isLibraryFrame(line));
  return (own.length ? own : frames.slice(0, 1))
    .slice(0, max)
    .map((line) => `    ${line.trim()}`)
    .join('\n');
}
