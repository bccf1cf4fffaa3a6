/** Modes for tests: no console noise, optionally a memory logger to read. */
import { memoryLogger, mode, type MemoryLogger, type Mode, type ModeOptions, type Resource } from '../../lib/index.ts';

/** A mode with no logger sinks at all: no console noise, and no LOG events (no sink level is met). */
export function silentMode<R extends Record<string, Resource<any>> = {}>(options: ModeOptions<R> = {}): Mode {
  return mode({ loggers: {}, ...options });
}

/** A mode whose only sink is a fresh memory logger nobody reads: LOG events at info, no console noise. */
export function quietMode<R extends Record<string, Resource<any>> = {}>(options: ModeOptions<R> = {}): Mode {
  return mode({ loggers: { memory: memoryLogger() }, ...options });
}

/** A mode whose only sink is a fresh memory logger, and that logger. */
export function memoryMode<R extends Record<string, Resource<any>> = {}>(
  options: ModeOptions<R> = {},
): { mode: Mode; memory: MemoryLogger } {
  const memory = memoryLogger();
  return { mode: mode({ loggers: { memory }, ...options }), memory };
}
