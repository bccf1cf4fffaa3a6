/** Keeps dist/ (what users install, and what the benches run) in step with the sources. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUILT_ENTRY = `${ROOT}dist/lib/index.js`;

function newestSource(): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mjs)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['lib', 'operators', 'modes']) walk(`${ROOT}${dir}`);
  return newest;
}

/**
 * Builds dist/ with `npm run build` (tsc, plus the worker bootstrap it copies) when it is
 * missing or older than the sources. Returns false when there is still no dist/lib/index.js.
 */
export function ensureBuild(log: (line: string) => void): boolean {
  if (existsSync(BUILT_ENTRY) && statSync(BUILT_ENTRY).mtimeMs >= newestSource()) return true;
  log('building dist/ (npm run build): the benches run the build, as users do');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) log(`  the build exited ${r.status}; using what it emitted:\n${r.stdout.split('\n').slice(0, 5).join('\n')}`);
  if (existsSync(BUILT_ENTRY)) return true;
  log('  no dist/lib/index.js: running the sources under tsx instead');
  return false;
}
