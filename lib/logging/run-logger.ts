import { createRequire } from 'node:module';
import type * as PinoModule from 'pino';
import type { Logger as Pino } from 'pino';
import { isThenable } from '../support/maybe-async.ts';
import { describeEvent } from '../events/describe-event.ts';
import type { RunEvent } from '../events/events.ts';
import { LEVEL_VALUES, LEVELS, type LevelName, type Log } from '../define/log.ts';
import type { LogDestination } from '../define/logger.ts';
import type { Mode } from '../define/mode.ts';
import type { Redactor } from '../config/redact.ts';
import { toLogRecord, type LogRecord } from './log-record.ts';
import { shortenForLog, shortenText } from './shorten.ts';
import type { ResolvedRunConfig } from '../config/run-config.ts';

let loaded: typeof PinoModule.pino | undefined;

/**
 * pino, loaded on the first record some sink takes: a process (or worker thread) that
 * imports modeflow and never writes a record to a sink, as a worker thread running steps
 * does, need not load it (bench: cold-start).
 */
function pinoLibrary(): typeof PinoModule.pino {
  return (loaded ??= (createRequire(import.meta.url)('pino') as typeof PinoModule).pino);
}

/** Bindings every record of a run carries. */
export interface RunBindings {
  readonly runId: string;
  readonly pipeline: string;
  readonly mode: string;
}

/** Where a record was written: its step, and the resource whose init (or the hook) that wrote it. */
export interface RecordSource {
  readonly solid?: string;
  readonly stepKey?: string;
  readonly resource?: string;
  readonly hook?: string;
}

/** A sink opened for one run. */
interface OpenSink {
  readonly level: LevelName;
  readonly destination: LogDestination;
}

/**
 * The logging side of one run: the mode's sinks behind one pino logger, each sink
 * receiving records at or above its own level. Every `ctx.log` record takes one path,
 * whether it was written here (`bind`) or on another thread, process or machine (`write`):
 * dropped at once when no sink takes its level, else redacted, written once to each sink
 * whose level it meets, and handed on to become a `LOG` event. Engine events are written
 * at `debug` (failures at `error`, `RUN_*` at `info`), their large values shortened.
 */
export class RunLogger {
  /** Numeric value of the lowest sink level; records below it are dropped at once. */
  readonly minLevel: number;
  /** The lowest level some sink takes (`silent`: none), for code that writes records elsewhere to drop the rest there. */
  readonly lowestLevel: LevelName | 'silent';
  private readonly sinks: readonly OpenSink[];
  private readonly bindings: RunBindings;
  private readonly redact: Redactor;
  #root: Pino | undefined;

  constructor(sinks: readonly OpenSink[], bindings: RunBindings, redact: Redactor) {
    this.redact = redact;
    this.sinks = sinks;
    this.bindings = bindings;
    this.minLevel = sinks.length ? Math.min(...sinks.map((s) => LEVEL_VALUES[s.level])) : Infinity;
    this.lowestLevel = LEVELS.find((l) => LEVEL_VALUES[l] === this.minLevel) ?? 'silent';
  }

  /**
   * The pino logger over the sinks, made on the first record some sink takes: making a
   * pino instance walks the stack for its caller, and a run whose sinks take nothing, or
   * that has none, need not pay for that.
   */
  private get root(): Pino {
    if (this.#root) return this.#root;
    const pino = pinoLibrary();
    const streams = pino.multistream(
      this.sinks.map((s) => ({ level: s.level, stream: s.destination as PinoModule.DestinationStream })),
      { dedupe: false },
    );
    return (this.#root = pino(
      { level: this.lowestLevel, base: { ...this.bindings }, timestamp: pino.stdTimeFunctions.epochTime },
      streams,
    ));
  }

  /** True when some sink takes records at `level`. */
  enabled(level: LevelName): boolean {
    return LEVEL_VALUES[level] >= this.minLevel;
  }

  /**
   * A pino-style `Log` for code running here, bound to `source`. Each record that some
   * sink takes is written once and handed to `onRecord` to become a `LOG` event.
   */
  bind(source: RecordSource, onRecord: (record: LogRecord) => void): Log {
    let child: Pino | undefined;
    const sink = (): Pino => (child ??= this.root.child(source));
    const write = (level: LevelName, args: unknown[]): void => {
      if (LEVEL_VALUES[level] < this.minLevel) return;
      this.deliver(toLogRecord(level, args), sink(), undefined, onRecord);
    };
    return {
      trace: (...args: unknown[]) => write('trace', args),
      debug: (...args: unknown[]) => write('debug', args),
      info: (...args: unknown[]) => write('info', args),
      warn: (...args: unknown[]) => write('warn', args),
      error: (...args: unknown[]) => write('error', args),
      fatal: (...args: unknown[]) => write('fatal', args),
    } as Log;
  }

