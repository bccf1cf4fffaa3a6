/**
 * Composites on the playground's graph in a real browser (Debian's Chromium through
 * playwright-core), against the real server: examples/table-stats.ts (two composites side by
 * side) and a pipeline whose composites hold composites (fixtures/playground-nested.ts).
 * Checks the drawn SVG's geometry — each box holds its solids and the boxes inside it below
 * its name band, sibling boxes apart — and that a composite's name, typed in the selection
 * box or clicked on its box, highlights its solids. Screenshots land in test-artifacts/playground/.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPlayground, type Playground } from '../../lib/playground/index.ts';
import { launchChromium, screenshot } from './playground-browser.ts';
import { fixture } from './run-cli.ts';

const info = inject('chromium');
const FILES = [fileURLToPath(new URL('../../examples/table-stats.ts', import.meta.url)), fixture('playground-nested.ts')];
const WAIT = { timeout: 30_000 };
/** GROUP_PADDING + GROUP_LABEL of playground/src/graph/layout-types.ts: the band a box keeps for its name. */
const NAME_BAND = 34;

interface Rect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** The graph as drawn, in screen pixels: each composite's box and each solid's, and the zoom. */
interface Drawn {
  readonly groups: Record<string, Rect>;
  readonly solids: Record<string, Rect>;
  readonly zoom: number;
}

async function drawn(page: Page): Promise<Drawn> {
  const boxes = (selector: string, named: string) =>
    page.locator(selector).evaluateAll(
      (rects, attribute) =>
        rects.map((rect) => {
          const r = rect.getBoundingClientRect();
          return {
            name: rect.closest(`[${attribute}]`)!.getAttribute(attribute)!,
            box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom },
            zoom: r.width / Number(rect.getAttribute('width')),
          };
        }),
      named,
    );
  const groups = await boxes('[data-testid=graph] [data-composite] rect.frame', 'data-composite');
  const solids = await boxes('[data-testid=graph] [data-solid] rect.box', 'data-solid');
  return {
    groups: Object.fromEntries(groups.map((g) => [g.name, g.box])),
    solids: Object.fromEntries(solids.map((s) => [s.name, s.box])),
    zoom: solids[0]!.zoom,
  };
}

