/**
 * The seed example through the API rather than the CLI (`npm run demo` uses the CLI):
 * runs it in `local_dev` mode on an embedded SQLite database and shows what happened,
 * event by event, then the outputs.
 *
 *   npx tsx examples/demo.ts
 */
import { describeEvent, run, toRunResult } from 'modeflow';
import { tap } from 'rxjs';
import { queryPipeline } from './query-pipeline.ts';

const started = Date.now();
console.log(`Running pipeline "${queryPipeline.name}" in mode "local_dev" (SQLite, in memory)\n`);

run(queryPipeline, {
  mode: 'local_dev',
  // The demo prints events itself; the console sink only adds warnings.
  runConfig: { loggers: { console: { config: { level: 'warn' } } } },
})
  .pipe(
    // One subscription, one run: print each event as it passes, then fold them into the result.
    tap((event) => {
      const at = String(event.timestamp - started).padStart(5);
      const where = 'stepKey' in event && event.stepKey ? ` [${event.stepKey}]` : '';
      const extra = event.type === 'LOG' && Object.keys(event.fields).length ? ` ${JSON.stringify(event.fields)}` : '';
      console.log(`${at} ms  ${event.type.padEnd(21)}${where} ${describeEvent(event)}${extra}`);
    }),
    toRunResult(queryPipeline),
  )
  .subscribe((result) => {
    console.log(`\nRun ${result.runId}: ${result.status}`);
    for (const node of queryPipeline.nodes) {
      const solid = result.solid(node.name);
      console.log(`  ${node.name.padEnd(20)} ${solid.status.padEnd(8)} output: ${JSON.stringify(solid.output())}`);
    }
    process.exitCode = result.success ? 0 : 1;
  });
