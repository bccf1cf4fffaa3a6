// The unit-test examples of the README's Testing section, verbatim but for the examples' paths.
import { expect, it } from 'vitest';
import { mockResource } from 'modeflow';
import { buildSolidContext, executeSolid } from 'modeflow/testing';
import type { Database } from '../../examples/databases.ts';
import { generateTable1 } from '../../examples/query-pipeline.ts';

it('counts the rows of table_1', async () => {
  const database = mockResource<Database>({ executeQuery: async () => [{ n: 3 }] });
  const result = await executeSolid(generateTable1, {
    resources: { database }, // plain values or resource definitions
    inputs: { table0Rows: 10 },
    config: { minValue: 50 },
  });
  expect(result.output()).toBe(3);
  expect(database.value.calls[1]?.args[0]).toMatch(/^create table table_1/);
});

it('computes from a ctx built by hand', async () => {
  const database = mockResource<Database>({ executeQuery: async () => [{ n: 3 }] });
  const ctx = buildSolidContext({ solid: generateTable1, resources: { database }, config: { minValue: 10 } });
  expect(await generateTable1.compute(ctx, { table0Rows: 5 })).toBe(3);
  expect(ctx.logs).toEqual([]); // what ctx.log recorded
});

it('the README shows these tests as they are here', async () => {
  const { readFileSync } = await import('node:fs');
  const here = readFileSync(new URL(import.meta.url), 'utf8').split("\n\nit('the README")[0]!;
  const shown = here
    .slice(here.indexOf('\n') + 1)
    .replace('../../examples/databases.ts', './databases.ts')
    .replace('../../examples/query-pipeline.ts', './query-pipeline.ts');
  expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(shown);
});
