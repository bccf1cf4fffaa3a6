import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { StoredRun } from '../../../lib/history/history-store.ts';
import { shownStatus } from '../../../lib/history/run-summary.ts';

function stored(fields: Partial<StoredRun>): StoredRun {
  return {
    key: 1,
    runId: 'r',
    pipeline: 'p',
    mode: 'default',
    status: 'STARTED',
    startedAt: 1,
    endedAt: null,
    durationMs: null,
    runConfig: {},
    select: null,
    tags: {},
    preset: null,
    executor: 'sync',
    ownerPid: process.pid,
    ownerHost: hostname(),
    eventCount: 1,
    ...fields,
  };
}

describe('shownStatus', () => {
  it('shows an ended run as it ended', () => {
    for (const status of ['SUCCESS', 'FAILURE', 'CANCELED'] as const) expect(shownStatus(stored({ status }), false)).toBe(status);
  });

  it('shows a run going on in this process, or in another process still alive on this machine, as STARTED', async () => {
    expect(shownStatus(stored({}), true)).toBe('STARTED');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      expect(shownStatus(stored({ ownerPid: child.pid! }), false)).toBe('STARTED');
    } finally {
      child.kill();
    }
  });

  it('shows a run whose process is gone, or that this process does not run, as INTERRUPTED', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    expect(shownStatus(stored({ ownerPid: Number(gone.stdout) }), false)).toBe('INTERRUPTED');
    expect(shownStatus(stored({}), false)).toBe('INTERRUPTED');
    // Another machine's process cannot be asked: the run shows as cut off.
    expect(shownStatus(stored({ ownerHost: `${hostname()}-elsewhere`, ownerPid: process.ppid }), false)).toBe('INTERRUPTED');
  });
});
