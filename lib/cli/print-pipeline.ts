import type { GraphNode } from '../define/graph.ts';
import type { Pipeline } from '../define/pipeline.ts';

/**
 * A pipeline as text (`modeflow pipeline print`): its modes and presets, then each solid
 * invocation in run order with where each input comes from, the resources it needs, its
 * outputs, and which steps consume them.
 *
 * @example
 * console.log(printPipeline(queryPipeline).join('\n'));
 */
export function printPipeline(pipeline: Pipeline): string[] {
  const lines = [`pipeline ${pipeline.name}${pipeline.description ? ` — ${pipeline.description}` : ''}`];
  lines.push(`  modes:   ${pipeline.modes.map((m) => m.name + (m.description ? ` (${m.description})` : '')).join(', ')}`);
  if (pipeline.presets.length) {
    lines.push(`  presets: ${pipeline.presets.map((p) => p.name + (p.mode ? ` (mode ${p.mode})` : '')).join(', ')}`);
  }
  const consumers = new Map<string, string[]>();
  for (const node of pipeline.nodes) {
    for (const wire of Object.values(node.inputs)) {
      const list = consumers.get(wire.node) ?? [];
      if (!list.includes(node.name)) list.push(node.name);
      consumers.set(wire.node, list);
    }
  }
  lines.push('', `solids (${pipeline.nodes.length}, in run order):`);
  for (const node of pipeline.nodes) lines.push(...nodeLines(node, consumers.get(node.name) ?? []));
  return lines;
}

function nodeLines(node: GraphNode, consumers: readonly string[]): string[] {
  const solid = node.solid;
  const alias = node.name === solid.name ? '' : ` (solid ${solid.name})`;
  const lines = [`  ${node.name}${alias}${solid.description ? ` — ${solid.description}` : ''}`];
  const inputs = Object.keys(solid.inputs).map((input) => {
    const wire = node.inputs[input];
    if (!wire) return `${input} ← run config (solids.${node.name}.inputs.${input}.value)`;
    const source = wire.output === 'result' ? wire.node : `${wire.node}.${wire.output}`;
    return `${input} ← ${source}${wire.collected ? ' (collected)' : ''}`;
  });
  if (inputs.length) lines.push(`      inputs:    ${inputs.join(', ')}`);
  if (solid.resources.length) lines.push(`      resources: ${solid.resources.join(', ')}`);
  if (solid.config) lines.push(`      config:    solids.${node.name}.config`);
  lines.push(`      outputs:   ${Object.keys(solid.outputs).join(', ')}${consumers.length ? ` → ${consumers.join(', ')}` : ''}`);
  return lines;
}
