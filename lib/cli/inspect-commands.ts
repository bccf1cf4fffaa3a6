import { runConfigJsonSchema } from '../config/run-config-json-schema.ts';
import { exportedPipelines } from '../define/pipeline.ts';
import { loadModule, loadPipeline } from './load-pipeline.ts';
import { printPipeline } from './print-pipeline.ts';
import type { ErrorContext } from './report-error.ts';
import { scaffoldConfig } from './scaffold-config.ts';

/** Flags shared by the commands that look at one pipeline. */
export interface InspectFlags {
  readonly file: string;
  readonly pipeline?: string;
  readonly mode?: string;
  readonly select?: string;
}

/** `modeflow pipeline list -f FILE`: each pipeline the module exports, with its modes, presets and size. */
export async function listCommand(flags: { readonly file: string }, context: ErrorContext): Promise<string> {
  context.file = flags.file;
  const pipelines = exportedPipelines(await loadModule(flags.file));
  if (pipelines.length === 0) return `${flags.file} exports no pipeline\n`;
  return pipelines
    .map((p) => {
      const lines = [`${p.name}${p.description ? ` — ${p.description}` : ''}`];
      lines.push(`  modes:   ${p.modes.map((m) => m.name).join(', ')}`);
      if (p.presets.length) lines.push(`  presets: ${p.presets.map((preset) => preset.name).join(', ')}`);
      lines.push(`  solids:  ${p.nodes.length}`);
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

/** `modeflow pipeline print -f FILE NAME`: the graph as text. */
export async function printCommand(name: string | undefined, flags: InspectFlags, context: ErrorContext): Promise<string> {
  context.file = flags.file;
  const pipeline = await loadPipeline(flags.file, name, flags.pipeline);
  return printPipeline(pipeline).join('\n') + '\n';
}

/** `modeflow pipeline scaffold-config -f FILE NAME -d MODE`: a YAML skeleton with every field. */
export async function scaffoldCommand(name: string | undefined, flags: InspectFlags, context: ErrorContext): Promise<string> {
  context.file = flags.file;
  const pipeline = await loadPipeline(flags.file, name, flags.pipeline);
  context.pipeline = pipeline;
  const schema = runConfigJsonSchema(pipeline, flags.mode, flags.select);
  const mode = flags.mode ?? pipeline.modes[0]!.name;
  const selection = flags.select ? `, selection ${flags.select}` : '';
  return scaffoldConfig(schema, [
    `Run config for pipeline "${pipeline.name}" in mode "${mode}"${selection}.`,
    `Use it with: modeflow pipeline execute -f ${flags.file} -d ${mode} ${pipeline.name} -c THIS_FILE`,
  ]);
}

/** `modeflow pipeline config-schema -f FILE NAME -d MODE`: the run config's JSON Schema, for editors. */
export async function configSchemaCommand(name: string | undefined, flags: InspectFlags, context: ErrorContext): Promise<string> {
  context.file = flags.file;
  const pipeline = await loadPipeline(flags.file, name, flags.pipeline);
  context.pipeline = pipeline;
  return JSON.stringify(runConfigJsonSchema(pipeline, flags.mode, flags.select), null, 2) + '\n';
}
