import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { formatPath, ModeflowError } from '../errors.ts';
import type { BenchReport } from './report.ts';

const finite = z.number().refine(Number.isFinite, 'a finite number');

/** The fields a comparison reads; others (added later, or by hand) are kept as they are. */
const savedReport = z.looseObject({
  environment: z.looseObject({
    node: z.string(),
    cpus: z.number(),
    cpuModel: z.string().default('unknown'),
    platform: z.string(),
    pipeline: z.string(),
    mode: z.string(),
    steps: z.number(),
  }),
  executors: z.array(
    z.looseObject({
      executor: z.string(),
      label: z.string().optional(),
      medianMs: finite,
      rme: finite,
      // Reports written by hand may leave the spread out: their changes then show no error.
      madMs: finite.default(0),
    }),
  ),
  summary: z.array(z.string()).default([]),
});

/**
 * Writes a report as the JSON document `--json` prints (2-space indented, one trailing newline).
 *
 * @throws {Error} from the file system (a missing folder, no permission)
 */
export function saveBenchReport(file: string, report: BenchReport): void {
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
}

/**
 * Reads a report saved with `--save` (or printed by `--json`). An entry without a
 * `label` (written by hand) is labelled with its executor's name.
 *
 * @throws {ModeflowError} when the file cannot be read, is not JSON, or lacks what a
 *   comparison needs, naming the file and the first bad field
 */
export function readBenchReport(file: string): BenchReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ModeflowError(`cannot read the saved bench report ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ModeflowError(`${file} is not JSON (${(error as Error).message}); save a report with --save FILE`);
  }
  const parsed = savedReport.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ModeflowError(
      `${file} is not a saved bench report: ${formatPath(issue.path)}: ${issue.message}; ` +
        `save one with modeflow pipeline bench … --save FILE`,
    );
  }
  const report = parsed.data;
  return {
    ...report,
    executors: report.executors.map((e) => ({ ...e, label: e.label ?? e.executor })),
  } as unknown as BenchReport;
}