  /**
   * A record written elsewhere (a worker thread, another process), already normalised:
   * the same path as `bind`'s records. A record at a level no sink takes, or at no known
   * level, is dropped.
   */
  write(record: LogRecord, source: RecordSource, onRecord: (record: LogRecord) => void): void {
    if (!(LEVEL_VALUES[record.level] >= this.minLevel)) return;
    this.deliver(record, this.root, source, onRecord);
  }

  /** Redacts a record some sink takes, hands it on, and writes it once, through `logger` with `source` as fields. */
  private deliver(record: LogRecord, logger: Pino, source: RecordSource | undefined, onRecord: (record: LogRecord) => void): void {
    const shown = this.redact(record);
    onRecord(shown);
    logger[shown.level](source ? { ...source, ...shown.fields } : shown.fields, shown.message);
  }

  /**
   * Writes an engine event to the sinks that take its level, redacted, its large values
   * shortened (the event itself keeps them whole). `LOG` events are not written twice.
   */
  writeEvent(event: RunEvent): void {
    if (event.type === 'LOG') return;
    const level = levelOf(event);
    if (LEVEL_VALUES[level] < this.minLevel) return;
    const { runId: _r, pipelineName: _p, mode: _m, timestamp: _t, type, ...rest } = event;
    // Redacted before it is cut, so that a cut never leaves part of a secret.
    const fields = this.redact(rest);
    const message = this.redact(describeEvent(event));
    if (ONLY_NAMES.has(type)) this.root[level]({ event: type, ...fields }, message);
    else this.root[level]({ event: type, ...shortenForLog(fields) }, shortenText(message));
  }

  /** Flushes sinks that buffer. */
  flush(): void {
    for (const s of this.sinks) {
      try {
        s.destination.flush?.();
      } catch {
        // A sink that cannot flush must not fail the run it reports on.
      }
    }
  }
}

/** Events that carry only names and numbers, never a large value: their lines need no shortening (the commonest step events). */
const ONLY_NAMES: ReadonlySet<RunEvent['type']> = new Set([
  'STEP_START',
  'STEP_INPUT',
  'STEP_SUCCESS',
  'STEP_SKIPPED',
  'RESOURCE_INIT_START',
  'RESOURCE_INIT_SUCCESS',
  'HOOK_COMPLETED',
  'RUN_SUCCESS',
  'RUN_CANCELED',
]);

function levelOf(event: RunEvent): LevelName {
  switch (event.type) {
    case 'RUN_START':
    case 'RUN_SUCCESS':
    case 'RUN_CANCELED':
      return 'info';
    case 'RUN_FAILURE':
    case 'STEP_FAILURE':
    case 'HOOK_ERRORED':
      return 'error';
    // A loss the executor recovered from (its process died, its work was delivered again) does not fail the run: a warning.
    case 'RESOURCE_INIT_FAILURE':
      return event.redelivered ? 'warn' : 'error';
    case 'RESOURCE_TEARDOWN':
      return event.error ? (event.redelivered ? 'warn' : 'error') : 'debug';
    default:
      return 'debug';
  }
}

/**
 * Opens the mode's logger sinks for a run. Returns synchronously when every sink's
 * `init` does, so a run of synchronous solids can finish inside `subscribe()`.
 *
 * @example
 * const logger = await openRunLogger(mode, resolveRunConfig(p, mode, runConfig, undefined), { runId, pipeline: p.name, mode: mode.name }, redact);
 * const log = logger.bind({ solid: 'load', stepKey: 'load' }, () => undefined); // a ctx.log
 *
 * @throws what a sink's `init` throws (a rejection when it is async)
 */
export function openRunLogger(
  mode: Mode,
  config: ResolvedRunConfig,
  bindings: RunBindings,
  redact: Redactor,
): RunLogger | Promise<RunLogger> {
  const entries = Object.entries(mode.loggers).map(([key, def]) => {
    const sinkConfig = config.loggers[key]?.config ?? { level: 'info' as const };
    return { level: sinkConfig.level, destination: def.init({ config: sinkConfig }) };
  });
  if (entries.some((e) => isThenable(e.destination))) {
    return Promise.all(entries.map(async (e) => ({ level: e.level, destination: await e.destination }))).then(
      (sinks) => new RunLogger(sinks, bindings, redact),
    );
  }
  return new RunLogger(entries as OpenSink[], bindings, redact);
}
