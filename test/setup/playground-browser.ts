/**
 * vitest globalSetup for the playground's browser tests: finds Chromium (Debian's
 * `/usr/bin/chromium`, or MODEFLOW_CHROMIUM) and builds the browser app into
 * dist/playground, where the server serves it from (unless it is newer than the app's
 * sources). playwright-core drives that Chromium (its own browser download cannot work
 * offline). Tests read the outcome with `inject('chromium')`.
 *
 * Without Chromium the browser tests skip with a one-line notice, unless
 * MODEFLOW_REQUIRE_SERVICES=1 (CI), which makes that a failure. A failed app build fails
 * the browser tests (they report it), not the rest of the suite.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';

/** Where Chromium is and whether the app is built, or why the browser tests cannot run. */
export type ChromiumInfo = { readonly path: string; readonly buildError: string; readonly skip?: undefined } | { readonly skip: string };

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: ChromiumInfo;
  }
}

const INSTALL_HINT = 'install it (Debian/Ubuntu: apt-get install chromium) or point MODEFLOW_CHROMIUM at a Chromium or Chrome binary';

export default async function setup(project: TestProject): Promise<void> {
  const path = findChromium();
  if (!path) {
    const missing = `Chromium was not found; ${INSTALL_HINT}`;
    if (process.env['MODEFLOW_REQUIRE_SERVICES'] === '1') throw new Error(`MODEFLOW_REQUIRE_SERVICES=1 and ${missing}`);
    const reason = `Playground browser tests skipped: ${missing}`;
    process.stderr.write(`${reason}\n`);
    project.provide('chromium', { skip: reason });
    return;
  }
  let buildError = '';
  if (!appIsBuilt()) {
    try {
      const { build } = await import('vite');
      await build({ configFile: join(ROOT, 'playground/vite.config.ts'), logLevel: 'error' });
    } catch (error) {
      buildError = `the playground app did not build (npm run build:app): ${(error as Error).message}`;
    }
  }
  project.provide('chromium', { path, buildError });
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * True when dist/playground is newer than every file of the app's sources and of lib/ (some
 * of whose modules the app bundles); then the build is skipped.
 */
function appIsBuilt(): boolean {
  const index = join(ROOT, 'dist/playground/index.html');
  if (!existsSync(index)) return false;
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  return statSync(index).mtimeMs >= Math.max(newest(join(ROOT, 'playground')), newest(join(ROOT, 'lib')));
}

/** MODEFLOW_CHROMIUM, else the usual Debian/Ubuntu places, else `chromium` on the PATH. */
function findChromium(): string | undefined {
  const forced = process.env['MODEFLOW_CHROMIUM'];
  if (forced) return existsSync(forced) ? forced : undefined;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'])
    if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return which.status === 0 && found !== '' ? found : undefined;
}
