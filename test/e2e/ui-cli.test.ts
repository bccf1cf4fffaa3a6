/**
 * `modeflow ui`, `modeflow runs` and `pipeline execute --history` as users run them: the
 * built binary in a child process.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { events, fixture, runCli, startCli } from './run-cli.ts';

const FILE = fixture('history-pipelines.ts');
const scratch = () => join(mkdtempSync(join(tmpdir(), 'modeflow-ui-')), 'history.sqlite');

/** Servers started by a test: a failed test must not leave one running. */
const started: ReturnType<typeof startCli>[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts `modeflow ui ...args` and resolves once it printed its URL line, with everything it printed. */
function startUi(args: readonly string[]) {
  const child = startCli(['ui', ...args]);
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^modeflow playground: (http:\/\/\S+)\n/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exit.then((code) => reject(new Error(`modeflow ui exited ${code} before listening:\n${stdout}\n${stderr}`)));
  });
  return { child, url, exit, output: () => ({ stdout, stderr }) };
}

describe('modeflow ui', () => {
  it('prints exactly its URL line once listening, serves the API, and on SIGTERM cancels the runs going on and exits 0', async () => {
    const history = scratch();
    const ui = startUi(['-f', FILE, '--port', '0', '--history', history]);
    const url = await ui.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const pipelines = (await (await fetch(new URL('/api/pipelines', url))).json()) as { name: string }[];
    expect(pipelines.map((p) => p.name).sort()).toEqual(['hang', 'quick']);

    const launched = await fetch(new URL('/api/runs', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pipeline: 'hang' }),
    });
    const { runId } = (await launched.json()) as { runId: string };
    const stream = (await fetch(new URL(`/api/runs/${runId}/events`, url))).body!.pipeThrough(new TextDecoderStream()).getReader();
    for (let seen = ''; !seen.includes('"STEP_START"');) seen += (await stream.read()).value ?? '';

    ui.child.kill('SIGTERM');
    expect(await ui.exit).toBe(0);
    expect(ui.output().stdout).toBe(`modeflow playground: ${url}\n`);

    const shown = runCli(['runs', 'show', runId, '--history', history, '--json']);
    const { run, events: recorded } = JSON.parse(shown.stdout) as { run: { status: string }; events: { type: string }[] };
    expect(run.status).toBe('CANCELED');
    expect(recorded.map((e) => e.type)).toEqual(expect.arrayContaining(['RESOURCE_TEARDOWN', 'RUN_CANCELED']));
  });

  it('refuses a port that is taken, or no port at all, with exit 2 and what to do', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const busy = runCli(['ui', '-f', FILE, '--port', String(port), '--no-history']);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`port ${port} on 127.0.0.1 is in use; pass another port (--port N, or 0 for any free one)`);
    } finally {
      taken.close();
    }
    const bad = runCli(['ui', '-f', FILE, '--port', 'http']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port must be a port number from 0 to 65535');
  });
});

describe('pipeline execute --history and modeflow runs', () => {
  it('records the run (stdout keeps only the events), lists it in a table and shows it by a short id', () => {
    const history = scratch();
    const executed = runCli([
      'pipeline',
      'execute',
      '-f',
      FILE,
      'quick',
      '--history',
      history,
      '--json',
      '-c',
      fixture('history-name.yaml'),
    ]);
    expect(executed.code).toBe(0);
    const emitted = events(executed.stdout);
    const runId = emitted[0]!.runId as string;
    expect(executed.stderr).toContain(`run recorded in ${history}`);

    const list = runCli(['runs', 'list', '--history', history]);
    expect(list.code).toBe(0);
    const [head, row] = list.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^RUN ID\s+PIPELINE\s+MODE\s+STATUS\s+STARTED\s+DURATION$/);
    expect(row).toMatch(new RegExp(`^${runId}\\s+quick\\s+dev\\s+SUCCESS\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\d+ ms$`));

    const show = runCli(['runs', 'show', runId.slice(0, 6), '--history', history, '--json']);
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout) as { run: Record<string, unknown>; events: unknown[] };
    expect(shown.run).toMatchObject({
      runId,
      pipeline: 'quick',
      mode: 'dev',
      status: 'SUCCESS',
      runConfig: { solids: { greet: { config: { name: 'Ada' } } } },
    });
    expect(shown.events).toEqual(emitted);

    const text = runCli(['runs', 'show', runId, '--history', history]);
    expect(text.stdout).toContain(`run ${runId}  SUCCESS`);
    expect(text.stdout).toContain('STEP_OUTPUT');
    expect(text.stdout).toContain('"hello Ada"');
  });

  it('says which runs there are when asked for one that is not recorded (exit 2)', () => {
    const history = scratch();
    expect(runCli(['pipeline', 'execute', '-f', FILE, 'quick', '--history', history, '--json']).code).toBe(0);
    const missing = runCli(['runs', 'show', 'no-such-run', '--history', history]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no run "no-such-run" in .*; the latest are: [0-9a-f-]{36} \(see modeflow runs list\)/);
  });

  it('lists nothing, saying how runs get recorded, when there is no history yet', () => {
    const empty = runCli(['runs', 'list', '--history', scratch()]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('runs are recorded by `modeflow ui` and by `modeflow pipeline execute --history`');
  });
});
