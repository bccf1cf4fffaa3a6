import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { testApp } from './fixtures.ts';

describe('GET /api/pipelines', () => {
  it('lists each pipeline with its modes (resources, executors), presets and solid count', async () => {
    const { request } = await testApp();
    const res = await request('/api/pipelines');
    expect(res.status).toBe(200);
    const list = (await res.json()) as unknown[];
    expect(list).toEqual([
      {
        name: 'greet',
        description: 'greets someone loudly',
        modes: [
          { name: 'dev', description: 'on a laptop', resources: ['store'], executors: ['sync', 'async'] },
          { name: 'prod', description: null, resources: ['store'], executors: ['sync', 'async', 'workerPool', 'virtualTime'] },
        ],
        presets: [{ name: 'quick', mode: 'dev' }],
        solids: 2,
      },
      {
        name: 'slow',
        description: null,
        modes: [{ name: 'default', description: null, resources: ['slow'], executors: ['async'] }],
        presets: [],
        solids: 1,
      },
    ]);
  });
});

describe('GET /api/pipelines/:name', () => {
  it('gives the graph: each solid with where its inputs come from, its outputs and resources', async () => {
    const { request } = await testApp();
    const graph = (await (await request('/api/pipelines/greet')).json()) as { solids: unknown[]; presets: unknown[] };
    expect(graph.solids).toEqual([
      { name: 'hello', definition: 'hello', description: 'says hello', inputs: [], outputs: ['result'], resources: ['store'] },
      {
        name: 'shout',
        definition: 'shout',
        description: null,
        inputs: [{ name: 'text', from: { solid: 'hello', output: 'result' } }],
        outputs: ['result'],
        resources: [],
      },
    ]);
  });

  it('gives each preset with what picking it sets: mode, run config (also as YAML), selection, tags', async () => {
    const { request } = await testApp();
    const graph = (await (await request('/api/pipelines/greet')).json()) as { presets: Array<Record<string, unknown>> };
    const [quick] = graph.presets;
    expect(quick).toMatchObject({ name: 'quick', mode: 'dev', select: null, tags: { team: 'data' } });
    expect(parse(quick!['runConfigYaml'] as string)).toEqual(quick!['runConfig']);
  });

  it('answers 404 for an unknown pipeline, naming the pipelines there are', async () => {
    const { request } = await testApp();
    const res = await request('/api/pipelines/gret');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: 'no pipeline "gret"; the playground serves: "greet", "slow"' } });
  });
});

describe('GET /api/pipelines/:name/modes/:mode/schema and /scaffold', () => {
  it("gives the mode's run-config JSON Schema, which differs between modes", async () => {
    const { request } = await testApp();
    const dev = (await (await request('/api/pipelines/greet/modes/dev/schema')).json()) as any;
    const prod = (await (await request('/api/pipelines/greet/modes/prod/schema')).json()) as any;
    expect(Object.keys(dev.properties.execution.properties)).toEqual(['sync', 'async']);
    expect(Object.keys(prod.properties.execution.properties)).toEqual(['sync', 'async', 'workerPool', 'virtualTime']);
    expect(dev.properties.solids.properties.hello).toBeDefined();
  });

  it('answers 404 for a mode the pipeline lacks, naming its modes', async () => {
    const { request } = await testApp();
    for (const path of ['/api/pipelines/greet/modes/staging/schema', '/api/pipelines/greet/modes/staging/scaffold']) {
      const res = await request(path);
      expect(res.status).toBe(404);
      expect(((await res.json()) as any).error.message).toBe('pipeline "greet" has no mode "staging"; its modes are: "dev", "prod"');
    }
  });

  it('narrows the schema and skeleton to a selection with ?select=, and answers 400 for a bad one', async () => {
    const { request } = await testApp();
    const whole = (await (await request('/api/pipelines/greet/modes/dev/schema')).json()) as any;
    const shoutOnly = (await (await request('/api/pipelines/greet/modes/dev/schema?select=shout')).json()) as any;
    // shout alone takes its input from run config; in the whole pipeline hello feeds it.
    expect(shoutOnly.properties.solids.properties.shout.properties.inputs.properties.text).toBeDefined();
    expect(JSON.stringify(whole.properties.solids.properties.shout)).not.toContain('"text"');
    const scaffold = parse(await (await request('/api/pipelines/greet/modes/dev/scaffold?select=shout')).text());
    expect(scaffold.solids.shout.inputs.text).toBeDefined();
    const bad = await request('/api/pipelines/greet/modes/dev/schema?select=nobody');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toContain('nobody');
  });

  it('gives a YAML skeleton as text/yaml', async () => {
    const { request } = await testApp();
    const res = await request('/api/pipelines/greet/modes/dev/scaffold');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/yaml/);
    const text = await res.text();
    expect(parse(text)).toMatchObject({ solids: { hello: { config: { name: null } } }, resources: { store: { config: { path: null } } } });
  });
});
