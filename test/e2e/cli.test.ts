import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assertBuilt, events, fixture, root, runCli, startCli } from './run-cli.ts';

const ts = fixture('pipelines.ts');
const js = fixture('single.js');
const tmp = mkdtempSync(join(tmpdir(), 'modeflow-cli-'));

const outputOf = (stdout: string, solid: string) => events(stdout).find((e) => e.type === 'STEP_OUTPUT' && e['solid'] === solid)?.['value'];

describe('modeflow pipeline execute', () => {
  it('runs a pipeline from a .ts module and exits 0, one plain line per event', () => {
    const plain = runCli(['pipeline', 'execute', '-f', ts, 'chain']);
    expect(plain.stderr).not.toContain('modeflow:');
    expect(plain.code).toBe(0);
    const lines = plain.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} [A-Z_]+ +\S/);
    expect(lines[0]).toContain('RUN_START');
    expect(lines.at(-1)).toMatch(/RUN_SUCCESS +run succeeded in \d+ ms$/);
    expect(plain.stdout).toContain('step times_ten yielded output "result": 20');

    const json = runCli(['pipeline', 'execute', '-f', ts, 'chain', '--json']);
    expect(lines).toHaveLength(events(json.stdout).length);
  });

  it('shows each log record once without a terminal: its plain line on stdout, nothing on stderr', () => {
    const result = runCli(['pipeline', 'execute', '-f', js]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter((l) => l.includes('saying hello'))).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} LOG +info \[hello\] saying hello$/),
    ]);
    expect(result.stdout.split('\n').filter((l) => l.includes('RUN_START'))).toHaveLength(1);
    expect(result.stderr).not.toContain('saying hello');
    expect(result.stderr).not.toContain('RUN_START');
  });

  it('runs a pipeline from a .js module that imports the built package', () => {
    const result = runCli(['pipeline', 'execute', '-f', js, '--json']);
    expect(result.code).toBe(0);
    expect(outputOf(result.stdout, 'hello')).toBe('hello js');
  });

  it('runs a .ts module of a CommonJS package, in process and on worker threads', () => {
    const file = fixture('commonjs/pipelines.ts');
    const inProcess = runCli(['pipeline', 'execute', '-f', file, '--json']);
    expect(inProcess.stderr).not.toContain('modeflow:');
    expect(inProcess.code).toBe(0);
    expect(outputOf(inProcess.stdout, 'double')).toBe(2);
    const onWorkers = runCli(['pipeline', 'execute', '-f', file, '-c', fixture('commonjs/workers.yaml'), '--json']);
    expect(onWorkers.code).toBe(0);
    expect(events(onWorkers.stdout)[0]?.['executor']).toBe('workerPool');
    expect(outputOf(onWorkers.stdout, 'double')).toBe(2);
  });

  it('prints NDJSON events only on stdout with --json, logs on stderr', () => {
    const result = runCli(['pipeline', 'execute', '-f', js, '--json']);
    const all = events(result.stdout);
    expect(all[0]!.type).toBe('RUN_START');
    expect(all.at(-1)!.type).toBe('RUN_SUCCESS');
    expect(all.every((e) => typeof e['runId'] === 'string' && typeof e['timestamp'] === 'number')).toBe(true);
    expect(all.find((e) => e.type === 'LOG')?.['message']).toBe('saying hello');
    expect(result.stderr).toContain('saying hello');
  });

  it('keeps stdout for events under --json even when a log sink or a solid writes there', () => {
    const result = runCli(['pipeline', 'execute', '-f', fixture('noisy.ts'), '--json']);
    expect(result.code).toBe(0);
    expect(events(result.stdout).map((e) => e.type)).toContain('RUN_SUCCESS');
    expect(result.stderr).toContain('console.log from a solid');
    expect(result.stderr).toContain('a raw stdout write');
    expect(result.stderr).toContain('"msg":"logged through ctx.log"');
  });

  it('exits 1 on a failed run, with each failed step, its error and where it was thrown', () => {
    const result = runCli(['pipeline', 'execute', '-f', ts, 'failing']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('modeflow: run failed (pipeline "failing", mode "default"): 1 step failed, 1 skipped, 1 succeeded');
    expect(result.stderr).toContain('✗ step boom: Error: kaboom: the answer was not 42');
    expect(result.stderr).toMatch(/at .*pipelines\.ts:\d+:\d+/);
    expect(result.stdout).toContain('step independent succeeded');
    expect(result.stdout).toContain('step after_boom skipped');
  });

  it('deep-merges several -c files, later files winning', () => {
    const ab = runCli(['pipeline', 'execute', '-f', ts, 'chain', '--json', '-c', fixture('merge-a.yaml'), '-c', fixture('merge-b.yaml')]);
    expect(ab.code).toBe(0);
    expect(outputOf(ab.stdout, 'echo_config')).toEqual({ greeting: 'hello', target: 'from-b', nested: { x: 1, y: 2 } });
    const ba = runCli(['pipeline', 'execute', '-f', ts, 'chain', '--json', '-c', fixture('merge-b.yaml'), '-c', fixture('merge-a.yaml')]);
    expect(outputOf(ba.stdout, 'echo_config')).toEqual({ greeting: 'hello', target: 'from-a', nested: { x: 1, y: 1 } });
  });

  it('runs a preset, and refuses --preset with -c (exit 2)', () => {
    const preset = runCli(['pipeline', 'execute', '-f', ts, 'chain', '--preset', 'from_five', '--json']);
    expect(preset.code).toBe(0);
    expect(outputOf(preset.stdout, 'times_ten')).toBe(60);

    const both = runCli(['pipeline', 'execute', '-f', ts, 'chain', '--preset', 'from_five', '-c', fixture('merge-a.yaml')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--preset and -c cannot be combined');
    expect(both.stdout).toBe('');

    const unknown = runCli(['pipeline', 'execute', '-f', ts, 'chain', '--preset', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('has no preset "nope"; its presets are: "from_five"');
  });

  it('runs only the selected solids, taking unwired inputs from run config', () => {
    const result = runCli(['pipeline', 'execute', '-f', ts, 'chain', '-s', 'add_one*', '-c', fixture('select-inputs.yaml'), '--json']);
    expect(result.code).toBe(0);
    const started = events(result.stdout)
      .filter((e) => e.type === 'STEP_START')
      .map((e) => e['stepKey']);
    expect(started).toEqual(['add_one', 'times_ten']);
    expect(outputOf(result.stdout, 'times_ten')).toBe(60);

    const bad = runCli(['pipeline', 'execute', '-f', ts, 'chain', '-s', 'no_such_solid']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('matches no solid of pipeline "chain"');
  });

  it("takes Dagster's --solid-selection as -s", () => {
    const result = runCli([
      'pipeline',
      'execute',
      '-f',
      ts,
      'chain',
      '--solid-selection',
      'add_one*',
      '-c',
      fixture('select-inputs.yaml'),
      '--json',
    ]);
    expect(result.code).toBe(0);
    const started = events(result.stdout)
      .filter((e) => e.type === 'STEP_START')
      .map((e) => e['stepKey']);
    expect(started).toEqual(['add_one', 'times_ten']);
  });

  it('passes --tags to the run, and refuses tags that are not a JSON object', () => {
    const result = runCli(['pipeline', 'execute', '-f', ts, 'chain', '--tags', '{"team":"data"}', '--json']);
    expect(events(result.stdout)[0]!['tags']).toEqual({ team: 'data' });
    const bad = runCli(['pipeline', 'execute', '-f', ts, 'chain', '--tags', '[1]']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--tags must be a JSON object');
  });

  it('exits 2 on invalid config with every issue, the valid keys and a scaffold-config hint', () => {
    const result = runCli(['pipeline', 'execute', '-f', ts, 'store_pipeline', '-d', 'prod', '-c', fixture('store-bad.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('invalid run config for pipeline "store_pipeline" in mode "prod" (3 issues)');
    expect(result.stderr).toContain('resources.store.config.path: Invalid input: expected string');
    expect(result.stderr).toContain('resources.store.config.retries: Invalid input: expected number');
    expect(result.stderr).toContain('resources.store.config.paht: unknown key "paht"; valid: "path", "retries"');
    expect(result.stderr).toMatch(/resources: +store/);
    expect(result.stderr).toMatch(/execution: +sync, async/);
    expect(result.stderr).toContain(`modeflow pipeline scaffold-config -f ${ts} store_pipeline -d prod`);
  });

  it('names the valid keys where an unknown key was given', () => {
    const file = join(tmp, 'typo.yaml');
    writeFileSync(file, 'solids:\n  echo_config:\n    confg: {}\n');
    const result = runCli(['pipeline', 'execute', '-f', ts, 'chain', '-c', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('solids.echo_config.confg: unknown key "confg" in solids.echo_config; valid: "inputs", "config"');
  });

  it('reports an unknown key inside a config object at its own path, naming the valid keys', () => {
    const file = join(tmp, 'strict.yaml');
    writeFileSync(file, 'resources:\n  api:\n    config: { url: "http://x", timeout: 5 }\n');
    const result = runCli(['pipeline', 'execute', '-f', fixture('strict.ts'), '-c', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('  - resources.api.config.timeout: unknown key "timeout"; valid: "url", "timeoutMs"\n');
  });

  it('refuses a typo in a plain z.object config (exit 2) instead of running on defaults', () => {
    const file = join(tmp, 'typo-config.yaml');
    writeFileSync(file, 'resources:\n  api:\n    config: { url: "http://x" }\n  cache:\n    config: { sizee: 5 }\n');
    const result = runCli(['pipeline', 'execute', '-f', fixture('strict.ts'), '-c', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('  - resources.cache.config.sizee: unknown key "sizee"; valid: "size"\n');
  });

  it('reports a top-level __proto__ key as the unknown key __proto__, not as the keys under it', () => {
    const file = join(tmp, 'proto.yaml');
    writeFileSync(file, '__proto__: { polluted: yes }\n');
    const result = runCli(['pipeline', 'execute', '-f', fixture('strict.ts'), '-c', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '  - __proto__: unknown key "__proto__" in run config; valid: "solids", "resources", "loggers", "execution"',
    );
    expect(result.stderr).not.toContain('polluted');
  });

  it('refuses a -c file that repeats a key, naming file:line:col', () => {
    const file = join(tmp, 'dup-key.yaml');
    writeFileSync(file, 'resources:\n  api:\n    config: { url: "http://x" }\n  api: {}\n');
    const result = runCli(['pipeline', 'execute', '-f', fixture('strict.ts'), '-c', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`-c: ${file}:4:3: duplicate key "api" (first at ${file}:2:3)`);
  });

  it('reports an unset { env: NAME } variable as a config issue (exit 2)', () => {
    const args = ['pipeline', 'execute', '-f', ts, 'store_pipeline', '-d', 'dev', '-c', fixture('store-env.yaml'), '--json'];
    const unset = runCli(args, { env: { MODEFLOW_TEST_STORE_PATH: undefined } });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('resources.store.config.path');
    expect(unset.stderr).toContain('MODEFLOW_TEST_STORE_PATH');
    const set = runCli(args, { env: { MODEFLOW_TEST_STORE_PATH: '/srv/store' } });
    expect(set.code).toBe(0);
    // A value read from the environment is a secret: events show the reference, never the value.
    expect(set.stdout).not.toContain('/srv/store');
    expect(outputOf(set.stdout, 'use_store')).toBe('[redacted]');
    expect(events(set.stdout)[0]!['runConfig']).toEqual({
      resources: { store: { config: { path: { env: 'MODEFLOW_TEST_STORE_PATH' } } } },
    });
  });

  it('keeps a { env: NAME } value out of --json output when the step logs it on a worker thread', () => {
    const args = ['pipeline', 'execute', '-f', ts, 'store_pipeline', '-d', 'dev', '-c', fixture('store-env.yaml'), '--json'];
    const onThreads = runCli([...args, '-c', fixture('worker-pool.yaml')], { env: { MODEFLOW_TEST_STORE_PATH: '/srv/store' } });
    expect(onThreads.code).toBe(0);
    expect(events(onThreads.stdout)[0]).toMatchObject({ type: 'RUN_START', executor: 'workerPool' });
    const logged = events(onThreads.stdout).find((e) => e.type === 'LOG' && e['solid'] === 'use_store');
    expect(logged).toMatchObject({ message: 'using the store at [redacted]', fields: { path: '[redacted]' } });
    expect(onThreads.stdout + onThreads.stderr).not.toContain('/srv/store');
  });

  it('exits 2 for an unknown mode, listing the modes, and when a mode must be chosen', () => {
    const unknown = runCli(['pipeline', 'execute', '-f', ts, 'store_pipeline', '-d', 'staging']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('has no mode "staging"; its modes are: "dev", "prod"');
    const none = runCli(['pipeline', 'execute', '-f', ts, 'store_pipeline']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('"dev", "prod"');
  });

  it('asks which pipeline when a module exports several, and names them', () => {
    const result = runCli(['pipeline', 'execute', '-f', ts]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('exports several pipelines; name one (NAME or -p NAME): "chain", "failing", "slow", "store_pipeline"');
    expect(runCli(['pipeline', 'execute', '-f', ts, '-p', 'chain']).code).toBe(0);
    const missing = runCli(['pipeline', 'execute', '-f', ts, 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('has no pipeline "nope"; it exports: "chain"');
    const twice = runCli(['pipeline', 'execute', '-f', ts, 'chain', '-p', 'slow']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('two pipeline names given');
  });

  it('exits 2 when the module is missing, fails to load, or exports no pipeline', () => {
    const missing = runCli(['pipeline', 'execute', '-f', 'nope/missing.ts']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot find pipeline module nope/missing.ts');
    const broken = runCli(['pipeline', 'execute', '-f', fixture('broken.ts')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(
      'cannot load test/e2e/fixtures/broken.ts: InvalidDefinitionError: pipeline "broken": two different solids are named "a"',
    );
    const empty = runCli(['pipeline', 'execute', '-f', fixture('no-pipeline.js')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('exports no pipeline');
  });

  it('exits 2 for a config file that is missing or not a mapping', () => {
    const missing = runCli(['pipeline', 'execute', '-f', ts, 'chain', '-c', 'nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read config file nope.yaml');
    const file = join(tmp, 'list.yaml');
    writeFileSync(file, '- 1\n- 2\n');
    const list = runCli(['pipeline', 'execute', '-f', ts, 'chain', '-c', file]);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('must hold a mapping');
  });

  it('cancels the run on Ctrl-C: RUN_CANCELED, resources torn down, exit 130', async () => {
    const file = join(tmp, 'slow.yaml');
    writeFileSync(
      file,
      'solids:\n  load_orders: {config: {ms: 20000}}\n  load_customers: {config: {ms: 20000}}\nexecution:\n  async: {}\n',
    );
    const child = startCli(['pipeline', 'execute', '-f', ts, 'slow', '-c', file, '--json']);
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!sent && stdout.includes('"working for 20000 ms"')) {
        sent = true; // one Ctrl-C: a second one quits at once
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(events(stdout).at(-1)!.type).toBe('RUN_CANCELED');
  });
});

describe('modeflow usage errors', () => {
  it('exits 2 for an unknown option or a missing -f, and 0 for --help and --version', () => {
    const unknown = runCli(['pipeline', 'execute', '-f', ts, '--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--frobnicate'");
    const noFile = runCli(['pipeline', 'execute', 'chain']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain("required option '-f, --file <file>' not specified");
    const help = runCli(['pipeline', 'execute', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('-d, --mode <mode>');
    const version = runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('runs as `npx modeflow` from this repository (the bin is executable)', () => {
    const result = spawnSync('npx', ['--no-install', 'modeflow', '--version'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).not.toContain('Permission denied');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('modeflow pipeline list / print / scaffold-config / config-schema', () => {
  it('lists the pipelines of a module with their modes and presets', () => {
    const result = runCli(['pipeline', 'list', '-f', ts]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('chain — a three-step chain and a config echo\n  modes:   default\n  presets: from_five\n  solids:  4');
    expect(result.stdout).toContain('store_pipeline\n  modes:   dev, prod');
    expect(runCli(['pipeline', 'list', '-f', js]).stdout).toContain('js_pipeline');
  });

  it('prints the graph as text', () => {
    const result = runCli(['pipeline', 'print', '-f', ts, 'chain']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('solids (4, in run order):');
    expect(result.stdout).toContain('  add_one\n      inputs:    x ← start\n      outputs:   result → times_ten');
  });

  it('scaffolds a YAML run config with every field, which runs as is when nothing is required', () => {
    const result = runCli(['pipeline', 'scaffold-config', '-f', ts, 'store_pipeline', '-d', 'prod']);
    expect(result.code).toBe(0);
    const config = parse(result.stdout) as Record<string, any>;
    expect(config['resources'].store.config).toEqual({ path: null, retries: 3 });
    expect(config['loggers'].console.config).toEqual({ level: 'info' });
    expect(config['execution']).toEqual({ sync: {} });
    expect(result.stdout).toContain('path: null  # required: string');
    expect(result.stdout).toContain('# async:');

    const chain = runCli(['pipeline', 'scaffold-config', '-f', ts, 'chain']);
    const file = join(tmp, 'chain.yaml');
    writeFileSync(file, chain.stdout);
    expect(parse(chain.stdout).solids.echo_config.config).toEqual({ greeting: 'hi', target: 'world', nested: { x: 0, y: 0 } });
    expect(runCli(['pipeline', 'execute', '-f', ts, 'chain', '-c', file]).code).toBe(0);

    const noMode = runCli(['pipeline', 'scaffold-config', '-f', ts, 'store_pipeline']);
    expect(noMode.code).toBe(2);
    expect(noMode.stderr).toContain('"dev", "prod"');
  });

  it("prints the JSON Schema of a mode's run config", () => {
    const result = runCli(['pipeline', 'config-schema', '-f', ts, 'store_pipeline', '-d', 'dev']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { properties: Record<string, { properties: Record<string, unknown> }> };
    expect(Object.keys(schema.properties)).toEqual(['solids', 'resources', 'loggers', 'execution']);
    expect(Object.keys(schema.properties['resources']!.properties)).toEqual(['store']);
    expect(runCli(['pipeline', 'config-schema', '-f', ts, 'store_pipeline', '-d', 'nope']).code).toBe(2);
  });
});

const hasScript = spawnSync('script', ['--version']).status === 0;

describe.skipIf(!hasScript)('the live view on a terminal (pseudo-TTY through script(1))', () => {
  const onTty = (env: Record<string, string>) => {
    assertBuilt();
    const command = `${JSON.stringify(process.execPath)} dist/lib/cli/main.js pipeline execute -f ${ts} chain`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
    return { code: result.status, output: result.stdout };
  };

  it('draws the progress block and leaves the final one on screen', () => {
    const { code, output } = onTty({ NO_COLOR: '1' });
    expect(code).toBe(0);
    expect(output).toContain('\x1b[?25l'); // cursor hidden while drawing
    expect(output).toContain('✓ chain · mode default · succeeded in');
    expect(output).toMatch(/✓ times_ten +\d+ ms {2}→ 20/);
    expect(output).toContain('4 done · 0 running · 0 failed · 0 skipped');
    expect(output).toContain('\x1b[?25h');
    expect(output).not.toMatch(/\x1b\[3\dm/); // NO_COLOR: no colours
  });

  it('uses colours on a terminal without NO_COLOR', () => {
    const { output } = onTty({ NO_COLOR: '' });
    expect(output).toMatch(/\x1b\[32m✓\x1b\[39m/);
  });
});
