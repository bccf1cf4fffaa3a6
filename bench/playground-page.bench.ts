/**
 * How the playground's page holds up, measured in Chromium (Debian's, through
 * playwright-core) against the real server:
 *
 * - page weight: the built app's JavaScript, gzipped (goal ≤ 250 KB);
 * - a 1,000-solid graph: time from navigation to the graph painted (the instant layered
 *   layout), and to dagre's layout from the worker, beside the page's first contentful paint;
 * - a 10,000-step run streaming into the run view: frames per second and the longest frame
 *   gaps while its 50,000 events arrive, beside the same view idle.
 *
 * Needs Chromium (MODEFLOW_CHROMIUM, else /usr/bin/chromium); builds dist/playground when
 * it is missing or older than the app's sources.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { range } from 'rxjs';
import { z } from 'zod';
import type { Browser, Page } from 'playwright-core';
import type * as PlaygroundEntry from '../lib/playground/index.ts';
import { fromSource, modeflow } from './fixtures/modeflow.ts';
import { stats } from './measure.ts';
import type { BenchCase, Measured, TargetResult } from './types.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const APP = join(ROOT, 'dist/playground');
const WEIGHT_GOAL_KB = 250;
const GRAPH_SOLIDS = 1_000;
const GRAPH_REPS = 5;
const STEPS = 10_000;
const STREAM_REPS = 3;
const PAINT_TARGET_MS = 1_000;
const FPS_TARGET = 30;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const { startPlayground } = (await import(
  new URL(fromSource ? '../lib/playground/index.ts' : '../dist/lib/playground/index.js', import.meta.url).href
)) as typeof PlaygroundEntry;

function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

/** Builds the app (as `npm run build:app`) unless dist/playground is newer than its sources. */
async function ensureApp(): Promise<void> {
  const index = join(APP, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'playground'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'playground/vite.config.ts'), logLevel: 'error' });
}

async function chromium(): Promise<Browser> {
  const path = process.env['MODEFLOW_CHROMIUM'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!path || !existsSync(path)) throw new Error('Chromium was not found: apt-get install chromium, or set MODEFLOW_CHROMIUM');
  const { chromium: launcher } = await import('playwright-core');
  return launcher.launch({ executablePath: path, args: CHROMIUM_ARGS });
}

/**
 * A graph of `n` solids in 20 lanes: each solid reads the one before it in its lane, and
 * every seventh also the lane to its left (crossings for the layout to sort out).
 */
function lanes(n: number) {
  const LANES = 20;
  const source = modeflow.solid({ name: 'source', output: z.number(), compute: () => 1 });
  const one = modeflow.solid({ name: 'one', inputs: { a: z.number() }, output: z.number(), compute: (_c, { a }) => a });
  const two = modeflow.solid({
    name: 'two',
    inputs: { a: z.number(), b: z.number() },
    output: z.number(),
    compute: (_c, { a, b }) => a + b,
  });
  return modeflow.pipeline({
    name: `graph_${n}`,
    modes: [modeflow.mode({ name: 'dev', loggers: {} })],
    graph: () => {
      const handles: ReturnType<typeof source>[] = [];
      for (let i = 0; i < n; i++) {
        const name = `solid_${String(i).padStart(4, '0')}`;
        if (i < LANES) handles.push(source.alias(name)());
        else if (i % 7 === 0 && i % LANES > 0) handles.push(two.alias(name)({ a: handles[i - LANES]!, b: handles[i - LANES - 1]! }));
        else handles.push(one.alias(name)({ a: handles[i - LANES]! }));
      }
    },
  });
}

function fanOut(count: number) {
  const numbers = modeflow.solid({ name: 'numbers', output: z.number(), compute: () => range(0, count) });
  const work = modeflow.solid({ name: 'work', inputs: { n: z.number() }, output: z.number(), compute: (_c, { n }) => n * 2 });
  const total = modeflow.solid({
    name: 'total',
    inputs: { xs: z.array(z.number()) },
    output: z.number(),
    compute: (_c, { xs }) => xs.length,
  });
  return modeflow.pipeline({
    name: 'fan_out',
    modes: [modeflow.mode({ name: 'default', loggers: {} })],
    graph: () => {
      total(work(numbers()).collect());
    },
  });
}

