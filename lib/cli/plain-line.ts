import type { RunEvent } from '../events/events.ts';
import { describeEvent } from '../events/describe-event.ts';
import { preview } from './preview.ts';

/**
 * One plain line for an event, for output that is not a terminal: local time, event type,
 * and `describeEvent`'s sentence; a log line adds its level and fields, an output its value.
 *
 * @example
 * plainLine(event); // '14:03:07.412 STEP_SUCCESS        step create_table_0 succeeded in 12 ms'
 */
export function plainLine(event: RunEvent): string {
  const head = `${clock(event.timestamp)} ${event.type.padEnd(21)} `;
  switch (event.type) {
    case 'LOG': {
      const where = event.stepKey ? `[${event.stepKey}] ` : '';
      const fields = Object.keys(event.fields).length ? ` ${preview(event.fields, 400)}` : '';
      return `${head}${event.level} ${where}${event.message}${fields}`;
    }
    case 'STEP_OUTPUT':
      return `${head}${describeEvent(event)}: ${preview(event.value, 200)}`;
    default:
      return head + describeEvent(event);
  }
}

/** `HH:MM:SS.mmm`, local time. */
function clock(timestamp: number): string {
  const d = new Date(timestamp);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
