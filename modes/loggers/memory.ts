import { logger, type Logger } from '../../lib/define/logger.ts';

/** A logger sink that keeps what it receives, for tests. */
export interface MemoryLogger extends Logger {
  /** Every JSON line written, in order, across runs. */
  readonly lines: string[];
  /** The lines parsed. */
  records(): Record<string, unknown>[];
  clear(): void;
}

/**
 * Creates a sink that keeps its lines in memory.
 *
 * @example
 * const memory = memoryLogger();
 * await execute(p, { mode: 'test' }); // mode({ name: 'test', loggers: { memory } })
 * expect(memory.records().some((r) => r.msg === 'loaded')).toBe(true);
 */
export function memoryLogger(): MemoryLogger {
  const lines: string[] = [];
  const base = logger({
    description: 'keeps lines in memory',
    init: () => ({ write: (line: string) => void lines.push(line) }),
  });
  return Object.freeze(
    Object.assign(Object.create(null) as object, base, {
      lines,
      records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
      clear: () => void lines.splice(0),
    }),
  ) as MemoryLogger;
}
