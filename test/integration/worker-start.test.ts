/**
 * What a worker thread loads when it starts (issue 8, cold start; bench: cold-start):
 * only what the step host and the pipeline module need. These spawn node processes on
 * the build that test/setup/build.ts made (dist/).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = `${root}dist`;

describe('worker start', () => {
  it('does not load tsx again in the threads of a process started under tsx, and keeps its other thread flags', () => {
    expect(inject('cliBuildError')).toBe('');
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--expose-gc', '--enable-source-maps', `${root}test/integration/fixtures/thread-flags.mjs`],
      { cwd: root, encoding: 'utf8', env: { ...process.env, MODEFLOW_DIST: dist } },
    );
    // --expose-gc is a flag a thread may not be given (V8's, process-wide): the pool starts anyway.
    expect(JSON.parse(output)).toEqual({ status: 'SUCCESS', threadFlags: ['--enable-source-maps'] });
  });

  it('loads neither yaml, pino nor BullMQ when modeflow is imported: only config files, log sinks and queue runs need them', () => {
    expect(inject('cliBuildError')).toBe('');
    const code =
      `await import(${JSON.stringify(`${dist}/lib/index.js`)});` +
      "const { createRequire } = await import('node:module');" +
      'const loaded = Object.keys(createRequire(import.meta.url).cache);' +
      "process.stdout.write(JSON.stringify(['yaml', 'pino', 'bullmq', 'ioredis'].filter((p) => loaded.some((f) => f.includes(`/node_modules/${p}/`)))));";
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([]);
  });
});