/** Records, from navigation start, when the graph's nodes are painted and when dagre's layout is. */
const GRAPH_PROBE = `
  window.__graph = {};
  const look = () => {
    const graph = document.querySelector('[data-testid=graph]');
    const nodes = document.querySelectorAll('[data-testid=graph] [data-solid]').length;
    if (nodes >= ${GRAPH_SOLIDS} && window.__graph.drawn === undefined) {
      window.__graph.drawn = -1;
      requestAnimationFrame(() => requestAnimationFrame((t) => { window.__graph.drawn = t; }));
    }
    if (graph && graph.getAttribute('data-layout') === 'dagre' && window.__graph.dagre === undefined) {
      window.__graph.dagre = -1;
      requestAnimationFrame(() => requestAnimationFrame((t) => { window.__graph.dagre = t; }));
    }
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-layout'] });
`;

async function graphTimes(browser: Browser, url: string): Promise<{ fcp: number; drawn: number; dagre: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.addInitScript(GRAPH_PROBE);
    await page.goto(`${url}#/pipelines/graph_${GRAPH_SOLIDS}`);
    await page.waitForFunction('(window.__graph.dagre ?? -1) > 0', undefined, { timeout: 300_000, polling: 100 });
    return (await page.evaluate(`({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      drawn: window.__graph.drawn,
      dagre: window.__graph.dagre,
    })`)) as { fcp: number; drawn: number; dagre: number };
  } finally {
    await page.close();
  }
}

/**
 * Frame timestamps of the page from now until `until` resolves. Page code goes as text:
 * tsx would wrap named functions in a helper the page does not have.
 */
