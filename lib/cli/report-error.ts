import type { ConfigIssue } from '../errors.ts';
import { formatPath } from '../errors.ts';
import type { Pipeline } from '../define/pipeline.ts';
import { runConfigJsonSchema } from '../config/run-config-json-schema.ts';
import { nodeAt, propertiesOf, type SchemaNode } from './json-schema.ts';
import type { Style } from './style.ts';

/** What the CLI knew when an error happened, to make the message actionable. */
export interface ErrorContext {
  file?: string;
  pipeline?: Pipeline;
  /** The mode the run resolved to, when known. */
  mode?: string | undefined;
  select?: string | undefined;
}

/** An error as the CLI prints it, and the exit code it means. */
export interface Report {
  readonly text: string;
  readonly exitCode: number;
}

const SETUP_ERRORS = new Set(['InvalidDefinitionError', 'InvariantViolationError', 'InvalidSubsetError', 'InvalidConfigError']);
const MODEFLOW_ERRORS = new Set([
  ...SETUP_ERRORS,
  'ModeflowError',
  'StepExecutionError',
  'TypeCheckError',
  'WorkerCrashedError',
  'RunCanceledError',
  'RetryRequested',
  'CliError',
]);

/**
 * True for an error modeflow threw, judged by `name`: the pipeline module may have loaded
 * a second copy of the library (tsx resolving 'modeflow' to source while the CLI runs
 * from dist), whose classes `instanceof` would not recognise.
 */
export function isModeflowError(error: unknown): error is Error {
  return typeof error === 'object' && error !== null && MODEFLOW_ERRORS.has(String((error as { name?: unknown }).name));
}

/**
 * Formats an error for stderr and picks the exit code: 2 for everything that stops a run
 * from starting (usage, files, definitions, mode, preset, selection, run config), 1 for
 * anything unexpected.
 */
export function reportError(error: unknown, context: ErrorContext, style: Style): Report {
  const name = typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : '';
  const prefix = `${style.red('modeflow:')} `;
  if (name === 'CliError') {
    const { message, detail, exitCode } = error as { message: string; detail?: string; exitCode: number };
    return { text: prefix + message + (detail ? `\n${style.dim(detail)}` : ''), exitCode };
  }
  if (name === 'InvalidConfigError' && Array.isArray((error as { issues?: unknown }).issues)) {
    return { text: prefix + formatConfigError((error as { issues: ConfigIssue[] }).issues, context, style), exitCode: 2 };
  }
  if (SETUP_ERRORS.has(name)) return { text: prefix + (error as Error).message, exitCode: 2 };
  const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  return { text: `${prefix}unexpected error: ${stack}`, exitCode: 1 };
}

/**
 * Every config issue with its path; under an unknown key, the keys valid there; then the
 * mode's valid keys per section, and how to get a skeleton with every field.
 */
export function formatConfigError(issues: readonly ConfigIssue[], context: ErrorContext, style: Style): string {
  const { pipeline, mode } = context;
  const where = pipeline ? ` for pipeline "${pipeline.name}"${mode ? ` in mode "${mode}"` : ''}` : '';
  const schema = pipeline ? schemaOf(pipeline, mode, context.select) : undefined;
  const lines = [`invalid run config${where} (${issues.length} issue${issues.length === 1 ? '' : 's'}):`];
  for (const issue of issues) {
    lines.push(`  - ${style.bold(formatPath(issue.path))}: ${issue.message}`);
    if (schema && !/valid:/.test(issue.message)) {
      const hint = validKeysHint(schema, issue.path);
      if (hint) lines.push(style.dim(`      ${hint}`));
    }
  }
  if (schema) {
    lines.push(`valid keys${mode ? ` in mode "${mode}"` : ''}:`);
    for (const section of ['solids', 'resources', 'loggers', 'execution']) {
      const node = nodeAt(schema, [section]);
      const keys = node ? Object.keys(propertiesOf(node)) : [];
      const note = section === 'execution' && keys.length > 1 ? ' (one of them)' : '';
      lines.push(`  ${`${section}:`.padEnd(11)}${keys.length ? keys.join(', ') : '(none)'}${note}`);
    }
  }
  if (pipeline && context.file) {
    const modeFlag = mode ? ` -d ${mode}` : '';
    lines.push(`hint: see every field with: modeflow pipeline scaffold-config -f ${context.file} ${pipeline.name}${modeFlag}`);
  }
  return lines.join('\n');
}

/**
 * For an unknown key inside a user's config schema (or an input value) whose message does
 * not name the valid keys (the schema's own error map made it): the keys of the object
 * holding it. Run config's own levels name them in their messages already.
 */
function validKeysHint(schema: SchemaNode, path: readonly (string | number)[]): string | undefined {
  const inUserSchema = (path[2] === 'config' && path.length > 3) || (path[2] === 'inputs' && path[4] === 'value' && path.length > 5);
  const key = path.at(-1);
  if (!inUserSchema || typeof key !== 'string') return undefined;
  const parent = path.slice(0, -1);
  const here = nodeAt(schema, parent);
  if (!here || here['additionalProperties'] !== false) return undefined;
  const keys = Object.keys(propertiesOf(here));
  return keys.length > 0 && !keys.includes(key) ? `valid keys at ${formatPath(parent)}: ${keys.join(', ')}` : undefined;
}

function schemaOf(pipeline: Pipeline, mode: string | undefined, select: string | undefined): SchemaNode | undefined {
  try {
    return runConfigJsonSchema(pipeline, mode, select);
  } catch {
    return undefined;
  }
}