/** How the drawing breaks nesting for these composites (each with its parent): empty when it does not. */
function nestingFaults(view: Drawn, composites: Record<string, string | null>): string[] {
  const faults: string[] = [];
  const band = NAME_BAND * view.zoom - 0.5;
  const holds = (outer: Rect, inner: Rect) =>
    inner.left > outer.left && inner.right < outer.right && inner.top >= outer.top + band && inner.bottom < outer.bottom;
  const overlaps = (a: Rect, b: Rect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const chain = (name: string | null) => {
    const names: string[] = [];
    for (let at = name; at !== null; at = composites[at] ?? null) names.push(at);
    return names;
  };
  for (const [name, parent] of Object.entries(composites)) {
    if (!view.groups[name]) faults.push(`no box for ${name}`);
    else if (parent !== null && view.groups[parent] && !holds(view.groups[parent], view.groups[name]))
      faults.push(`${parent} does not hold ${name}`);
  }
  for (const [solid, box] of Object.entries(view.solids)) {
    const dot = solid.lastIndexOf('.');
    const mine = chain(dot > 0 ? solid.slice(0, dot) : null);
    for (const [name, groupBox] of Object.entries(view.groups)) {
      if (mine.includes(name) ? !holds(groupBox, box) : overlaps(groupBox, box))
        faults.push(`${solid} ${mine.includes(name) ? 'outside' : 'overlaps'} ${name}`);
    }
  }
  const names = Object.keys(composites);
  for (const a of names)
    for (const b of names)
      if (a < b && !chain(a).includes(b) && !chain(b).includes(a) && overlaps(view.groups[a]!, view.groups[b]!))
        faults.push(`${a} overlaps ${b}`);
  return faults;
}

describe.skipIf(info.skip !== undefined)('composites on the playground’s graph, in Chromium', () => {
  let playground: Playground;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (info.skip !== undefined) return;
    if (info.buildError) throw new Error(info.buildError);
    playground = await startPlayground({ files: FILES, port: 0, history: false, log: () => undefined });
    browser = await launchChromium(info.path);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.close();
  });

  async function open(pipeline: string, solids: number): Promise<void> {
    await page.goto(`${playground.url}#/pipelines/${pipeline}`);
    await expect.poll(() => page.locator('[data-testid=graph] [data-solid]').count(), WAIT).toBe(solids);
    await expect.poll(() => page.getByTestId('graph').getAttribute('data-layout'), WAIT).toBe('dagre');
  }

  const picked = () =>
    page.locator('[data-testid=graph] [data-solid].picked').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-solid')).sort());
  const groupClass = (name: string) => page.locator(`[data-testid=graph] .group[data-composite="${name}"]`).getAttribute('class');

  it('draws table-stats’ two composites as boxes around their three solids each, apart from each other', async () => {
    await open('stats_pipeline', 8);
    const view = await drawn(page);
    expect(Object.keys(view.groups).sort()).toEqual(['table_0_stats', 'table_1_stats']);
    expect(nestingFaults(view, { table_0_stats: null, table_1_stats: null })).toEqual([]);
    await screenshot(page, '10-composites');
  });

  it('highlights a composite’s solids when its name is typed in the selection box, or its name is clicked on the graph', async () => {
    await page.getByTestId('selection').fill('table_1_stats');
    await expect.poll(picked, WAIT).toEqual(['table_1_stats.count_rows', 'table_1_stats.summarise', 'table_1_stats.total_column']);
    expect(await groupClass('table_1_stats')).toContain('picked');
    expect(await groupClass('table_0_stats')).toContain('dim');
    expect(await page.getByTestId('selection-count').innerText()).toBe('3 of 8');

    await page.getByTestId('selection').fill('*');
    await page.locator('[data-composite-band="table_0_stats"]').click();
    expect(await page.getByTestId('selection').inputValue()).toBe('table_0_stats');
    await expect.poll(picked, WAIT).toEqual(['table_0_stats.count_rows', 'table_0_stats.summarise', 'table_0_stats.total_column']);
    await page.locator('[data-composite-band="table_1_stats"]').hover();
    expect(await page.getByTestId('graph').getAttribute('title')).toContain(
      'table_1_stats (composite table_stats)\nrow count, total and mean',
    );
    await screenshot(page, '11-composite-selected');
  });

  it('draws a composite inside a composite as a box inside its box, each name in its own band, also when the outer one holds only the inner', async () => {
    await open('nested_reports', 8);
    const composites = { prepare: null, 'prepare.clean': 'prepare', reporting: null, 'reporting.summary': 'reporting' };
    // Polled: the page came from another 8-solid pipeline, whose drawing it replaces once the layout is in.
    await expect.poll(async () => Object.keys((await drawn(page)).groups).sort(), WAIT).toEqual(Object.keys(composites).sort());
    await expect.poll(async () => nestingFaults(await drawn(page), composites), WAIT).toEqual([]);
    await screenshot(page, '12-nested-composites');
  });

  it('selects a nested composite, or the outer one with everything inside it, by name', async () => {
    await page.getByTestId('selection').fill('prepare');
    await expect.poll(picked, WAIT).toEqual(['prepare.clean.dedupe', 'prepare.clean.drop_nulls', 'prepare.enrich']);
    expect(await groupClass('prepare.clean')).toContain('picked');
    await page.getByTestId('selection').fill('reporting.summary+');
    await expect
      .poll(picked, WAIT)
      .toEqual(['publish', 'reporting.summary.count', 'reporting.summary.summarise', 'reporting.summary.total']);
    expect(await groupClass('reporting')).toContain('picked');
    expect(await groupClass('prepare')).toContain('dim');
    // The inner composite's solids, selected without what feeds them, take that input from run config:
    await expect.poll(() => page.getByTestId('validation').getAttribute('data-state'), WAIT).toBe('invalid');
    // The selection cuts reporting's input from its producer: the value goes to the composite's input.
    expect(await page.getByTestId('issues').innerText()).toContain('solids.reporting.inputs.rows');
    // (docs/images/playground-composites.png is this screenshot.)
    await screenshot(page, '13-nested-selected');
    expect(pageErrors).toEqual([]);
  });

  it('nests the boxes in the quick layout too (drawn first; the only one past 1,500 solids)', async () => {
    // Without the layout worker the page keeps the quick layout.
    const quick = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await quick.route('**/layout-worker*', (route) => route.abort());
      await quick.goto(`${playground.url}#/pipelines/nested_reports`);
      await expect.poll(() => quick.locator('[data-testid=graph] [data-solid]').count(), WAIT).toBe(8);
      expect(await quick.getByTestId('graph').getAttribute('data-layout')).toBe('quick');
      const view = await drawn(quick);
      expect(nestingFaults(view, { prepare: null, 'prepare.clean': 'prepare', reporting: null, 'reporting.summary': 'reporting' })).toEqual(
        [],
      );
      await screenshot(quick, '14-nested-quick-layout');
    } finally {
      await quick.close();
    }
  });
});
