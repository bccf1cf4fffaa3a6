import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface PackageInfo {
  /** The directory holding modeflow's package.json, ending in a slash. */
  readonly root: string;
  readonly version: string;
}

let found: PackageInfo | undefined;

/** modeflow's own package: where it is and its version, found from here in source (lib/cli) and built (dist/lib/cli). */
export function packageInfo(): PackageInfo {
  if (found) return found;
  for (const up of ['../../', '../../../']) {
    const dir = new URL(up, import.meta.url);
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'modeflow') return (found = { root: fileURLToPath(dir), version: pkg.version ?? 'unknown' });
    } catch {
      // not at this level
    }
  }
  return (found = { root: fileURLToPath(new URL('../../', import.meta.url)), version: 'unknown' });
}

/** True for a stack frame inside modeflow itself or a dependency, which says little about the user's error. */
export function isLibraryFrame(frame: string): boolean {
  if (frame.includes('/node_modules/') || frame.includes('node:internal') || frame.includes('(node:')) return true;
  const root = packageInfo().root;
  return ['lib/', 'operators/', 'modes/', 'dist/'].some((dir) => frame.includes(root + dir));
}
