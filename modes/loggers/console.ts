import { createRequire } from 'node:module';
import { logger, type LogDestination } from '../../lib/define/logger.ts';

const require = createRequire(import.meta.url);

/**
 * Where console sinks opened meanwhile write instead of stderr, while a program that shows
 * their records itself says so (the CLI's plain lines). Keyed with `Symbol.for`, so that
 * every copy of modeflow in the process sees it: a pipeline module may import another copy
 * than the CLI runs from.
 */
const REPLACEMENT = Symbol.for('modeflow.consoleLogger.replacement');
const global = globalThis as unknown as Record<symbol, LogDestination | undefined>;

/**
 * Makes the console sinks of runs that start from now on write to `destination` instead
 * of stderr (`undefined`: to stderr again). For the CLI, whose plain event lines already
 * show every record a console sink would write.
 */
export function replaceConsole(destination: LogDestination | undefined): void {
  global[REPLACEMENT] = destination;
}

/**
 * Logs to stderr: pretty, coloured lines on a TTY (pino-pretty; no colour with `NO_COLOR`),
 * one JSON line per record otherwise. The default sink of every mode, key `console`.
 */
export const consoleLogger = logger({
  description: 'stderr: pretty on a TTY, JSON lines otherwise',
  init: (): LogDestination => {
    const replacement = global[REPLACEMENT];
    if (replacement) return replacement;
    if (!process.stderr.isTTY) return process.stderr;
    // Loaded only when needed: pino-pretty is a sizeable import.
    const pretty = require('pino-pretty') as (options: object) => LogDestination;
    return pretty({
      destination: process.stderr,
      sync: true,
      colorize: !process.env['NO_COLOR'],
      ignore: 'pid,hostname,runId,pipeline,mode,runConfig,tags',
      translateTime: 'HH:MM:ss.l',
    });
  },
});
