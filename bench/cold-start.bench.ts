/**
 * Worker cold start: how long does the first step of a run wait when its pool is cold — a
 * new process, threads to start, each importing what the step host needs? Each sample is a
 * fresh node process (nothing warm), the contenders interleaved so that the machine's load
 * falls on all alike. Floors: a bare worker thread, and one that imports modeflow alone.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { ROOT } from './build.ts';
import { fromSource } from './fixtures/modeflow.ts';
import { stats } from './measure.ts';
import type { BenchCase, Measured } from './types.ts';

const CHILD = `${ROOT}bench/fixtures/cold-start-child.mjs`;
const JS_PIPELINE = pathToFileURL(`${ROOT}bench/fixtures/cold-start-pipeline.mjs`).href;
const TS_PIPELINE = pathToFileURL(`${ROOT}bench/fixtures/cold-start-pipeline.ts`).href;
const LIBRARY = pathToFileURL(fromSource ? `${ROOT}lib/index.ts` : `${ROOT}dist/lib/index.js`).href;
const REPS = 5;

interface Contender {
  readonly label: string;
  /** node flags of the sample's process */
  readonly flags: readonly string[];
  readonly args: readonly string[];
}

/** The library from source needs tsx in every process. */
const base: readonly string[] = fromSource ? ['--import', 'tsx'] : [];

const contenders: readonly Contender[] = [
  { label: 'bare worker thread (floor)', flags: base, args: ['thread', ''] },
  { label: 'worker thread importing modeflow alone', flags: base, args: ['thread', LIBRARY] },
  { label: 'workerPool cold, .js pipeline, 1 worker', flags: base, args: ['pool', JS_PIPELINE, 'coldStartJs', '1'] },
  {
    label: 'workerPool cold, .js pipeline, 1 worker, process under --import tsx',
    flags: ['--import', 'tsx'],
    args: ['pool', JS_PIPELINE, 'coldStartJs', '1'],
  },
  { label: 'workerPool cold, .ts pipeline, 1 worker', flags: base, args: ['pool', TS_PIPELINE, 'coldStartTs', '1'] },
  { label: 'workerPool cold, .js pipeline, 2 workers', flags: base, args: ['pool', JS_PIPELINE, 'coldStartJs', '2'] },
  { label: 'workerPool cold, .js pipeline, 8 workers', flags: base, args: ['pool', JS_PIPELINE, 'coldStartJs', '8'] },
];

interface Sample {
  readonly coldMs: number;
  readonly warmMs?: number;
}

function once(c: Contender): Sample {
  const r = spawnSync(process.execPath, [...c.flags, CHILD, ...c.args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, MODEFLOW_COLD_LIBRARY: LIBRARY },
  });
  if (r.status !== 0) throw new Error(`${c.label}: the sample exited ${r.status}: ${r.stderr.slice(0, 800)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Sample;
}

const coldStart: BenchCase = {
  name: 'cold-start',
  title: 'worker cold start: a one-step run on a cold pool of its own (idleTimeoutMs: 0), fresh process each, ms per run',
  run: async () => {
    for (const c of contenders) once(c); // the page cache, tsx's transform cache
    const samples: Sample[][] = contenders.map(() => []);
    for (let r = 0; r < REPS; r++) contenders.forEach((c, i) => samples[i]!.push(once(c)));
    const rows: Measured[] = contenders.map((c, i) => ({ contender: c.label, ...stats(samples[i]!.map((s) => s.coldMs)) }));
    const notes = contenders.flatMap((c, i) => {
      const warm = samples[i]!.flatMap((s) => (s.warmMs === undefined ? [] : [s.warmMs]));
      return warm.length ? [`${c.label}: the same run on the warm pool ${stats(warm).median.toFixed(1)} ms`] : [];
    });
    return { unit: 'ms/run', rows, notes };
  },
};

export const cases: BenchCase[] = [coldStart];
