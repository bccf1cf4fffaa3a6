/**
 * What `maxConcurrent` should the async executor default to? Its purpose is steps that wait
 * on I/O, whose wait does not use a core, so the core count (the old default) is the wrong
 * yardstick. 128 independent steps, the same pipeline under each `maxConcurrent`, ms per run:
 * - latency: each step waits 10 ms (a network round trip: an HTTP call, a query);
 * - files: each step reads a 64 KiB file (fs.promises, through libuv's thread pool).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pipeline } from '../lib/index.ts';
import { sample } from './measure.ts';
import { countEvents } from './fixtures/modeflow-shapes.ts';
import { modeflow } from './fixtures/modeflow.ts';
import type { BenchCase, Measured } from './types.ts';

const { mode, pipeline, solid } = modeflow;

const STEPS = 128;
const LATENCY_MS = 10;
const FILE_BYTES = 64 * 1024;
const CORES = availableParallelism();
/** The contenders: the core count (the old default) first, then fixed bounds. */
const BOUNDS = [...new Set([CORES, 1, 4, 8, 16, 32, 64, 128])];

function independentSteps(name: string, compute: (i: number) => Promise<unknown>): Pipeline {
  const steps = Array.from({ length: STEPS }, (_, i) => solid({ name: `${name}_${i}`, compute: () => compute(i) }));
  return pipeline({ name, modes: [mode({ name: 'bench', loggers: {} })], graph: () => steps.forEach((s) => s()) });
}

async function compare(p: Pipeline, reps: { warmup: number; reps: number }): Promise<Measured[]> {
  const rows: Measured[] = [];
  for (const maxConcurrent of BOUNDS) {
    const runConfig = { execution: { async: { config: { maxConcurrent } } } };
    const label = maxConcurrent === CORES ? `maxConcurrent ${maxConcurrent} (core count, old default)` : `maxConcurrent ${maxConcurrent}`;
    rows.push({ contender: label, ...(await sample(() => countEvents(p, { runConfig }), reps)) });
  }
  return rows;
}

function speedups(rows: readonly Measured[]): string {
  const base = rows[0]!.median;
  return rows
    .slice(1)
    .map((r) => `${r.contender.replace('maxConcurrent ', '')}: ${(base / r.median).toFixed(1)}×`)
    .join(', ');
}

export const cases: BenchCase[] = [
  {
    name: 'async-io-latency',
    title: `async executor, ${STEPS} independent steps each waiting ${LATENCY_MS} ms, ms per run, by maxConcurrent`,
    run: async () => {
      const p = independentSteps('latency', () => new Promise((resolve) => setTimeout(resolve, LATENCY_MS)));
      const rows = await compare(p, { warmup: 1, reps: 5 });
      return { unit: 'ms/run', rows, notes: [`faster than the core count: ${speedups(rows)}`] };
    },
  },
  {
    name: 'async-io-files',
    title: `async executor, ${STEPS} independent steps each reading a 64 KiB file, ms per run, by maxConcurrent`,
    run: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'modeflow-async-io-'));
      try {
        const files = Array.from({ length: STEPS }, (_, i) => {
          const file = join(dir, `f${i}.bin`);
          writeFileSync(file, Buffer.alloc(FILE_BYTES, i));
          return file;
        });
        const p = independentSteps('files', (i) => readFile(files[i]!).then((b) => b.length));
        const rows = await compare(p, { warmup: 3, reps: 21 });
        return {
          unit: 'ms/run',
          rows,
          notes: [
            `faster than the core count: ${speedups(rows)}`,
            `libuv thread pool: UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}`,
          ],
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
