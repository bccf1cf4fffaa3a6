/**
 * The package as users get it: `npm pack` from a clean clone (no dist/, so `prepack` must
 * build it), installed into a fresh project with strict compiler settings, type-checked
 * with skipLibCheck off and run through its `modeflow` bin.
 *
 * Installing from the registry would be slow and flaky, so the tarball is extracted into
 * the project's node_modules/modeflow, as npm would, with the bin linked as npm links it.
 * The project lives under the repository (.scratch/, git-ignored) so that the package's
 * own dependencies (rxjs, zod, …) resolve from this repository's node_modules, where npm
 * would have installed them next to it.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, root } from './run-cli.ts';

/** The repository's own TypeScript, as users of this repository run it. */
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** What a clean clone lacks: build output, installed modules, local scratch. */
const NOT_IN_A_CLONE = new Set(['node_modules', 'dist', '.scratch', '.git', 'coverage']);

let scratch: string;
let consumer: string;
let packedFiles: string[] = [];

function sh(command: string, args: readonly string[], options: SpawnSyncOptions = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, ...options });
  const output = `${String(result.stdout)}${String(result.stderr)}`;
  return { code: result.status, stdout: String(result.stdout), output };
}

/** Fails with the command's output, so a broken pack or install says why. */
function mustRun(command: string, args: readonly string[], options: SpawnSyncOptions = {}): string {
  const result = sh(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.output}`);
  return result.stdout;
}

/** Strict settings a careful project uses; `resolution` varies per test. */
function writeTsconfig(name: string, resolution: Record<string, unknown>): string {
  const compilerOptions = {
    target: 'ES2022',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    verbatimModuleSyntax: true,
    skipLibCheck: false,
    noEmit: true,
    types: ['node'],
    ...resolution,
  };
  writeFileSync(join(consumer, name), JSON.stringify({ compilerOptions, files: ['index.ts'] }, null, 2));
  return name;
}

beforeAll(() => {
  mkdirSync(join(root, '.scratch'), { recursive: true });
  scratch = mkdtempSync(join(root, '.scratch', 'pack-'));

  // A clean clone: the sources without dist/; node_modules as `npm ci` left it.
  const clone = join(scratch, 'clone');
  for (const entry of readdirSync(root)) {
    if (!NOT_IN_A_CLONE.has(entry)) cpSync(join(root, entry), join(clone, entry), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
  const [packed] = JSON.parse(mustRun(npm, ['pack', '--json', '--pack-destination', scratch], { cwd: clone })) as [
    { filename: string; files: { path: string }[] },
  ];
  packedFiles = packed.files.map((f) => f.path);

  consumer = join(scratch, 'consumer');
  const installed = join(consumer, 'node_modules', 'modeflow');
  mkdirSync(installed, { recursive: true });
  mustRun('tar', ['-xzf', join(scratch, packed.filename), '-C', installed, '--strip-components=1']);
  // As npm links a bin: node_modules/.bin/<name> → the package's file, made executable.
  mkdirSync(join(consumer, 'node_modules', '.bin'));
  symlinkSync('../modeflow/dist/lib/cli/main.js', join(consumer, 'node_modules', '.bin', 'modeflow'));
  const bin = join(installed, 'dist', 'lib', 'cli', 'main.js');
  if (existsSync(bin)) chmodSync(bin, 0o755); // else the first test says what the tarball lacks

  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  cpSync(join(root, fixture('pack-consumer')), consumer, { recursive: true });
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('builds dist/ from a clean clone and ships the library, its declarations, both entries, the bin and the playground app', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib/testing/index.js',
      'dist/lib/testing/index.d.ts',
      'dist/lib/bench/index.js',
      'dist/lib/bench/index.d.ts',
      'dist/lib/playground/index.js',
      'dist/lib/playground/index.d.ts',
      'dist/lib/cli/main.js',
      'dist/modes/executors/worker-pool/thread/worker-entry.mjs',
      'dist/playground/index.html',
    ]) {
      expect(packedFiles).toContain(file);
    }
    expect(
      packedFiles.filter(
        (f) => !/^(dist\/(lib|operators|modes|playground)\/|docs\/[\w-]+\.md$|README\.md$|LICENSE$|package\.json$)/.test(f),
      ),
    ).toEqual([]);
  });
});

describe('the packed package in a fresh strict project (skipLibCheck off)', () => {
  it('type-checks under moduleResolution NodeNext, through package.json exports', () => {
    const config = writeTsconfig('tsconfig.nodenext.json', { module: 'NodeNext', moduleResolution: 'NodeNext' });
    const result = sh(tsc, ['-p', config], { cwd: consumer });
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  // TypeScript 7 no longer has moduleResolution node10 ("node"). Bundler resolution that
  // ignores `exports` resolves packages exactly as node10 did: top-level `types`, then
  // `typesVersions` for subpaths such as modeflow/testing.
  it('type-checks with resolution that ignores exports, as moduleResolution node10 did, through types and typesVersions', () => {
    const config = writeTsconfig('tsconfig.node10.json', {
      module: 'ESNext',
      moduleResolution: 'Bundler',
      resolvePackageJsonExports: false,
    });
    const result = sh(tsc, ['-p', config], { cwd: consumer });
    // fast-check's own declarations (which modeflow/testing's reach) import pure-rand subpaths
    // that only package exports resolve: a node10 project gets those errors from fast-check
    // alone, and needs skipLibCheck for it. Every other declaration must type-check.
    const errors = result.output.split('\n').filter((line) => line.trim() && !line.includes('node_modules/fast-check/'));
    expect(errors).toEqual([]);
  });
});

describe('the packed bin, through npx', () => {
  it('lists the pipelines of a .ts module that imports the installed package', () => {
    const result = sh(npx, ['--no', '--', 'modeflow', 'pipeline', 'list', '-f', 'pipelines.ts'], { cwd: consumer });
    expect(result.output).not.toContain('modeflow:');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('numbers_pipeline — Doubles a number, on the sync executor or on worker threads\n  modes:   local');
  });

  it('runs that pipeline on worker threads, which load the compiled worker runtime from the package', () => {
    const args = ['--no', '--', 'modeflow', 'pipeline', 'execute', '-f', 'pipelines.ts', '-d', 'local', '--json'];
    writeFileSync(join(consumer, 'workers.yaml'), 'execution:\n  workerPool:\n    config: { maxWorkers: 1, idleTimeoutMs: 0 }\n');
    const result = sh(npx, [...args, '-c', 'workers.yaml'], { cwd: consumer });
    expect(result.output).not.toContain('modeflow:');
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.find((e) => e['type'] === 'RUN_START')?.['executor']).toBe('workerPool');
    expect(events.find((e) => e['type'] === 'STEP_OUTPUT' && e['solid'] === 'double')?.['value']).toBe(42);
  });
  it('serves the playground from the package: modeflow ui finds the built app it ships', async () => {
    const ui = spawn(join(consumer, 'node_modules', '.bin', 'modeflow'), ['ui', '-f', 'pipelines.ts', '--port', '0', '--no-history'], {
      cwd: consumer,
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const found = /http:\/\/[\d.]+:\d+\//.exec(output);
          if (found) resolve(found[0]);
        };
        ui.stdout.on('data', read);
        ui.stderr.on('data', read);
        ui.on('exit', (code) => reject(new Error(`modeflow ui exited ${code}:\n${output}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = /src="\.\/(assets\/[\w-]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const bundle = await fetch(new URL(script!, url));
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toMatch(/javascript/);
      const pipelines = (await (await fetch(new URL('api/pipelines', url))).json()) as { name: string }[];
      expect(pipelines.map((p) => p.name)).toEqual(['numbers_pipeline']);
    } finally {
      ui.kill();
    }
  });
});
