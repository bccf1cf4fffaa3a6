import { describe, expect, it } from 'vitest';
import { PeakRss } from '../../../lib/bench/peak-rss.ts';

describe('PeakRss', () => {
  it('takes the process high-water mark when it rose during the window (a peak between samples)', () => {
    const memory = { rss: 100, max: 500 };
    const peak = new PeakRss({ sources: { rss: () => memory.rss, maxRss: () => memory.max }, intervalMs: 60_000 });
    peak.start();
    memory.rss = 300;
    peak.sample();
    memory.max = 800; // peaked at 800 between samples
    memory.rss = 200;
    expect(peak.stop()).toBe(800);
  });

  it('takes the highest sample when the process had peaked higher before the window', () => {
    const memory = { rss: 100, max: 5000 };
    const peak = new PeakRss({ sources: { rss: () => memory.rss, maxRss: () => memory.max }, intervalMs: 60_000 });
    peak.start();
    memory.rss = 300;
    peak.sample();
    memory.rss = 200;
    expect(peak.stop()).toBe(300);
  });
});
