import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

/** The repository root; the CLI runs from here unless told otherwise. */
export const root = fileURLToPath(new URL('../../', import.meta.url));
/** The built binary, as package.json's bin names it (built by test/setup/build.ts). */
export const bin = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));
/** A fixture's path relative to the root, as a user would type it. */
export const fixture = (name: string) => `test/e2e/fixtures/${name}`;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Fails the calling test when test/setup/build.ts could not build the binary. */
export function assertBuilt(): void {
  const error = inject('cliBuildError');
  if (error) throw new Error(error);
}

/** Runs `modeflow ...args` to completion. */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliResult {
  assertBuilt();
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, NO_COLOR: '', ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `modeflow ...args` and hands back the child, for tests that signal it. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  assertBuilt();
  return spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env } });
}

/** stdout as NDJSON: every line parsed (a line that is not JSON fails the test). */
export function events(stdout: string): Array<Record<string, unknown> & { type: string }> {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown> & { type: string });
}
