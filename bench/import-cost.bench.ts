/**
 * Import cost: wall time of a node process that imports `modeflow` over an empty one.
 * Uses the build (dist/lib/index.js, built first if missing or stale), else the sources under tsx.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { BUILT_ENTRY as BUILT, ensureBuild, ROOT } from './build.ts';
import { stats } from './measure.ts';
import type { BenchCase, Measured } from './types.ts';

const MAX_EXTRA_MS = 150;
const WARMUP = 2;
const REPS = 11;

/** Milliseconds for `node [flags] -e code` to start, run and exit. */
function spawnMs(code: string, flags: readonly string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${flags.join(' ')} -e "${code}" exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return ms;
}

function time(code: string, flags: readonly string[]) {
  for (let i = 0; i < WARMUP; i++) spawnMs(code, flags);
  const samples: number[] = [];
  for (let i = 0; i < REPS; i++) samples.push(spawnMs(code, flags));
  return stats(samples);
}

export const cases: BenchCase[] = [
  {
    name: 'import',
    title: 'import cost of modeflow: node process wall time, spawned, ms',
    run: async () => {
      const notes: string[] = [];
      const built = ensureBuild((line) => notes.push(line.trim()));
      let flags: string[] = [];
      let target = pathToFileURL(BUILT).href;
      let which = 'dist/lib/index.js';
      try {
        if (!built) throw new Error('there is no build');
        spawnMs(`await import(${JSON.stringify(target)})`, flags);
      } catch (error) {
        notes.push(`dist/lib/index.js does not load (${String(error).split('\n')[0]}); measured lib/index.ts under tsx instead`);
        flags = ['--import', 'tsx'];
        target = pathToFileURL(`${ROOT}lib/index.ts`).href;
        which = 'lib/index.ts, tsx';
      }
      const importing = (spec: string) => `await import(${JSON.stringify(spec)})`;
      const rows: Measured[] = [
        { contender: flags.length ? 'empty node process (with tsx)' : 'empty node process', ...time('', flags) },
        { contender: `import modeflow (${which})`, ...time(importing(target), flags) },
      ];
      // Where the time goes: the heavier dependencies alone.
      for (const dep of ['rxjs', 'zod', 'pino', 'immer']) rows.push({ contender: `  import ${dep} alone`, ...time(importing(dep), flags) });
      const extra = rows[1]!.median - rows[0]!.median;
      return {
        unit: 'ms',
        rows,
        notes,
        targets: [
          {
            label: `import modeflow ≤ +${MAX_EXTRA_MS} ms over an empty process`,
            value: `+${extra.toFixed(0)} ms`,
            met: extra <= MAX_EXTRA_MS,
          },
        ],
      };
    },
  },
];
