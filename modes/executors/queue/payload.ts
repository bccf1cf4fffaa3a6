/**
 * Values through Redis: v8 serialisation (what structured clone keeps: plain data, Map,
 * Set, Date, RegExp, typed arrays, errors; no functions, symbols or Promises; a class
 * instance arrives as a plain object), with a size limit, since every byte sits in Redis
 * memory until the step is done (bullmq #2397: big payloads bloat Redis). What does not
 * fit or cannot be serialised fails its step with an error naming the solid and the input
 * or output, and what would be valid.
 */
import { serialize } from 'node:v8';
import { ModeflowError } from '../../../lib/errors.ts';
import { PROTOCOL, type JobData, type QueueStepRequest } from './protocol.ts';

/** Where a value belongs, for messages. */
interface Where {
  readonly solid: string;
  readonly stepKey: string;
}

/**
 * The job data of a step request: v8, base64. Throws a ModeflowError naming the input
 * (or the config) that cannot be serialised or makes the request larger than `maxPayloadBytes`.
 */
export function encodeRequest(request: QueueStepRequest): JobData {
  let bytes: Buffer;
  try {
    bytes = serialize(request);
  } catch (error) {
    throw unserialisable(request, error);
  }
  if (bytes.length > request.maxPayloadBytes) throw tooLarge(request, bytes.length);
  return { v: PROTOCOL, request: bytes.toString('base64') };
}

/** The step request a job carries; throws when the job comes from another version of modeflow. */
export function decodeRequest(data: unknown, deserialize: (buffer: Buffer) => unknown): QueueStepRequest {
  const job = data as Partial<JobData> | undefined;
  if (job?.v !== PROTOCOL || typeof job.request !== 'string') {
    throw new ModeflowError(
      `this job was not made by this version of modeflow's queue executor (protocol ${String(job?.v)}, this worker speaks ` +
        `${PROTOCOL}): run the same modeflow version on the workers and where runs start, or give them different queues`,
    );
  }
  return deserialize(Buffer.from(job.request, 'base64')) as QueueStepRequest;
}

/**
 * An output's value, checked to go on the stream: throws naming the output when it cannot
 * be serialised or is larger than `limit` bytes.
 */
export function checkOutput(where: Where, output: string, encoded: () => Buffer, limit: number): Buffer {
  let bytes: Buffer;
  try {
    bytes = encoded();
  } catch (error) {
    throw Object.assign(
      new ModeflowError(
        `output "${output}" of solid "${where.solid}" (step ${where.stepKey}) cannot be sent from the queue worker to the run: ` +
          `${messageOf(error)}; values cross as v8 serialises them (plain data, Map, Set, Date, typed arrays; no functions, ` +
          `symbols, Promises)`,
        { cause: error },
      ),
      { solid: where.solid, stepKey: where.stepKey, output },
    );
  }
  if (bytes.length > limit) {
    throw Object.assign(
      new ModeflowError(
        `output "${output}" of solid "${where.solid}" (step ${where.stepKey}) is ${formatBytes(bytes.length)} serialised, over the ` +
          `queue executor's maxPayloadBytes (${formatBytes(limit)}): every value passes through Redis. Pass large data by ` +
          `reference (a file, a table, an object-store key) or raise execution.queue.config.maxPayloadBytes`,
      ),
      { solid: where.solid, stepKey: where.stepKey, output },
    );
  }
  return bytes;
}

function unserialisable(request: QueueStepRequest, error: unknown): ModeflowError {
  const where = { solid: request.solid, stepKey: request.stepKey };
  for (const [input, value] of Object.entries(request.inputs)) {
    try {
      serialize(value);
    } catch (inputError) {
      return Object.assign(
        new ModeflowError(
          `input "${input}" of solid "${request.solid}" (step ${request.stepKey}) cannot be sent to a queue worker: ` +
            (tooDeep(inputError)
              ? `${TOO_DEEP}; send flatter data (a list, or keys like "a.b.c")`
              : `${messageOf(inputError)}; values cross as v8 serialises them (plain data, Map, Set, Date, typed arrays; no ` +
                `functions, symbols, Promises)`),
          { cause: inputError },
        ),
        { ...where, input },
      );
    }
  }
  return Object.assign(
    new ModeflowError(
      `the config of solid "${request.solid}" (step ${request.stepKey}) or of its resources cannot be sent to a queue ` +
        `worker: ${tooDeep(error) ? `${TOO_DEEP}; give it flatter config (a list, or keys like "a.b.c")` : `${messageOf(error)}; config must be plain data`}`,
      { cause: error },
    ),
    where,
  );
}

function tooLarge(request: QueueStepRequest, size: number): ModeflowError {
  const sizes = Object.entries(request.inputs).map(([input, value]) => [input, sizeOf(value)] as const);
  const [largest, largestSize] = sizes.reduce<readonly [string | undefined, number]>((a, b) => (b[1] > a[1] ? b : a), [undefined, 0]);
  const blame =
    largest !== undefined && largestSize > size / 2
      ? `input "${largest}" is ${formatBytes(largestSize)} of it`
      : `its largest input is ${largest === undefined ? 'none' : `"${largest}" (${formatBytes(largestSize)})`}, so most of it is config`;
  return Object.assign(
    new ModeflowError(
      `step ${request.stepKey} (solid "${request.solid}") is ${formatBytes(size)} serialised, over the queue executor's ` +
        `maxPayloadBytes (${formatBytes(request.maxPayloadBytes)}); ${blame}. Every value passes through Redis: pass large data ` +
        `by reference (a file, a table, an object-store key) or raise execution.queue.config.maxPayloadBytes`,
    ),
    { solid: request.solid, stepKey: request.stepKey, ...(largest !== undefined && largestSize > size / 2 ? { input: largest } : {}) },
  );
}

function sizeOf(value: unknown): number {
  try {
    return serialize(value).length;
  } catch {
    return 0;
  }
}

/** `1.5 MiB`, `812 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Why a plain value did not serialise when v8 ran out of stack on it. */
const TOO_DEEP = 'it is nested too deeply for v8 serialisation, which recurses once per level (Maximum call stack size exceeded)';

/** True for the RangeError v8 serialisation throws on a value nested deeper than the stack lets it recurse. */
function tooDeep(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
