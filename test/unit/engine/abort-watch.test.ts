/** Watching options.signal (lib/engine/abort-watch.ts): runs sharing one signal share one listener. */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { execute, mode, pipeline, solid } from '../../../lib/index.ts';
import { aborted, deferred } from '../../helpers/index.ts';

describe('many runs or computes on one signal', () => {
  /** The process warnings emitted while `work` runs (Node emits them on a later tick). */
  async function warningsDuring(work: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    const onWarning = (warning: Error) => seen.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      await work();
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      process.off('warning', onWarning);
    }
    return seen;
  }

  it('1,000 runs sharing one options.signal: no MaxListenersExceededWarning, one listener, none left after', async () => {
    const release = deferred();
    const controller = new AbortController();
    const hold = solid({ name: 'hold', compute: () => release.promise });
    const p = pipeline({
      name: 'shared_signal',
      modes: [mode({ loggers: {} })],
      graph: () => {
        hold();
      },
    });
    const warnings = await warningsDuring(async () => {
      const runs = Array.from({ length: 1000 }, () => execute(p, { signal: controller.signal, runConfig: { execution: { async: {} } } }));
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      release.resolve();
      const results = await Promise.all(runs);
      expect(results.every((r) => r.status === 'SUCCESS')).toBe(true);
    });
    expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('aborting the shared signal cancels every run on it, and no other', async () => {
    const controller = new AbortController();
    const hold = solid({ name: 'hold', compute: (ctx) => aborted(ctx.signal) });
    const p = pipeline({
      name: 'shared_abort',
      modes: [mode({ loggers: {} })],
      graph: () => {
        hold();
      },
    });
    const runConfig = { execution: { async: {} } };
    const shared = Array.from({ length: 20 }, () => execute(p, { signal: controller.signal, runConfig, raiseOnError: false }));
    const other = new AbortController();
    const alone = execute(p, { signal: other.signal, runConfig, raiseOnError: false });
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort();
    expect((await Promise.all(shared)).map((r) => r.status)).toEqual(Array(20).fill('CANCELED'));
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(1);
    other.abort();
    expect((await alone).status).toBe('CANCELED');
  });

  it('many concurrent computes listening to ctx.signal: no MaxListenersExceededWarning', async () => {
    const controller = new AbortController();
    const steps = Array.from({ length: 30 }, (_, i) => solid({ name: `wait_${i}`, compute: (ctx) => aborted(ctx.signal) }));
    const p = pipeline({ name: 'many_listeners', modes: [mode({ loggers: {} })], graph: () => steps.forEach((s) => s()) });
    const warnings = await warningsDuring(async () => {
      const done = execute(p, {
        signal: controller.signal,
        runConfig: { execution: { async: { config: { maxConcurrent: 64 } } } },
        raiseOnError: false,
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
      controller.abort();
      expect((await done).status).toBe('CANCELED');
    });
    expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
  });
});
