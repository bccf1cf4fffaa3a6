/**
 * The playground in a real browser (Debian's Chromium through playwright-core), against
 * the real server: pick a pipeline, switch the mode and see the schema change, type an
 * invalid config and see the error at its line, fix it, launch and watch the steps
 * succeed, cancel a slow run, find both in the runs list, reload and replay — from the
 * same history after a server restart too; a run whose process was killed shows as cut off.
 * Screenshots land in test-artifacts/playground/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPlayground, type Playground } from '../../lib/playground/index.ts';
import { launchChromium, screenshot } from './playground-browser.ts';
import { fixture, startCli } from './run-cli.ts';

const info = inject('chromium');
const FILE = fixture('playground-pipelines.ts');
const WAIT = { timeout: 30_000 };

describe.skipIf(info.skip !== undefined)('the playground in Chromium', () => {
  let playground: Playground;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let history: string;
  const pageErrors: string[] = [];
  const runIds: Record<string, string> = {};

  beforeAll(async () => {
    if (info.skip !== undefined) return;
    if (info.buildError) throw new Error(info.buildError);
    dir = mkdtempSync(join(tmpdir(), 'modeflow-browser-'));
    history = join(dir, 'history.sqlite');
    playground = await startPlayground({ files: [FILE], port: 0, history, log: () => undefined });
    browser = await launchChromium(info.path);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Replaces the editor's text as a paste would (typing would add auto-indentation). */
  async function setConfig(text: string): Promise<void> {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    if (text === '') await page.keyboard.press('Delete');
    else await page.keyboard.insertText(text);
  }

  async function pickMode(mode: string): Promise<void> {
    await page.getByTestId('mode-picker').click();
    await page.locator(`[role=option][data-value="${mode}"]`).click();
    await page.getByTestId('mode-picker').filter({ hasText: mode }).waitFor();
  }

  const validation = () => page.getByTestId('validation').getAttribute('data-state');

  it('opens on the first pipeline, lists the served ones, and draws the picked one’s graph', async () => {
    await page.goto(playground.url);
    await page.waitForURL(/#\/pipelines\//);
    const names = await page.locator('.sidebar [data-pipeline]').evaluateAll((links) => links.map((a) => a.getAttribute('data-pipeline')));
    expect(names.sort()).toEqual(['fan_out', 'flaky_pipeline', 'slow_pipeline', 'warehouse_etl']);
    await page.locator('.sidebar [data-pipeline=warehouse_etl]').click();
    await expect.poll(() => page.locator('[data-testid=graph] [data-solid]').count(), WAIT).toBe(10);
    await expect.poll(() => page.getByTestId('graph').getAttribute('data-layout'), WAIT).toBe('dagre');
    expect(await page.getByTestId('pipeline-name').innerText()).toBe('warehouse_etl');
  });

  it('switches the mode and with it the schema: what the editor completes and what the Schema tab lists', async () => {
    await pickMode('local_dev');
    await page.getByTestId('schema-tab').click();
    await page.locator('[data-testid=schema-tree][data-mode=local_dev] [data-path="resources.warehouse.config.name"]').waitFor();
    expect(await page.locator('[data-path="resources.warehouse.config.password"]').count()).toBe(0);
    await pickMode('prod');
    const password = page.locator('[data-testid=schema-tree][data-mode=prod] [data-path="resources.warehouse.config.password"]');
    await password.waitFor();
    expect(await password.locator('.req').first().innerText()).toBe('required');
    await screenshot(page, '01-schema-prod');

    await page.getByRole('tab', { name: 'Run config' }).click();
    await setConfig('resources:\n  warehouse:\n    config:\n      ');
    await page.keyboard.press('Control+Space');
    const options = page.locator('.cm-tooltip-autocomplete li');
    await options.first().waitFor();
    const labels = await options.evaluateAll((items) => items.map((li) => li.querySelector('.cm-completionLabel')?.textContent));
    expect(labels).toEqual(expect.arrayContaining(['host', 'port', 'user', 'password', 'schema']));
    expect(await options.filter({ hasText: 'password' }).innerText()).toContain('required');
    await screenshot(page, '02-completion');
    await page.keyboard.press('Escape');
  });

  it('shows an invalid config’s issue at its line as one types, keeps Launch disabled saying why, and enables it once fixed', async () => {
    await pickMode('local_dev');
    await setConfig('solids:\n  extract_orders:\n    config:\n      days: -3\n');
    await expect.poll(validation, WAIT).toBe('invalid');
    const issue = page.getByTestId('issues').locator('li').first();
    expect(await issue.getAttribute('data-line')).toBe('4');
    expect(await issue.innerText()).toMatch(/solids\.extract_orders\.config\.days/);
    await page.locator('.cm-lintRange-error').first().waitFor();
    expect(await page.locator('.cm-lintRange-error').first().innerText()).toBe('-3');
    expect(await page.getByTestId('launch').isDisabled()).toBe(true);
    expect(await page.getByTestId('launch-reason').innerText()).toBe('1 issue in the config');
    await screenshot(page, '03-invalid-config');

    await setConfig('solids:\n  extract_orders:\n    config:\n      days: 3\n');
    await expect.poll(validation, WAIT).toBe('valid');
    expect(await page.getByTestId('launch').isDisabled()).toBe(false);
    expect(await page.locator('.cm-lintRange-error').count()).toBe(0);
  });

  it('highlights the selection on the graph, and disables Launch for a selection that matches nothing', async () => {
    await page.getByTestId('selection').fill('*join_orders');
    await expect.poll(() => page.locator('[data-solid].picked').count(), WAIT).toBe(6);
    expect(await page.locator('[data-solid].dim').count()).toBe(4);
    expect(await page.getByTestId('selection-count').innerText()).toBe('6 of 10');
    await screenshot(page, '04-selection');
    await page.getByTestId('selection').fill('join_ordrs');
    await expect.poll(() => page.getByTestId('launch-reason').innerText(), WAIT).toBe('The selection matches no solid');
    expect(await page.getByTestId('launch').isDisabled()).toBe(true);
    await page.getByTestId('selection').fill('*');
    await expect.poll(() => page.locator('[data-solid].dim').count(), WAIT).toBe(0);
  });

  it('sets mode, config, selection and tags from a preset, and lets one edit after', async () => {
    await page.getByTestId('preset-picker').click();
    await page.locator('[role=option][data-value=quick_check]').click();
    await page.getByTestId('mode-picker').filter({ hasText: 'local_dev' }).waitFor();
    expect(await page.getByTestId('selection').inputValue()).toBe('*join_orders');
    expect(await page.locator('.cm-content').innerText()).toContain('days: 1');
    await page.getByTestId('preset-picker').click();
    await page.locator('[role=option][data-value=nightly]').click();
    await page.getByTestId('mode-picker').filter({ hasText: 'prod' }).waitFor();
    expect(await page.getByTestId('tags').innerText()).toContain('1');
    // Its password comes from an environment variable the server does not have.
    await expect.poll(validation, WAIT).toBe('invalid');
    expect(await page.getByTestId('issues').innerText()).toContain('WAREHOUSE_PASSWORD');
  });

  it('launches, shows the steps succeed live on the graph, the timeline and the log, and lists the run', async () => {
    await pickMode('local_dev');
    await page.getByTestId('selection').fill('*');
    await setConfig('solids:\n  extract_orders:\n    config:\n      days: 3\n');
    await expect.poll(validation, WAIT).toBe('valid');
    await page.getByTestId('launch').click();
    await page.waitForURL(/#\/runs\//);
    runIds['success'] = decodeURIComponent(page.url().split('#/runs/')[1]!);
    await page.locator('[data-testid=run-status][data-tone=success]').waitFor();
    await expect.poll(() => page.locator('[data-testid=graph] [data-solid][data-tone=success]').count(), WAIT).toBe(10);
    expect(await page.getByTestId('timeline').locator('[data-step]').count()).toBe(10);
    expect(await page.getByTestId('run-counts').innerText()).toMatch(/10\s+succeeded/);
    const total = await page.getByTestId('log-count').innerText();
    expect(total).toMatch(/^\d+ events$/);
    await screenshot(page, '05-run-success');

    // Filters: one step; then only its LOG events.
    await page.getByTestId('filter-step').selectOption('extract_orders');
    await expect.poll(() => page.getByTestId('log-count').innerText(), WAIT).toMatch(/^\d+ of \d+ events$/);
    const steps = await page.locator('[data-testid=event-log] .row .step').allInnerTexts();
    expect(new Set(steps.filter(Boolean))).toEqual(new Set(['extract_orders']));
    await page.getByTestId('filter-level').selectOption('info');
    await expect.poll(() => page.locator('[data-testid=event-log] .row[data-type=STEP_INPUT]').count(), WAIT).toBe(0);
    await page.getByTestId('filter-step').selectOption('');
    await page.getByTestId('filter-level').selectOption('trace');
  });

  it('shows a failed step’s error with its stack and cause, and the steps it skipped', async () => {
    await page.goto(`${playground.url}#/pipelines/flaky_pipeline`);
    await page.locator('[data-testid=launch]:enabled').waitFor();
    await page.getByTestId('launch').click();
    await page.locator('[data-testid=run-status][data-tone=failure]').waitFor();
    const errors = page.getByTestId('errors');
    expect(await errors.innerText()).toContain('convert — Error: exchange rate feed returned 0 rows for EUR');
    const stacks = await errors.locator('pre.stack').allInnerTexts();
    expect(stacks[0]).toMatch(/Error: exchange rate feed returned 0 rows for EUR\n\s+at /);
    expect(stacks.join('\n')).toContain('upstream 503 Service Unavailable');
    expect(await page.locator('[data-solid=store]').getAttribute('data-tone')).toBe('skipped');
    await screenshot(page, '06-run-failure');
  });

  it('cancels a slow run from its page', async () => {
    await page.goto(`${playground.url}#/pipelines/slow_pipeline`);
    await page.locator('[data-testid=launch]:enabled').waitFor();
    await page.getByTestId('launch').click();
    await page.waitForURL(/#\/runs\//);
    runIds['canceled'] = decodeURIComponent(page.url().split('#/runs/')[1]!);
    await page.locator('[data-solid=wait][data-tone=running]').waitFor();
    await page.getByTestId('cancel').click();
    await page.locator('[data-testid=run-status][data-tone=canceled]').waitFor();
    await expect.poll(() => page.locator('[data-testid=event-log] .row[data-type=RUN_CANCELED]').count(), WAIT).toBe(1);
    expect(await page.getByTestId('cancel').count()).toBe(0);
  });

  it('lists every run with pipeline, mode, status, start and duration, newest first', async () => {
    await page.getByTestId('nav-runs').click();
    const table = page.getByTestId('runs-table');
    await table.locator(`[data-run="${runIds['canceled']}"]`).waitFor();
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        run: tr.getAttribute('data-run'),
        status: tr.getAttribute('data-status'),
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()),
      })),
    );
    expect(rows.map((r) => r.status)).toEqual(['CANCELED', 'FAILURE', 'SUCCESS']);
    const success = rows.find((r) => r.run === runIds['success'])!;
    expect(success.cells.slice(1, 3)).toEqual(['warehouse_etl', 'local_dev']);
    expect(success.cells[5]).toMatch(/^\d+(\.\d+)? (ms|s)$/);
    expect(rows[0]!.cells.slice(1, 3)).toEqual(['slow_pipeline', 'default']);
    await screenshot(page, '07-runs-list');
  });

  it('replays a finished run on reload, and from the same history after the server restarts', async () => {
    await page.locator(`[data-run="${runIds['success']}"]`).click();
    await page.locator('[data-testid=run-status][data-tone=success]').waitFor();
    const count = await page.getByTestId('log-count').innerText();
    await page.reload();
    await page.locator('[data-testid=run-status][data-tone=success]').waitFor();
    await expect.poll(() => page.getByTestId('log-count').innerText(), WAIT).toBe(count);

    await playground.close();
    playground = await startPlayground({ files: [FILE], port: 0, history, log: () => undefined });
    await page.goto(`${playground.url}#/runs/${encodeURIComponent(runIds['success']!)}`);
    await page.locator('[data-testid=run-status][data-tone=success]').waitFor();
    await expect.poll(() => page.getByTestId('log-count').innerText(), WAIT).toBe(count);
    await expect.poll(() => page.locator('[data-testid=graph] [data-solid][data-tone=success]').count(), WAIT).toBe(10);
    await screenshot(page, '08-replayed');
    expect(pageErrors).toEqual([]);
  });

  it('shows a run whose process was killed as interrupted, with the events it had', async () => {
    const child = startCli(['pipeline', 'execute', '-f', FILE, 'slow_pipeline', '--history', history, '--json']);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const api = (path: string) => fetch(new URL(path, playground.url)).then((r) => r.json() as Promise<any>);
    let runId: string | undefined;
    await expect
      .poll(
        async () => {
          const { runs } = await api('/api/runs?limit=5');
          runId = runs.find((r: any) => r.pipeline === 'slow_pipeline' && r.status === 'STARTED')?.runId;
          return runId ? (await api(`/api/runs/${runId}`)).state.steps.wait?.status : undefined;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe('RUNNING');
    child.kill('SIGKILL');
    await exited;
    await page.goto(`${playground.url}#/runs/${encodeURIComponent(runId!)}`);
    await page.locator('[data-testid=run-status][data-tone=interrupted]').waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'cut off' }).count()).toBe(1);
    expect(await page.locator('[data-solid=wait]').getAttribute('data-tone')).toBe('interrupted');
    expect(await page.getByTestId('cancel').count()).toBe(0);
    await screenshot(page, '09-interrupted');
  });
});
