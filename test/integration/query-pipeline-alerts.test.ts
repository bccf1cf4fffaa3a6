/**
 * The seed example's failure hook: only the `prod` mode attaches it (with its `alerts`
 * resource), so a failed step is announced in prod and nowhere else. The prod run uses the
 * throwaway Postgres server of test/setup/postgres.ts, in a database of its own, and posts
 * to a webhook served here.
 */
import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { execute, runConfigSchema } from '../../lib/index.ts';
import { queryPipeline } from '../../examples/query-pipeline.ts';

const server = inject('postgres');

/** Fails at once: `table_0` does not exist in a fresh database. */
const table1Alone = { select: 'generate_table_1', solids: { generate_table_1: { inputs: { table0Rows: { value: 10 } } } } };

describe('the seed example alerts on failure in prod only', () => {
  it('local_dev has no hook and needs no alerts resource: a failure there sends nothing', async () => {
    const local = queryPipeline.modes.find((m) => m.name === 'local_dev')!;
    expect(local.hooks).toEqual([]);
    expect(runConfigSchema(queryPipeline, 'local_dev').safeParse({ resources: { alerts: {} } }).success).toBe(false);
    const result = await execute(queryPipeline, {
      mode: 'local_dev',
      select: table1Alone.select,
      runConfig: { solids: table1Alone.solids, loggers: { console: { config: { level: 'fatal' } } } },
      raiseOnError: false,
    });
    expect(result.status).toBe('FAILURE');
    expect(result.events.some((e) => e.type.startsWith('HOOK_') || (e.type === 'RESOURCE_INIT_START' && e.resource === 'alerts'))).toBe(
      false,
    );
  });

  describe.skipIf(server.skip !== undefined)(`on a real Postgres${server.skip ? ` (${server.skip})` : ''}`, () => {
    if (server.skip !== undefined) return;
    const posted: unknown[] = [];
    let webhook: Server;
    const database = `alerts_${process.pid}`;
    const admin = () => new pg.Client({ ...server, password: server.password });

    afterAll(async () => {
      webhook?.close();
      const client = admin();
      await client.connect();
      await client.query(`drop database if exists ${database}`);
      await client.end();
    });

    it('prod posts the failed step and its error to the webhook, and the run still fails for the step', async () => {
      const client = admin();
      await client.connect();
      await client.query(`create database ${database}`);
      await client.end();
      webhook = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          posted.push(JSON.parse(body));
          response.end('ok');
        });
      });
      await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
      const { port } = webhook.address() as { port: number };
      const result = await execute(queryPipeline, {
        mode: 'prod',
        select: table1Alone.select,
        runConfig: {
          solids: table1Alone.solids,
          resources: {
            database: { config: { host: server.host, port: server.port, user: server.user, database, password: server.password } },
            alerts: { config: { webhookUrl: `http://127.0.0.1:${port}/hook` } },
          },
          loggers: { console: { config: { level: 'fatal' } } },
        },
        raiseOnError: false,
      });
      expect(result.status).toBe('FAILURE');
      expect(result.solid('generate_table_1').error?.message).toMatch(/table_0/);
      expect(result.events.filter((e) => e.type === 'HOOK_COMPLETED').map((e) => [e.hook, e.stepKey])).toEqual([
        ['alert_on_failure', 'generate_table_1'],
      ]);
      expect(posted).toEqual([
        { text: expect.stringMatching(/^query_pipeline \(prod\): step generate_table_1 failed: .*table_0.* — run [0-9a-f-]{36}$/) },
      ]);
    });
  });
});
