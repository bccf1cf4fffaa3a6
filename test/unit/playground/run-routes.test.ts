import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryLogger, mode, pipeline, solid } from '../../../lib/index.ts';
import { slowProbe, testApp } from './fixtures.ts';

const quick = { pipeline: 'greet', preset: 'quick' };

afterEach(() => {
  delete process.env['PLAYGROUND_TEST_SECRET'];
});

/** Waits until `check` holds, polling (no timing assertion: the test's own timeout bounds it). */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('POST /api/runs', () => {
  it('answers 201 with the run id once the run is prepared, and the run is recorded', async () => {
    const { post, request } = await testApp();
    const res = await post('/api/runs', { ...quick, tags: { who: 'test' } });
    expect(res.status).toBe(201);
    const { runId } = (await res.json()) as { runId: string };
    // The sync executor finished the run inside the request.
    const run = (await (await request(`/api/runs/${runId}`)).json()) as any;
    expect(run).toMatchObject({
      runId,
      pipeline: 'greet',
      mode: 'dev',
      status: 'SUCCESS',
      select: null,
      tags: { team: 'data', who: 'test' },
    });
    expect(run.runConfig).toEqual({ solids: { hello: { config: { name: 'Ada' } } }, resources: { store: { config: { path: '/tmp/x' } } } });
    expect(run.state.steps.shout.status).toBe('SUCCESS');
    expect(run.state.status).toBe('SUCCESS');
    expect(typeof run.durationMs).toBe('number');
  });

  it('answers 400 with every issue, placed in the YAML, for bad run config; nothing is recorded', async () => {
    const { post, request } = await testApp();
    const res = await post('/api/runs', { pipeline: 'greet', mode: 'dev', runConfigYaml: 'solids:\n  hello:\n    config: { nme: Ada }\n' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.message).toMatch(/^invalid run config/);
    expect(body.error.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: ['solids', 'hello', 'config', 'nme'], line: 3, column: 15 })]),
    );
    expect(((await (await request('/api/runs')).json()) as any).runs).toEqual([]);
  });

  it('answers 400 for an unknown mode or preset, and 404 for an unknown pipeline, naming what exists', async () => {
    const { post } = await testApp();
    const mode = await post('/api/runs', { pipeline: 'greet', mode: 'staging' });
    expect(mode.status).toBe(400);
    expect(((await mode.json()) as any).error.message).toBe('pipeline "greet" has no mode "staging"; its modes are: "dev", "prod"');
    const preset = await post('/api/runs', { pipeline: 'greet', preset: 'fast' });
    expect(preset.status).toBe(400);
    const unknown = await post('/api/runs', { pipeline: 'great' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error.message).toContain('"greet", "slow"');
  });

  it('answers 400 with the line of malformed YAML', async () => {
    const { post } = await testApp();
    const res = await post('/api/runs', { pipeline: 'greet', mode: 'dev', runConfigYaml: 'solids: [\n' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.issues[0]).toMatchObject({ path: [], line: 2 });
  });
});

describe('GET /api/runs', () => {
  it('lists runs newest first, a page at a time, with a cursor to the next page', async () => {
    const { post, request } = await testApp();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(((await (await post('/api/runs', { ...quick, tags: { i } })).json()) as any).runId);
    const first = (await (await request('/api/runs?limit=2')).json()) as any;
    expect(first.runs.map((r: any) => r.runId)).toEqual([ids[4], ids[3]]);
    expect(first.runs[0]).toEqual({
      runId: ids[4],
      pipeline: 'greet',
      mode: 'dev',
      status: 'SUCCESS',
      startedAt: expect.any(Number),
      durationMs: expect.any(Number),
      tags: { team: 'data', i: 4 },
    });
    const second = (await (await request(`/api/runs?limit=2&before=${first.next}`)).json()) as any;
    expect(second.runs.map((r: any) => r.runId)).toEqual([ids[2], ids[1]]);
    const last = (await (await request(`/api/runs?limit=2&before=${second.next}`)).json()) as any;
    expect(last.runs.map((r: any) => r.runId)).toEqual([ids[0]]);
    expect(last.next).toBeUndefined();
  });

  it('refuses a limit that is no whole number from 1 to 500', async () => {
    const { request } = await testApp();
    for (const limit of ['0', '501', 'ten']) expect((await request(`/api/runs?limit=${limit}`)).status).toBe(400);
  });
});

