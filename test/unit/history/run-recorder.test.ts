import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { asyncExecutor, memoryLogger, mode, pipeline, run, solid, type RunEvent } from '../../../lib/index.ts';
import { HistoryStore } from '../../../lib/history/history-store.ts';
import { RunRecorder } from '../../../lib/history/run-recorder.ts';

const quiet = () => mode({ loggers: { memory: memoryLogger() }, executors: [asyncExecutor] });

/** A step that waits until `release` is called, so the test can look at the file mid-run. */
function gated() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const step = solid({
    name: 'step',
    compute: async () => {
      entered();
      await gate;
      return 1;
    },
  });
  const p = pipeline({ name: 'gated', modes: [quiet()], graph: () => void step() });
  return { pipeline: p, release, inside };
}

describe('RunRecorder', () => {
  it('writes the run and its events as the run goes: another reader sees them before it ends', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'modeflow-rec-')), 'h.sqlite');
    const store = HistoryStore.open(path);
    const recorder = new RunRecorder(store);
    const { pipeline: p, release, inside } = gated();
    const done = lastValueFrom(
      run(p).pipe(
        tap((e) => recorder.add(e)),
        toArray(),
      ),
    );
    await inside;
    await new Promise((resolve) => setImmediate(resolve));
    const reader = HistoryStore.open(path, { readonly: true });
    const [mid] = reader.listRuns({ limit: 1 });
    expect(mid).toMatchObject({ pipeline: 'gated', status: 'STARTED', endedAt: null });
    expect(reader.events(mid!.runId).map((e) => e.type)).toEqual(['RUN_START', 'STEP_START']);
    release();
    const events = await done;
    const ended = reader.getRun(mid!.runId)!;
    expect(ended).toMatchObject({ status: 'SUCCESS', eventCount: events.length, durationMs: expect.any(Number) });
    const stored = reader.events(mid!.runId);
    expect(stored.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(stored.map((e) => JSON.parse(e.json) as RunEvent)).toEqual(JSON.parse(JSON.stringify(events)));
    expect(JSON.parse(reader.finalState(mid!.runId)!)).toMatchObject({ status: 'SUCCESS', steps: { step: { status: 'SUCCESS' } } });
    reader.close();
    store.close();
  });

  it('keeps the run going when the history cannot be written, and says so once', async () => {
    const store = HistoryStore.open(':memory:');
    store.close();
    const errors: unknown[] = [];
    const recorder = new RunRecorder(store, { onError: (error) => errors.push(error) });
    const p = pipeline({ name: 'fine', modes: [quiet()], graph: () => void solid({ name: 'a', compute: () => 1 })() });
    const events = await lastValueFrom(
      run(p).pipe(
        tap((e) => recorder.add(e)),
        toArray(),
      ),
    );
    expect(events.at(-1)!.type).toBe('RUN_SUCCESS');
    expect(errors).toHaveLength(1);
    expect(recorder.state.status).toBe('SUCCESS');
  });
});
