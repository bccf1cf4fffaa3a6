/**
 * The errors modeflow throws. Every one extends {@link ModeflowError}, carries its facts
 * as fields, and says what was wrong, where, and what would be valid. And errors as data
 * ({@link SerializedError}): how events, logs and other threads carry them.
 */

/** Base class of every error modeflow throws. */
export class ModeflowError extends Error {
  override readonly name: string = 'ModeflowError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A definition (solid, pipeline, mode, resource, logger, executor, preset) is invalid:
 * a bad name, a duplicate, a cycle, a mode missing a resource that something requires.
 */
export class InvalidDefinitionError extends ModeflowError {
  override readonly name = 'InvalidDefinitionError';
}

/** One problem found in run config: where (`path`, as zod gives it) and what. */
export interface ConfigIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Run config failed validation; `issues` lists every problem at once. */
export class InvalidConfigError extends ModeflowError {
  override readonly name = 'InvalidConfigError';
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], context = 'run config') {
    super(
      `invalid ${context} (${issues.length} issue${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  - ${formatPath(i.path)}: ${i.message}`).join('\n'),
    );
    this.issues = issues;
  }
}

/** The run cannot start as asked: no mode chosen among several, an unknown mode or preset. */
export class InvariantViolationError extends ModeflowError {
  override readonly name = 'InvariantViolationError';
}

/** A solid selection (`select`, the CLI's `-s`) is malformed or matches nothing. */
export class InvalidSubsetError extends ModeflowError {
  override readonly name = 'InvalidSubsetError';
}

/** An input or output value failed its zod schema. */
export class TypeCheckError extends ModeflowError {
  override readonly name = 'TypeCheckError';
  readonly solid: string;
  readonly stepKey: string;
  /** `input` or `output`. */
  readonly direction: 'input' | 'output';
  /** The input or output name. */
  readonly port: string;
  readonly issues: readonly ConfigIssue[];
  constructor(fields: { solid: string; stepKey: string; direction: 'input' | 'output'; port: string; issues: readonly ConfigIssue[] }) {
    super(
      `${fields.direction} "${fields.port}" of solid "${fields.solid}" (step ${fields.stepKey}) ` +
        `failed its type check: ` +
        fields.issues.map((i) => (i.path.length ? `${formatPath(i.path)}: ${i.message}` : i.message)).join('; '),
    );
    this.solid = fields.solid;
    this.stepKey = fields.stepKey;
    this.direction = fields.direction;
    this.port = fields.port;
    this.issues = fields.issues;
  }
}

/** The worker thread running a step died (exit, uncaught error, out of memory). */
export class WorkerCrashedError extends ModeflowError {
  override readonly name = 'WorkerCrashedError';
}

/** A run was canceled while this step was running. */
export class RunCanceledError extends ModeflowError {
  override readonly name = 'RunCanceledError';
}

/**
 * Thrown from `compute` to ask for another attempt. It counts as a failure only once
 * retries run out; `maxRetries` and `delayMs` override the solid's `retry` policy.
 *
 * @example
 * compute: (ctx) => { if (!ready()) throw new RetryRequested({ maxRetries: 3, delayMs: 100 }); }
 */
export class RetryRequested extends ModeflowError {
  override readonly name = 'RetryRequested';
  readonly maxRetries: number | undefined;
  readonly delayMs: number | undefined;
  constructor(options: { maxRetries?: number; delayMs?: number; cause?: unknown; message?: string } = {}) {
    super(options.message ?? 'retry requested', options.cause === undefined ? undefined : { cause: options.cause });
    this.maxRetries = options.maxRetries;
    this.delayMs = options.delayMs;
  }
}

/**
 * A run failed. `stepKey` is the first failed step (undefined when the failure was
 * outside any step, e.g. a resource), `cause` the first error, `result` the whole
 * {@link RunResult} so partial outputs stay readable.
 */
export class StepExecutionError<R = unknown> extends ModeflowError {
  override readonly name = 'StepExecutionError';
  readonly stepKey: string | undefined;
  readonly result: R;
  constructor(message: string, fields: { stepKey: string | undefined; cause: unknown; result: R }) {
    super(message, { cause: fields.cause });
    this.stepKey = fields.stepKey;
    this.result = fields.result;
  }
}

/** `['solids', 'a', 'config', 'n']` → `solids.a.config.n`; `[]` → `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

// ---- errors as data -----------------------------------------------------------------

/** An error as events carry it: JSON-serialisable, with the thrower's own fields. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly cause?: SerializedError | unknown;
  readonly [field: string]: unknown;
}

/**
 * Turns anything thrown into a JSON-serialisable error: name, message, stack, cause and
 * the error's own enumerable fields (e.g. `code`, `issues`, `stepKey`).
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    if (typeof error === 'object' && error !== null && 'name' in error && 'message' in error) {
      return { ...(error as object), name: String(error.name), message: String(error.message), stack: (error as { stack?: string }).stack };
    }
    return { name: 'Error', message: typeof error === 'string' ? error : safeString(error), stack: undefined };
  }
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'result' || key === 'cause') continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (isJsonable(value)) fields[key] = value;
  }
  const out: Record<string, unknown> = { ...fields, name: error.name, message: error.message, stack: error.stack };
  if (error.cause !== undefined && depth < 5) out['cause'] = serializeError(error.cause, depth + 1);
  return out as unknown as SerializedError;
}

function isJsonable(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (typeof value !== 'object') return false;
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch {
    return String(value);
  }
}
