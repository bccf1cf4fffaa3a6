/** The CLI's live progress block, as drawn between log lines during a run. */
import { lastValueFrom, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LiveView } from '../../../lib/cli/live-view.ts';
import { memoryLogger, mode, pipeline, run, solid } from '../../../lib/index.ts';

const one = solid({ name: 'one', compute: () => 1 });
const two = solid({ name: 'two', compute: (ctx) => (ctx.log.info('working'), 2) });
const p = pipeline({
  name: 'p',
  modes: [mode({ loggers: { memory: memoryLogger() } })],
  graph: () => {
    one();
    two();
  },
});

function view() {
  const writes: string[] = [];
  const live = new LiveView({ write: (text) => writes.push(text), columns: () => 100, rows: () => 30, color: false, tickMs: 60_000 });
  return { live, writes };
}

describe('LiveView', () => {
  it('redraws the block under a log line with the events so far, even when the timer never got a turn (a synchronous run)', async () => {
    const { live, writes } = view();
    live.start();
    await lastValueFrom(
      run(p).pipe(
        tap((event) => {
          live.push(event);
          if (event.type === 'STEP_SUCCESS' && event.solid === 'one') live.above('a line a solid printed\n');
        }),
      ),
    );
    const underTheLine = writes.find((w) => w.includes('a line a solid printed'))!;
    expect(underTheLine).not.toContain('starting…');
    expect(underTheLine).toContain('1 done');
    const final = live.finish();
    expect(final.status).toBe('SUCCESS');
    expect(writes.at(-1)).toContain('2 done');
  });

  it('leaves no block for a run that never started', () => {
    const { live, writes } = view();
    live.start();
    live.finish();
    expect(writes.join('')).not.toContain('done');
  });
});
