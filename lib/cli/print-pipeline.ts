import type { CompositeNode, GraphNode } from '../define/graph.ts';
import type { Wire } from '../define/handle.ts';
import type { Pipeline } from '../define/pipeline.ts';

/**
 * A pipeline as text (`modeflow pipeline print`): its modes, presets and hooks, then each
 * solid invocation in run order with where each input comes from, the resources it needs,
 * its outputs, and which steps consume them. Composites show as nested groups, headed by
 * their inputs, config and outputs.
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
  const hooks = [
    ...pipeline.hooks.map((h) => `${h.name} (on ${h.on.join(', ')})`),
    ...pipeline.modes.flatMap((m) => m.hooks.map((h) => `${h.name} (on ${h.on.join(', ')}; mode ${m.name})`)),
  ];
  if (hooks.length) lines.push(`  hooks:   ${hooks.join(', ')}`);
  const consumers = new Map<string, string[]>();
  for (const node of pipeline.nodes) {
    for (const wire of Object.values(node.inputs)) {
      const list = consumers.get(wire.node) ?? [];
      if (!list.includes(node.name)) list.push(node.name);
      consumers.set(wire.node, list);
    }
  }
  lines.push('', `solids (${pipeline.nodes.length}, in run order):`);
  // Composites hold contiguous runs of solids, outer ones listed first: open each where its first solid is.
  const open: CompositeNode[] = [];
  let next = 0;
  const composites = pipeline.composites;
  const openUpTo = (index: number) => {
    while (next < composites.length && composites[next]!.first <= index) {
      const group = composites[next++]!;
      lines.push(...compositeLines(group, open.length, consumers));
      if (group.end === group.first) continue; // invokes no solid: nothing to hold open
      open.push(group);
    }
  };
  // The nearest enclosing composite that maps its config: its solids' config comes from there.
  const mappedBy = (node: GraphNode): string | undefined => {
    for (let group = node.composite; group !== undefined;) {
      const found = pipeline.composite(group);
      if (found?.composite.configMapping) return found.name;
      group = found?.parent;
    }
    return undefined;
  };
  pipeline.nodes.forEach((node, i) => {
    openUpTo(i);
    lines.push(...nodeLines(node, consumers.get(node.name) ?? [], open.length, mappedBy(node)));
    while (open.length && open[open.length - 1]!.end === i + 1) open.pop();
  });
  openUpTo(Infinity);
  return lines;
}

function nodeLines(node: GraphNode, consumers: readonly string[], depth: number, mappedBy: string | undefined): string[] {
  // Inside a composite that maps its config, what run config would give comes from its mapping.
  const fromConfig = (path: string) => (mappedBy ? `from the configMapping of ${mappedBy}` : `solids.${path}`);
  const solid = node.solid;
  const pad = '  '.repeat(depth);
  const local = node.composite === undefined ? node.name : node.name.slice(node.composite.length + 1);
  const alias = local === solid.name ? '' : ` (solid ${solid.name})`;
  const lines = [`${pad}  ${node.name}${alias}${solid.description ? ` — ${solid.description}` : ''}`];
  const inputs = Object.keys(solid.inputs).map((input) => {
    const from = node.fromComposite[input];
    if (from) return `${input} ← run config (solids.${configPath(from.composite)}.inputs.${from.input}.value)`;
    const wire = node.inputs[input];
    if (!wire) return `${input} ← run config (${fromConfig(`${configPath(node.name)}.inputs.${input}.value`)})`;
    return `${input} ← ${source(wire)}`;
  });
  if (inputs.length) lines.push(`${pad}      inputs:    ${inputs.join(', ')}`);
  if (solid.resources.length) lines.push(`${pad}      resources: ${solid.resources.join(', ')}`);
  if (node.hooks.length) lines.push(`${pad}      hooks:     ${node.hooks.map((h) => h.name).join(', ')}`);
  if (solid.config)
    lines.push(`${pad}      config:    ${solid.bound ? 'bound with .configured()' : fromConfig(`${configPath(node.name)}.config`)}`);
  lines.push(`${pad}      outputs:   ${Object.keys(solid.outputs).join(', ')}${consumers.length ? ` → ${consumers.join(', ')}` : ''}`);
  return lines;
}

function compositeLines(group: CompositeNode, depth: number, consumers: ReadonlyMap<string, readonly string[]>): string[] {
  const def = group.composite;
  const pad = '  '.repeat(depth);
  const local = group.parent === undefined ? group.name : group.name.slice(group.parent.length + 1);
  const kind = local === def.name ? 'composite' : `composite ${def.name}`;
  const lines = [`${pad}  ${group.name} (${kind})${def.description ? ` — ${def.description}` : ''}`];
  const inputs = Object.keys(def.inputs).map((input) => {
    const wire = group.inputs[input];
    return `${input} ← ${wire ? source(wire) : `run config (solids.${configPath(group.name)}.inputs.${input}.value)`}`;
  });
  if (inputs.length) lines.push(`${pad}      inputs:    ${inputs.join(', ')}`);
  if (def.configMapping) {
    const where = def.bound ? 'bound with .configured()' : def.config ? `solids.${configPath(group.name)}.config` : 'none';
    lines.push(`${pad}      config:    ${where}, mapped onto its solids`);
  }
  const outputs = Object.entries(group.outputs).map(([output, wire]) => {
    const to = wire.index < 0 ? [] : (consumers.get(wire.node) ?? []).filter((c) => !c.startsWith(`${group.name}.`));
    return `${output} ← ${source(wire)}${to.length ? ` → ${to.join(', ')}` : ''}`;
  });
  if (outputs.length) lines.push(`${pad}      outputs:   ${outputs.join(', ')}`);
  if (group.end === group.first) lines.push(`${pad}      (invokes no solid)`);
  return lines;
}

/** `a`, `a.out` for a named output, `(collected)` when gathered; a composite input's run config. */
function source(wire: Wire<unknown>): string {
  if (wire.index < 0) return `run config (solids.${configPath(wire.node)}.inputs.${wire.output}.value)`;
  const from = wire.output === 'result' ? wire.node : `${wire.node}.${wire.output}`;
  return `${from}${wire.collected ? ' (collected)' : ''}`;
}

/** `outer.inner` as its run config path below `solids`: `outer.solids.inner`. */
function configPath(name: string): string {
  return name.split('.').join('.solids.');
}
