/**
 * Run history across processes: a run recorded by `pipeline execute --history` in one
 * process is read by `modeflow runs` and the playground in others, while it goes on and
 * after its process was killed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../lib/history/history-store.ts';
import { startPlayground } from '../../lib/playground/index.ts';
import { runsListCommand, runsShowCommand } from '../../lib/cli/runs-report.ts';
import { fixture, startCli } from '../e2e/run-cli.ts';

const FILE = fixture('history-pipelines.ts');

/** Polls the history file until the run has recorded a STEP_START; returns its id. */
async function untilStepStarted(path: string): Promise<string> {
  for (;;) {
    try {
      const store = HistoryStore.open(path, { readonly: true });
      try {
        const [run] = store.listRuns({ limit: 1 });
        if (run && store.events(run.runId).some((e) => e.type === 'STEP_START')) return run.runId;
      } finally {
        store.close();
      }
    } catch {
      // Not created yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** CLI processes started by a test: a failed test must not leave one running. */
const started: ReturnType<typeof startCli>[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** `modeflow ...args`, killed after the test if still running. */
function cli(args: readonly string[]): ReturnType<typeof startCli> {
  const child = startCli(args);
  started.push(child);
  return child;
}

function exited(child: ReturnType<typeof startCli>): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('a run whose process was killed', () => {
  it('is shown as INTERRUPTED, with the events it had, by modeflow runs and by the playground', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'modeflow-crash-')), 'history.sqlite');
    const child = cli(['pipeline', 'execute', '-f', FILE, 'hang', '--history', path, '--json']);
    const runId = await untilStepStarted(path);
    const gone = exited(child);
    child.kill('SIGKILL');
    await gone;

    // `modeflow runs`, in this process (test/e2e/ui-cli.test.ts runs the binary).
    const list = JSON.parse(runsListCommand({ history: path, json: true })) as { runs: unknown[] };
    expect(list.runs).toEqual([expect.objectContaining({ runId, pipeline: 'hang', status: 'INTERRUPTED', durationMs: null })]);
    const show = runsShowCommand(runId.slice(0, 8), { history: path });
    expect(show).toContain('INTERRUPTED');
    expect(show).toContain('the run was cut off');
    expect(show).toMatch(/RUN_START[\s\S]*STEP_START/);

    const playground = await startPlayground({ files: [FILE], port: 0, history: path, log: () => undefined });
    try {
      const detail = (await (await fetch(new URL(`/api/runs/${runId}`, playground.url))).json()) as any;
      expect(detail).toMatchObject({ status: 'INTERRUPTED', state: { status: 'STARTED', steps: { hang: { status: 'RUNNING' } } } });
      const text = await (await fetch(new URL(`/api/runs/${runId}/events`, playground.url))).text();
      expect(text).toContain('"type":"STEP_START"');
      expect(text.trimEnd().endsWith('event: end\ndata: {"status":"INTERRUPTED"}')).toBe(true);
      const cancel = await fetch(new URL(`/api/runs/${runId}/cancel`, playground.url), { method: 'POST' });
      expect(cancel.status).toBe(409);
    } finally {
      await playground.close();
    }
  });
});

describe('a run going on in another process', () => {
  it('is shown as STARTED, and its event stream follows the file to the end', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'modeflow-follow-')), 'history.sqlite');
    const child = cli(['pipeline', 'execute', '-f', FILE, 'hang', '--history', path, '--json']);
    const runId = await untilStepStarted(path);
    const playground = await startPlayground({ files: [FILE], port: 0, history: path, log: () => undefined });
    try {
      const { runs } = (await (await fetch(new URL('/api/runs', playground.url))).json()) as any;
      expect(runs[0]).toMatchObject({ runId, status: 'STARTED' });
      const stream = fetch(new URL(`/api/runs/${runId}/events`, playground.url)).then((res) => res.text());
      const gone = exited(child);
      child.kill('SIGINT');
      expect(await gone).toBe(130);
      const text = await stream;
      expect(text).toContain('"type":"RUN_CANCELED"');
      expect(text.trimEnd().endsWith('event: end\ndata: {"status":"CANCELED"}')).toBe(true);
    } finally {
      await playground.close();
    }
  });
});
