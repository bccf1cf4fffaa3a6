/**
 * README, "Running on several machines", on one machine: the seed example in prod mode with
 * its steps on two `modeflow worker` processes (the built binary, as `npx modeflow` runs it),
 * through a real Redis, on a real Postgres. Both servers come from the test setup.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bin, events, runCli } from '../e2e/run-cli.ts';
import { queueName, startWorker, stopWorkers } from './queue-helpers.ts';

const postgres = inject('postgres');
const redis = inject('redis');
const dir = mkdtempSync(join(tmpdir(), 'modeflow-prod-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const skip = postgres.skip ?? redis.skip;

describe.skipIf(skip !== undefined)(`the seed example in prod mode on queue workers${skip ? ` (${skip})` : ''}`, () => {
  if (postgres.skip !== undefined || redis.skip !== undefined) return;
  it('runs as the README says: workers started anywhere, then pipeline execute with -c examples/queue.yaml', async () => {
    const queue = queueName('readme');
    // examples/prod.yaml and examples/queue.yaml, then this file for the throwaway servers and the test's own queue.
    const local = join(dir, 'local.yaml');
    writeFileSync(
      local,
      `resources:\n  database:\n    config: { host: ${postgres.host}, port: ${postgres.port}, user: ${postgres.user}, database: ${postgres.database} }\n` +
        `execution:\n  queue:\n    config: { queue: ${queue} }\n`,
    );
    const env = { ...process.env, PGPASSWORD: postgres.password, REDIS_URL: redis.url };
    const files = ['examples/query-pipeline.ts'];
    const workers = await Promise.all([
      startWorker(redis.url, queue, files, { env, bin }),
      startWorker(redis.url, queue, files, { env, bin }),
    ]);
    try {
      const execute = ['pipeline', 'execute', '-f', 'examples/query-pipeline.ts', '-d', 'prod', 'query_pipeline'];
      const result = runCli([...execute, '-c', 'examples/prod.yaml', '-c', 'examples/queue.yaml', '-c', local, '--json'], {
        env: { PGPASSWORD: postgres.password, REDIS_URL: redis.url },
      });
      expect(result.stderr).not.toContain('modeflow:');
      expect(result.code).toBe(0);
      const all = events(result.stdout);
      expect(all[0]).toMatchObject({ type: 'RUN_START', executor: 'queue' });
      expect(all.at(-1)!.type).toBe('RUN_SUCCESS');
      const report = all.find((e) => e.type === 'STEP_OUTPUT' && e['solid'] === 'report_row_counts')?.['value'] as Record<string, number>;
      expect(report).toMatchObject({ table_0: 10_000, table_2: 5 });
      // The database was opened on the workers (once per worker that ran a step), never here;
      // the alerts of prod's failure hook are the run's own (hooks run in the run's process).
      const of = (type: string, key: string) => all.filter((e) => e.type === type && e['resource'] === key);
      const inits = of('RESOURCE_INIT_SUCCESS', 'database');
      expect(inits.length).toBeGreaterThanOrEqual(1);
      expect(inits.length).toBeLessThanOrEqual(2);
      expect(of('RESOURCE_TEARDOWN', 'database')).toHaveLength(inits.length);
      expect(of('RESOURCE_INIT_SUCCESS', 'alerts')).toHaveLength(1);
      expect(of('RESOURCE_TEARDOWN', 'alerts')).toHaveLength(1);
      expect(result.stdout).not.toContain(postgres.password);
    } finally {
      await stopWorkers(workers);
    }
    for (const worker of workers) expect(await worker.exited).toBe(0);
  });
});
