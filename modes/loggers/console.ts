import { createRequire } from 'node:module';
import { logger, type LogDestination } from '../../lib/logger.ts';

const require = createRequire(import.meta.url);

/**
 * Logs to stderr: pretty, coloured lines on a TTY (pino-pretty; no colour with `NO_COLOR`),
 * one JSON line per record otherwise. The default sink of every mode, key `console`.
 */
export const consoleLogger = logger({
  description: 'stderr: pretty on a TTY, JSON lines otherwise',
  init: (): LogDestination => {
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
