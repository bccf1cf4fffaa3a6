/**
 * vitest globalSetup: builds the library once (`npm run build:lib`: tsc, plus the worker
 * pool's thread bootstrap copied into dist and the binary made executable), so the CLI
 * tests spawn the real `modeflow` binary from dist and the pool's threads find their entry.
 * A failed build fails only the tests that spawn the binary (they read it with
 * `inject('cliBuildError')`); the rest of the suite still runs.
 */
import { execFileSync } from 'node:child_process';
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
  try {
    // The package's own script, so that what the tests run is what `npm run build` makes.
    execFileSync('npm', ['run', 'build:lib', '--silent'], { cwd: root, stdio: 'pipe' });
    project.provide('cliBuildError', '');
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    project.provide(
      'cliBuildError',
      `npm run build failed, so the built modeflow binary cannot be tested:\n${String(stdout ?? '')}${String(stderr ?? '')}`,
    );
  }
}
