import { afterEach, describe, expect, it } from 'vitest';
import { testApp } from './fixtures.ts';

const validate = async (body: unknown) => {
  const { post } = await testApp();
  const res = await post('/api/pipelines/greet/validate', body);
  return { status: res.status, body: (await res.json()) as any };
};

const good = { solids: { hello: { config: { name: 'Ada' } } }, resources: { store: { config: { path: '/tmp/x' } } } };

afterEach(() => {
  delete process.env['PLAYGROUND_TEST_TOKEN'];
});

describe('POST /api/pipelines/:name/validate', () => {
  it('says valid, with no issues, for good run config as an object', async () => {
    expect(await validate({ mode: 'dev', runConfig: good })).toEqual({ status: 200, body: { valid: true, issues: [] } });
  });

  it('reports every issue with its path (no line without YAML)', async () => {
    const { status, body } = await validate({ mode: 'dev', runConfig: { resources: { store: { config: { pth: 'x' } } } } });
    expect(status).toBe(200);
    expect(body.valid).toBe(false);
    const paths = body.issues.map((i: any) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['resources.store.config.pth', 'resources.store.config.path']));
    expect(body.issues.every((i: any) => i.line === undefined)).toBe(true);
  });

  it('places an unknown key at the key, and a wrong value at the value, in the YAML', async () => {
    const yaml = [
      'solids:', //                       1
      '  hello:', //                      2
      '    config:', //                   3
      '      name: 42', //                4: the value, column 13
      'resources:', //                    5
      '  store:', //                      6
      '    config:', //                   7
      '      path: /tmp/x', //            8
      '      tokn: abc', //               9: the key, column 7
    ].join('\n');
    const { body } = await validate({ mode: 'dev', runConfigYaml: yaml });
    expect(body.valid).toBe(false);
    expect(body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['solids', 'hello', 'config', 'name'], line: 4, column: 13 }),
        expect.objectContaining({ path: ['resources', 'store', 'config', 'tokn'], line: 9, column: 7 }),
      ]),
    );
  });

  it('places every kind of key that should not be there at the key', async () => {
    const yaml = [
      'solids:',
      '  hello:',
      '    config: { name: Ada }',
      '    inputs: { nme: { value: 1 } }', //       4: no such input, column 15
      '  shout:',
      '    config: { loud: true }', //              6: shout takes no config, column 5
      'resources:',
      '  store: { config: { path: /x } }',
      '  cache: {}', //                             9: no such resource, column 3
      'loggers:',
      '  console: {}', //                           11: no such logger, column 3
    ].join('\n');
    const { body } = await validate({ mode: 'dev', runConfigYaml: yaml });
    const at = Object.fromEntries(body.issues.map((i: any) => [i.path.join('.'), [i.line, i.column]]));
    expect(at).toEqual({
      'solids.hello.inputs.nme': [4, 15],
      'solids.shout.config': [6, 5],
      'resources.cache': [9, 3],
      'loggers.console': [11, 3],
    });
  });

  it('places a missing field at the nearest key above it that the YAML has', async () => {
    const yaml = 'solids:\n  hello:\n    config: {}\nresources:\n  store:\n    config:\n      path: /tmp/x\n';
    const { body } = await validate({ mode: 'dev', runConfigYaml: yaml });
    expect(body.issues).toEqual([expect.objectContaining({ path: ['solids', 'hello', 'config', 'name'], line: 3, column: 5 })]);
  });

  it('answers for the mode asked, when the same (long) text comes again with another mode', async () => {
    const yaml = `# ${'notes '.repeat(1000)}\n${'solids: { hello: { config: { name: Ada } } }\nresources: { store: { config: { path: /x } } }\n'}execution:\n  workerPool: {}\n`;
    const prod = await validate({ mode: 'prod', runConfigYaml: yaml });
    expect(prod.body).toEqual({ valid: true, issues: [] });
    const dev = await validate({ mode: 'dev', runConfigYaml: yaml });
    expect(dev.body.issues).toEqual([expect.objectContaining({ path: ['execution', 'workerPool'], line: 5, column: 3 })]);
    expect((await validate({ mode: 'prod', runConfigYaml: yaml })).body.valid).toBe(true);
  });

  it('reports malformed YAML as an issue at its line and column', async () => {
    const { status, body } = await validate({ mode: 'dev', runConfigYaml: 'solids:\n  hello: {config: [}\n' });
    expect(status).toBe(200);
    expect(body.valid).toBe(false);
    expect(body.issues).toHaveLength(1);
    expect(body.issues[0]).toMatchObject({ path: [], line: 2 });
    expect(body.issues[0].message).toMatch(/^YAML syntax: /);
  });

  it('reports a key given twice in the YAML at the repeat, naming the first', async () => {
    const { body } = await validate({ mode: 'dev', runConfigYaml: 'solids: {}\nresources: {}\nsolids: {}\n' });
    expect(body.issues).toEqual([{ path: [], message: expect.stringContaining('first at line 1, column 1'), line: 3, column: 1 }]);
  });

  it('reports YAML that is not a mapping', async () => {
    const { body } = await validate({ mode: 'dev', runConfigYaml: '- a\n- b\n' });
    expect(body.issues).toEqual([{ path: [], message: expect.stringContaining('must be a mapping'), line: 1, column: 1 }]);
  });

  it("checks against the preset's mode and run config, as a launch would", async () => {
    expect((await validate({ preset: 'quick' })).body).toEqual({ valid: true, issues: [] });
    const { body } = await validate({ preset: 'quick', runConfigYaml: 'solids:\n  hello:\n    config:\n      name: 3\n' });
    expect(body.issues).toEqual([expect.objectContaining({ path: ['solids', 'hello', 'config', 'name'], line: 4, column: 13 })]);
  });

  it('reports an unknown mode, preset or a bad selection as an issue of the whole request', async () => {
    for (const [request, message] of [
      [{ mode: 'staging' }, 'pipeline "greet" has no mode "staging"; its modes are: "dev", "prod"'],
      [{ preset: 'slow' }, 'pipeline "greet" has no preset "slow"; its presets are: "quick"'],
      [{ mode: 'dev', select: 'nobody' }, expect.stringContaining('nobody')],
      [{}, expect.stringContaining('has several modes')],
    ] as const) {
      expect((await validate(request)).body).toEqual({ valid: false, issues: [{ path: [], message }] });
    }
  });

  it('refuses a body that gives the run config twice, or has an unknown field, with 400', async () => {
    const both = await validate({ mode: 'dev', runConfig: {}, runConfigYaml: '{}' });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toContain('give runConfig or runConfigYaml, not both');
    const typo = await validate({ mode: 'dev', runConfg: {} });
    expect(typo.status).toBe(400);
    expect(typo.body.error.issues[0].message).toContain('runConfg');
  });

  it('never shows the value of an { env } source in an issue', async () => {
    process.env['PLAYGROUND_TEST_TOKEN'] = 'us-s3cret';
    const { post } = await testApp();
    // The value fails a refinement whose message quotes it.
    const res = await post('/api/pipelines/greet/validate', {
      mode: 'dev',
      runConfig: { ...good, resources: { store: { config: { path: '/tmp/x', region: { env: 'PLAYGROUND_TEST_TOKEN' } } } } },
    });
    const text = await res.text();
    expect(JSON.parse(text).issues).toEqual([
      { path: ['resources', 'store', 'config', 'region'], message: 'region [redacted] is not in the EU' },
    ]);
    expect(text).not.toContain('s3cret');
  });
});
