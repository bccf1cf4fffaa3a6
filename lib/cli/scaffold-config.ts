import { stringify } from 'yaml';
import { propertiesOf, unwrap, type SchemaNode } from './json-schema.ts';

/**
 * A YAML run-config skeleton with every field of a pipeline's run config in one mode,
 * from its JSON Schema (`runConfigJsonSchema`): defaults filled in, required fields
 * without a default as `null` marked `# required`, optional fields without a default
 * commented out, and every executor but the default one commented out (run config names
 * one). Each field's comment gives its type and description.
 *
 * @example
 * writeFileSync('prod.yaml', scaffoldConfig(runConfigJsonSchema(queryPipeline, 'prod'), ['pipeline query_pipeline, mode prod']));
 */
export function scaffoldConfig(schema: SchemaNode, header: readonly string[] = []): string {
  const lines = [...header.map((h) => `# ${h}`)];
  lines.push('# Any value may also be read from the environment: { env: NAME }.');
  const root = unwrap(schema, schema);
  const props = propertiesOf(root);
  for (const section of Object.keys(props)) {
    const node = unwrap(props[section], schema);
    const entries = Object.keys(propertiesOf(node));
    if (entries.length === 0) continue;
    lines.push('');
    if (section === 'execution') {
      lines.push(entries.length > 1 ? '# Pick one executor; the first is the default.' : '# The executor.');
      lines.push('execution:');
      entries.forEach((name, i) => {
        const body = fieldLines(name, propertiesOf(node)[name], schema, 1, false);
        lines.push(...(i === 0 ? body : body.map(commentOut)));
      });
      continue;
    }
    lines.push(...fieldLines(section, node, schema, 0, false));
  }
  return lines.join('\n') + '\n';
}

function fieldLines(key: string, raw: unknown, root: SchemaNode, depth: number, required: boolean): string[] {
  const node = unwrap(raw, root);
  const indent = '  '.repeat(depth);
  const name = yamlKey(key);
  const props = propertiesOf(node);
  // Objects that can hold nothing (a solid's `inputs` when all are wired) are noise.
  const children = Object.keys(props).filter((child) => !isEmptyObject(unwrap(props[child], root)));
  const comment = describeNode(node);
  if (isObjectNode(node) && children.length > 0) {
    const requiredKeys = new Set(Array.isArray(node['required']) ? (node['required'] as string[]) : []);
    const out = [`${indent}${name}:${comment ? `  # ${comment}` : ''}`];
    for (const child of children) out.push(...fieldLines(child, props[child], root, depth + 1, requiredKeys.has(child)));
    return out;
  }
  if ('default' in node) return [`${indent}${name}: ${yamlValue(node['default'])}${comment ? `  # ${comment}` : ''}`];
  if (isObjectNode(node)) return [`${indent}${name}: {}${comment ? `  # ${comment}` : ''}`];
  if (required) return [`${indent}${name}: null  # required${comment ? `: ${comment}` : ''}`];
  return [`${indent}# ${name}:  # optional${comment ? `: ${comment}` : ''}`];
}

function isEmptyObject(node: SchemaNode): boolean {
  return isObjectNode(node) && Object.keys(propertiesOf(node)).length === 0 && node['additionalProperties'] === false;
}

function isObjectNode(node: SchemaNode): boolean {
  return node['type'] === 'object' || 'properties' in node;
}

/** The type and description of a leaf, for its comment. */
function describeNode(node: SchemaNode): string {
  const parts: string[] = [];
  const type = typeOf(node);
  if (type && type !== 'object') parts.push(type);
  if (typeof node['description'] === 'string') parts.push(node['description']);
  return parts.join(' — ');
}

function typeOf(node: SchemaNode): string {
  if (Array.isArray(node['enum'])) return `one of ${node['enum'].map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in node) return `exactly ${JSON.stringify(node['const'])}`;
  const union = node['anyOf'] ?? node['oneOf'];
  if (Array.isArray(union)) return union.map((branch) => typeOf(branch as SchemaNode) || 'any').join(' | ');
  const type = node['type'];
  if (Array.isArray(type)) return type.join(' | ');
  if (type === 'array') {
    const items = node['items'];
    const of = typeof items === 'object' && items !== null ? typeOf(items as SchemaNode) : '';
    return of ? `array of ${of}` : 'array';
  }
  return typeof type === 'string' ? type : '';
}

function yamlKey(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
}

function yamlValue(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();
}

function commentOut(line: string): string {
  const match = /^(\s*)(#\s)?(.*)$/.exec(line)!;
  return `${match[1]}# ${match[3]}`;
}