describe('GET /api/runs/:id', () => {
  it('answers 404 for a run it does not know', async () => {
    const { request } = await testApp();
    const res = await request('/api/runs/nope');
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.message).toContain('no run "nope"');
  });

  it('shows a live run as STARTED with its state so far', async () => {
    const { post, request } = await testApp();
    const { runId } = (await (await post('/api/runs', { pipeline: 'slow' })).json()) as any;
    await until(() => slowProbe.started.includes(runId));
    const run = (await (await request(`/api/runs/${runId}`)).json()) as any;
    expect(run).toMatchObject({
      status: 'STARTED',
      durationMs: null,
      state: { status: 'STARTED', steps: { wait: { status: 'RUNNING' } } },
    });
    await post(`/api/runs/${runId}/cancel`, {});
    await until(async () => ((await (await request(`/api/runs/${runId}`)).json()) as any).status === 'CANCELED');
  });
});

describe('POST /api/runs/:id/cancel', () => {
  it('answers 202; the run ends RUN_CANCELED with its resources torn down', async () => {
    const { post, request, runs } = await testApp();
    const { runId } = (await (await post('/api/runs', { pipeline: 'slow' })).json()) as any;
    await until(() => slowProbe.started.includes(runId));
    const res = await post(`/api/runs/${runId}/cancel`, {});
    expect(res.status).toBe(202);
    await until(() => runs.get(runId) === undefined);
    expect(slowProbe.tornDown).toContain(runId);
    const run = (await (await request(`/api/runs/${runId}`)).json()) as any;
    expect(run.status).toBe('CANCELED');
    expect(run.state.resources.slow).toBe('TORN_DOWN');
  });

  it('answers 409 for a run that has ended, and 404 for an unknown one', async () => {
    const { post } = await testApp();
    const { runId } = (await (await post('/api/runs', quick)).json()) as any;
    const ended = await post(`/api/runs/${runId}/cancel`, {});
    expect(ended.status).toBe(409);
    expect(((await ended.json()) as any).error.message).toContain('already ended (SUCCESS)');
    expect((await post('/api/runs/nope/cancel', {})).status).toBe(404);
  });
});

describe('secrets in answers', () => {
  const leak = solid({
    name: 'leak',
    config: z.object({ password: z.string() }),
    output: z.string(),
    compute: (ctx) => {
      ctx.log.info(`connecting with ${ctx.config.password}`);
      throw new Error(`login failed for password ${ctx.config.password}`);
    },
  });
  const leaky = pipeline({ name: 'leaky', modes: [mode({ loggers: { memory: memoryLogger() } })], graph: () => void leak() });

  it('shows { env } sources by name in runConfig, and their values redacted in state and events', async () => {
    process.env['PLAYGROUND_TEST_SECRET'] = 'hunter2-s3cret';
    const { post, request } = await testApp([leaky]);
    const res = await post('/api/runs', {
      pipeline: 'leaky',
      runConfig: { solids: { leak: { config: { password: { env: 'PLAYGROUND_TEST_SECRET' } } } } },
    });
    const { runId } = (await res.json()) as any;
    const detail = await (await request(`/api/runs/${runId}`)).text();
    expect(JSON.parse(detail).runConfig.solids.leak.config.password).toEqual({ env: 'PLAYGROUND_TEST_SECRET' });
    expect(JSON.parse(detail).state.steps.leak.error.message).toBe('login failed for password [redacted]');
    const events = await (await request(`/api/runs/${runId}/events`)).text();
    expect(events).toContain('[redacted]');
    for (const text of [detail, events, await (await request('/api/runs')).text()]) expect(text).not.toContain('s3cret');
  });
});
