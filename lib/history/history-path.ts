import { resolve } from 'node:path';

/** Where run history goes unless told otherwise: under the working directory. */
export const DEFAULT_HISTORY_PATH = '.modeflow/history.sqlite';

/**
 * The history file for a `--history [PATH]` value: `PATH` resolved against the working
 * directory, or the default file when no path is given (`true` or undefined).
 *
 * @example
 * historyPath(undefined); // '/home/me/project/.modeflow/history.sqlite'
 */
export function historyPath(value: string | boolean | undefined, cwd = process.cwd()): string {
  return resolve(cwd, typeof value === 'string' ? value : DEFAULT_HISTORY_PATH);
}
