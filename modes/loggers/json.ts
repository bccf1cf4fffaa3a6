import { logger, type LogDestination } from '../../lib/define/logger.ts';

/** Writes one JSON line (NDJSON) per record to stdout, for log shippers. */
export const jsonLogger = logger({
  description: 'NDJSON to stdout',
  init: (): LogDestination => process.stdout,
});