async function framesDuring(page: Page, until: () => Promise<unknown>): Promise<number[]> {
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__stopFrames = false;
    const tick = (t) => {
      window.__frames.push(t);
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await until();
  return (await page.evaluate('(window.__stopFrames = true, window.__frames)')) as number[];
}

function frameFigures(frames: readonly number[]): { fps: number; p95Gap: number; maxGap: number } {
  const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
  const sorted = [...gaps].sort((a, b) => a - b);
  const span = frames[frames.length - 1]! - frames[0]!;
  return {
    fps: span > 0 ? ((frames.length - 1) * 1000) / span : 0,
    p95Gap: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
    maxGap: sorted[sorted.length - 1] ?? 0,
  };
}

export const cases: BenchCase[] = [
  {
    name: 'playground-page-weight',
    title: 'the playground app’s JavaScript and CSS, gzipped (level 9), KB',
    run: async () => {
      await ensureApp();
      const assets = join(APP, 'assets');
      const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
      const kb = (file: string) => gzipSync(readFileSync(join(assets, file)), { level: 9 }).length / 1024;
      const js = files.filter((f) => f.endsWith('.js'));
      const main = js.filter((f) => f.startsWith('index-')).reduce((s, f) => s + kb(f), 0);
      const worker = js.filter((f) => !f.startsWith('index-')).reduce((s, f) => s + kb(f), 0);
      const css = files.filter((f) => f.endsWith('.css')).reduce((s, f) => s + kb(f), 0);
      const row = (contender: string, value: number): Measured => ({ contender, median: value, min: value, max: value });
      const total = main + worker;
      return {
        unit: 'KB gzipped',
        rows: [
          row('JavaScript, all (page + layout worker)', total),
          row('page bundle', main),
          row('layout worker (dagre)', worker),
          row('CSS', css),
        ],
        targets: [{ label: `JavaScript ≤ ${WEIGHT_GOAL_KB} KB gzipped`, value: `${total.toFixed(1)} KB`, met: total <= WEIGHT_GOAL_KB }],
        notes: [`files: ${files.join(', ')}`],
      };
    },
  },
  {
    name: 'playground-page-graph',
    title: `a ${GRAPH_SOLIDS.toLocaleString('en')}-solid graph in Chromium: ms from navigation to painted`,
    run: async () => {
      await ensureApp();
      const playground = await startPlayground({ pipelines: [lanes(GRAPH_SOLIDS)], port: 0, history: false, log: () => undefined });
      const browser = await chromium();
      const runs: { fcp: number; drawn: number; dagre: number }[] = [];
      try {
        await graphTimes(browser, playground.url); // warm the server's caches and the disk
        for (let i = 0; i < GRAPH_REPS; i++) runs.push(await graphTimes(browser, playground.url));
      } finally {
        await browser.close();
        await playground.close();
      }
      const row = (contender: string, pick: (r: (typeof runs)[number]) => number): Measured => ({ contender, ...stats(runs.map(pick)) });
      const drawn = stats(runs.map((r) => r.drawn));
      return {
        unit: 'ms from navigation start',
        rows: [
          row('first contentful paint (the page shell)', (r) => r.fcp),
          row(`graph painted: ${GRAPH_SOLIDS} boxes and edges, instant layered layout`, (r) => r.drawn),
          row('graph re-painted with dagre’s layout (web worker)', (r) => r.dagre),
        ],
        targets: [
          { label: `graph painted ≤ ${PAINT_TARGET_MS} ms`, value: `${drawn.median.toFixed(0)} ms`, met: drawn.median <= PAINT_TARGET_MS },
        ],
        notes: [
          `${GRAPH_REPS} fresh page loads after one to warm up; 1280×800, headless, software rendering`,
          'the page stays responsive during dagre’s layout: it runs in the worker, and the quick layout is on screen meanwhile',
        ],
      };
    },
  },
  {
    name: 'playground-page-stream',
    title: `the run view while a ${STEPS.toLocaleString('en')}-step run streams in, frames per second`,
    run: async () => {
      await ensureApp();
      const playground = await startPlayground({ pipelines: [fanOut(STEPS)], port: 0, history: false, log: () => undefined });
      const browser = await chromium();
      const streaming: ReturnType<typeof frameFigures>[] = [];
      const idle: ReturnType<typeof frameFigures>[] = [];
      const notes: string[] = [];
      try {
        for (let i = 0; i < STREAM_REPS + 1; i++) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
          await page.goto(`${playground.url}#/runs`);
          await page.getByTestId('nav-runs').waitFor();
          const launched = (await (
            await fetch(new URL('/api/runs', playground.url), {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ pipeline: 'fan_out' }),
            })
          ).json()) as { runId: string };
          const started = performance.now();
          await page.evaluate(`location.hash = ${JSON.stringify(`#/runs/${launched.runId}`)}`);
          const frames = await framesDuring(page, () =>
            page.locator('[data-testid=run-status][data-tone=success]').waitFor({ timeout: 300_000 }),
          );
          const elapsed = performance.now() - started;
          const events = await page.getByTestId('log-count').innerText();
          const still = await framesDuring(page, () => page.waitForTimeout(1500));
          await page.close();
          if (i === 0) continue; // warm-up
          streaming.push(frameFigures(frames));
          idle.push(frameFigures(still));
          notes.push(
            `run ${i}: ${events} in ${(elapsed / 1000).toFixed(1)} s; frame gaps p95 ${streaming.at(-1)!.p95Gap.toFixed(0)} ms, longest ${streaming.at(-1)!.maxGap.toFixed(0)} ms`,
          );
        }
      } finally {
        await browser.close();
        await playground.close();
      }
      const fps = stats(streaming.map((s) => s.fps));
      const targets: TargetResult[] = [
        { label: `≥ ${FPS_TARGET} fps while streaming`, value: `${fps.median.toFixed(1)} fps`, met: fps.median >= FPS_TARGET },
      ];
      return {
        unit: 'frames per second (higher is better)',
        rows: [
          { contender: 'run view idle (the machine’s frame rate)', ...stats(idle.map((s) => s.fps)) },
          { contender: `run view while ${STEPS.toLocaleString('en')} steps (50,000 events) stream in`, ...fps },
        ],
        targets,
        notes: [
          `${STREAM_REPS} runs after one to warm up; server and browser on this machine, launched over the API, the run view opened at once`,
          ...notes,
        ],
      };
    },
  },
];
