import { firstValueFrom, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hardcodedResource, InvalidConfigError, resource, solid } from '../../../lib/index.ts';
import { buildSolidContext, mockResource } from '../../../lib/testing/index.ts';

interface Database {
  executeQuery(sql: string): Promise<{ n: number }[]>;
}

const countRows = solid({
  name: 'count_rows',
  config: z.object({ table: z.string(), limit: z.number().int().default(10) }),
  resources: ['store'],
  output: z.number(),
  compute: async (ctx) => {
    const db = ctx.resources.store as Database;
    const [row] = await db.executeQuery(`select count(*) as n from ${ctx.config.table} limit ${ctx.config.limit}`);
    ctx.log.info({ table: ctx.config.table }, 'counted %d rows', row!.n);
    return row!.n;
  },
});

describe('buildSolidContext', () => {
  it('gives a ctx to call a compute directly: config parsed with defaults, resources, logs recorded', async () => {
    const database = mockResource<Database>({ executeQuery: async () => [{ n: 7 }] });
    const ctx = buildSolidContext({ solid: countRows, resources: { store: database }, config: { table: 't' } });
    expect(ctx.config).toEqual({ table: 't', limit: 10 });
    expect(await countRows.compute(ctx, {})).toBe(7);
    expect(database.value.calls).toEqual([{ method: 'executeQuery', args: ['select count(*) as n from t limit 10'] }]);
    expect(ctx.logs).toEqual([{ level: 'info', message: 'counted 7 rows', fields: { table: 't' } }]);
  });

  it('names the run, step and attempt as given, with defaults', () => {
    const ctx = buildSolidContext({ solid: countRows, config: { table: 't' }, attempt: 2, runId: 'r1' });
    expect([ctx.solid, ctx.stepKey, ctx.attempt, ctx.runId, ctx.pipelineName, ctx.mode]).toEqual([
      'count_rows',
      'count_rows',
      2,
      'r1',
      'test',
      'test',
    ]);
    expect(ctx.signal.aborted).toBe(false);
    expect(buildSolidContext().runId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses config the solid rejects, with its path', () => {
    expect(() => buildSolidContext({ solid: countRows, config: { table: 3 } })).toThrow(InvalidConfigError);
    try {
      buildSolidContext({ solid: countRows, config: { table: 3 } });
    } catch (error) {
      expect((error as InvalidConfigError).issues[0]!.path).toEqual(['solids', 'count_rows', 'config', 'table']);
    }
  });

  it('gives only the resources the solid declares, and initialises synchronous resource definitions', () => {
    const ctx = buildSolidContext({ solid: countRows, config: { table: 't' }, resources: { store: hardcodedResource('db'), other: 1 } });
    expect(ctx.resources['store']).toBe('db');
    expect(() => ctx.resources['other']).toThrow(/solid "count_rows" used resource "other", which it did not declare/);
    const bare = buildSolidContext({ resources: { clock: 5 } });
    expect(bare.resources['clock']).toBe(5);
  });

  it('refuses a resource whose init is asynchronous, saying what to do instead', () => {
    const pool = resource({ init: async () => 'pool' });
    expect(() => buildSolidContext({ resources: { pool } })).toThrow(
      /resource "pool" initialises asynchronously.*give its value instead, or run the solid with executeSolid/,
    );
  });

  it('logs at every level without printing, pino-style', async () => {
    const noisy = solid({
      name: 'noisy',
      compute: (ctx) => {
        ctx.log.debug('a');
        ctx.log.error(new Error('b'));
        return of(1);
      },
    });
    const ctx = buildSolidContext({ solid: noisy });
    expect(await firstValueFrom(noisy.compute(ctx, {}) as never)).toBe(1);
    expect(ctx.logs.map((l) => [l.level, l.message])).toEqual([
      ['debug', 'a'],
      ['error', 'b'],
    ]);
  });
});
