import { ModeflowError } from '../errors.ts';

/**
 * A problem the CLI reports and exits on: a usage error, an unreadable file, a module
 * without the pipeline asked for. `exitCode` is 2 (the run could not start) unless given.
 */
export class CliError extends ModeflowError {
  override readonly name = 'CliError';
  readonly exitCode: number;
  /** More to show under the message (a stack, a list), already formatted. */
  readonly detail: string | undefined;
  constructor(message: string, options: { exitCode?: number; detail?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 2;
    this.detail = options.detail;
  }
}
