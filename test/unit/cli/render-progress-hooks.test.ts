/** The CLI's live view shows what hooks did: how many ran, how many threw, and the latest errors. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, hook, initialRunState, memoryLogger, mode, pipeline, reduceRunState, solid, successHook } from '../../../lib/index.ts';
import { renderProgress } from '../../../lib/cli/render-progress.ts';

describe('renderProgress with hooks', () => {
  it('counts the hooks that ran and threw, and shows the latest hook error under the counts', async () => {
    const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
    const p = pipeline({
      name: 'hooked',
      modes: [mode({ loggers: { memory: memoryLogger() } })],
      hooks: [
        successHook({ name: 'fine', fn: () => undefined }),
        hook({
          name: 'broken',
          on: 'runSuccess',
          fn: () => {
            throw new Error('webhook unreachable\nsecond line');
          },
        }),
      ],
      graph: () => void one(),
    });
    const result = await execute(p);
    const state = reduceRunState(initialRunState(), result.events);
    const lines = renderProgress(state, { now: state.endedAt!, width: 120 });
    expect(lines.slice(-2)).toEqual([
      '  1 done · 0 running · 0 failed · 0 skipped · 1 hook ran · 1 hook threw',
      '  ✗ hook broken threw after the run succeeded: Error: webhook unreachable',
    ]);
  });
});
