/**
 * vitest globalSetup: builds the package once (`tsc -p tsconfig.build.json`, as
 * `npm run build`), so the CLI tests spawn the real `modeflow` binary from dist.
 * A failed build fails only the tests that spawn the binary (they read it with
 * `inject('cliBuildError')`); the rest of the suite still runs.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why `npm run build` failed; empty when it succeeded. */
    cliBuildError: string;
  }
}

const root = fileURLToPath(new URL('../../', import.meta.url));

export default function setup(project: TestProject): void {
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
    project.provide('cliBuildError', '');
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    project.provide(
      'cliBuildError',
      `npm run build failed, so the built modeflow binary cannot be tested:\n${String(stdout ?? '')}${String(stderr ?? '')}`,
    );
  }
}
