import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute } from '../../../playground/src/model/route.ts';
import { formatDuration, formatStart } from '../../../playground/src/ui/format.ts';

describe('how the page writes durations and start times', () => {
  it('writes durations short, with the unit that fits', () => {
    expect([0, 850, 1234, 12_345, 65_000, 3_725_000].map(formatDuration)).toEqual([
      '0 ms',
      '850 ms',
      '1.23 s',
      '12.3 s',
      '1m 05s',
      '1h 02m',
    ]);
    expect([null, undefined, -1, Number.NaN].map(formatDuration)).toEqual(['–', '–', '–', '–']);
  });

  it('writes a start time today as the time, earlier with the date, from epoch ms or ISO text', () => {
    const now = new Date(2024, 5, 15, 18, 0, 0).getTime();
    expect(formatStart(new Date(2024, 5, 15, 9, 5, 7).getTime(), now)).toBe('09:05:07');
    expect(formatStart(new Date(2024, 2, 3, 14, 2).toISOString(), now)).toBe('Mar 3 14:02');
    expect(formatStart(new Date(2023, 2, 3, 14, 2).getTime(), now)).toBe('Mar 3 2023 14:02');
    expect(formatStart(null, now)).toBe('–');
  });
});

describe('the page’s routes live in the URL hash', () => {
  it('round-trips every route, names with odd characters included', () => {
    for (const route of [
      { page: 'home' },
      { page: 'runs' },
      { page: 'pipeline', name: 'query_pipeline' },
      { page: 'run', runId: 'a/b c?d' },
    ] as const) {
      expect(parseRoute(hrefOf(route))).toEqual(route);
    }
  });

  it('reads anything unknown as home', () => {
    expect(parseRoute('#/nowhere')).toEqual({ page: 'home' });
    expect(parseRoute('')).toEqual({ page: 'home' });
  });
});
