// The property test of the README's Testing section, verbatim but for the example's path.
import { test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { execute } from 'modeflow';
import { assertRunInvariants, configArbitrary } from 'modeflow/testing';
import { createTable0, generateTable1, queryPipeline } from '../../examples/query-pipeline.ts';

test.prop([configArbitrary(createTable0), configArbitrary(generateTable1)], { numRuns: 25 })(
  'table_1 keeps the rows of table_0 above minValue, and table_2 one row per category left',
  async (table0Config, table1Config) => {
    const solids = { create_table_0: { config: table0Config }, generate_table_1: { config: table1Config } };
    const loggers = { console: { config: { level: 'warn' } } };
    const result = await execute(queryPipeline, { mode: 'local_dev', runConfig: { solids, loggers } });
    assertRunInvariants(result.events);
    const [{ rows = 1000 }, { minValue = 50 }] = [table0Config as { rows?: number }, table1Config as { minValue?: number }];
    const kept = Array.from({ length: rows }, (_, i) => i + 1).filter((id) => (id * 37) % 101 > minValue);
    const categories = new Set(kept.map((id) => id % 5)).size;
    expect(result.output('report_row_counts')).toEqual({ table_0: rows, table_1: kept.length, table_2: categories });
  },
);

test('the README shows this property test as it is here', async () => {
  const { readFileSync } = await import('node:fs');
  const here = readFileSync(new URL(import.meta.url), 'utf8').split('\n\ntest(')[0]!;
  const shown = here.slice(here.indexOf('\n') + 1).replace('../../examples/query-pipeline.ts', './query-pipeline.ts');
  expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(shown);
  expect(readFileSync(new URL('../../docs/testing.md', import.meta.url), 'utf8')).toContain(shown);
});
