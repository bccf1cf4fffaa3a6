/** A pino-style log function: `log.info('msg')`, `log.info({ rows: 3 }, 'loaded')`. */
export interface LogFn {
  (message: string, ...args: unknown[]): void;
  (fields: object, message?: string, ...args: unknown[]): void;
}

/**
 * The logger handed to computes and resources as `ctx.log`. Records go to every sink of
 * the mode whose level they meet, and become `LOG` events of the run.
 */
export interface Log {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
}

/** The pino level names, lowest first. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LevelName = (typeof LEVELS)[number];

/** pino's numeric value of each level. */
export const LEVEL_VALUES: Readonly<Record<LevelName, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};
