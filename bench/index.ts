/**
 * Runs the benches: `npm run bench` (all), `npm run bench -- <word>` (cases whose name
 * contains the word), `npm run bench -- --source` (the TypeScript sources under tsx
 * instead of the build). Prints one table per case and writes bench/results/latest.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { ensureBuild } from './build.ts';
import type { BenchCase, CaseReport, Row } from './types.ts';

const RESULTS = new URL('./results/latest.json', import.meta.url);

const args = process.argv.slice(2);
if (args.includes('--source') || !ensureBuild((line) => console.log(line))) process.env['MODEFLOW_BENCH_SOURCE'] = '1';
const words = args.filter((a) => !a.startsWith('--'));

// Imported only now: the fixtures load modeflow from dist/ or the sources, as chosen above.
const all: BenchCase[] = (
  await Promise.all([
    import('./engine-overhead.bench.ts'),
    import('./hooks.bench.ts'),
    import('./scaling.bench.ts'),
    import('./async-io.bench.ts'),
    import('./memory.bench.ts'),
    import('./worker-pool.bench.ts'),
    import('./cold-start.bench.ts'),
    import('./queue.bench.ts'),
    import('./import-cost.bench.ts'),
    import('./yaml-config.bench.ts'),
    import('./as-operator.bench.ts'),
    import('./playground-api.bench.ts'),
    import('./playground-page.bench.ts'),
  ])
).flatMap((m) => m.cases);
const chosen = words.length ? all.filter((c) => words.some((w) => c.name.includes(w))) : all;
if (chosen.length === 0) {
  console.error(`no case matches ${words.join(', ')}; cases: ${all.map((c) => c.name).join(', ')}`);
  process.exit(2);
}
if (!(globalThis as { gc?: unknown }).gc) {
  console.log('note: run with node --expose-gc (npm run bench does) for steadier figures and the memory case\n');
}

const load = loadavg()[0]!;
console.log(
  `modeflow from ${process.env['MODEFLOW_BENCH_SOURCE'] === '1' ? 'lib/*.ts under tsx' : 'dist/'}; node ${process.version}, ${availableParallelism()} cores, load average ${load.toFixed(1)}` +
    (load > 1.2 ? ' (other work is running: expect noise)' : '') +
    '\n',
);
const started = performance.now();
const rows: Row[] = [];
let missed = 0;
for (const c of chosen) {
  const t = performance.now();
  let report: CaseReport;
  try {
    report = await c.run();
  } catch (error) {
    console.log(`${c.name}: ${c.title}\n  ✗ failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    missed++;
    continue;
  }
  const own = toRows(c.name, report);
  rows.push(...own);
  console.log(render(c, report, own, (performance.now() - t) / 1000));
  missed += (report.targets ?? []).filter((x) => !x.met).length;
}
writeResults(rows);
console.log(
  `${chosen.length} case(s) in ${((performance.now() - started) / 1000).toFixed(0)} s; ${missed ? `${missed} target(s) missed` : 'all targets met'}; rows in bench/results/latest.json`,
);

function toRows(name: string, report: CaseReport): Row[] {
  const base = report.rows[0]?.median ?? NaN;
  return report.rows.map((r) => ({
    case: name,
    contender: r.contender,
    median: round(r.median),
    min: round(r.min),
    max: round(r.max),
    unit: report.unit,
    ratio: round(r.median / base),
  }));
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

function render(c: BenchCase, report: CaseReport, rows: readonly Row[], seconds: number): string {
  const width = Math.max(...rows.map((r) => r.contender.length), 10);
  const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
  const lines = [`${c.name}: ${c.title}  (${seconds.toFixed(1)} s)`];
  lines.push(`  ${'contender'.padEnd(width)}  ${'median'.padStart(8)}  ${'min'.padStart(8)}  ${'max'.padStart(8)}  ${'ratio'.padStart(8)}`);
  for (const r of rows) {
    lines.push(
      `  ${r.contender.padEnd(width)}  ${num(r.median).padStart(8)}  ${num(r.min).padStart(8)}  ${num(r.max).padStart(8)}  ${(r.ratio.toFixed(2) + '×').padStart(8)}`,
    );
  }
  lines.push(`  (${report.unit}; ratio = median ÷ ${rows[0]?.contender ?? 'baseline'} median)`);
  for (const t of report.targets ?? []) lines.push(`  ${t.met ? '✓ met   ' : '✗ MISSED'}  ${t.label}: ${t.value}`);
  for (const n of report.notes ?? []) lines.push(`  ${n}`);
  return lines.join('\n') + '\n';
}

/** Replaces the rows of the cases just run and keeps the others, so a filtered run does not erase a full one. */
function writeResults(fresh: readonly Row[]): void {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  let kept: Row[] = [];
  if (existsSync(RESULTS)) {
    try {
      const ran = new Set(fresh.map((r) => r.case));
      kept = (JSON.parse(readFileSync(RESULTS, 'utf8')) as Row[]).filter((r) => !ran.has(r.case));
    } catch {
      kept = [];
    }
  }
  const order = new Map(all.map((c, i) => [c.name, i]));
  const merged = [...kept, ...fresh].sort((a, b) => (order.get(a.case) ?? 1e9) - (order.get(b.case) ?? 1e9));
  writeFileSync(RESULTS, JSON.stringify(merged, null, 2) + '\n');
}
