/**
 * What may be typed at a place in a run config, read from the selected mode's JSON Schema
 * (`GET …/modes/:mode/schema`, made by `runConfigJsonSchema`): the keys of a mapping with
 * their types, defaults and descriptions, and the values a key takes when they are few.
 */
import { isEnvRefSchema, propertiesOf, unwrap, type SchemaNode } from '../../../lib/cli/json-schema.ts';

export interface KeyOption {
  readonly key: string;
  /** A short type: `integer`, `string`, `object`, `one of "a", "b"`. */
  readonly type: string;
  readonly description: string | undefined;
  readonly required: boolean;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  /** True when the value is a mapping (completion then opens a block under the key). */
  readonly isObject: boolean;
}

const isObject = (value: unknown): value is SchemaNode => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The real alternatives of a node: itself, or its `anyOf`/`oneOf` branches without `{ env }`. */
function branches(node: SchemaNode, root: SchemaNode): SchemaNode[] {
  const union = node['anyOf'] ?? node['oneOf'];
  if (!Array.isArray(union)) return [node];
  return union.filter((b) => !isEnvRefSchema(b)).flatMap((b) => branches(unwrap(b, root), root));
}

/** The properties of every object branch of a node, merged; and which are required in all. */
function mergedProperties(
  node: SchemaNode,
  root: SchemaNode,
): { props: Map<string, SchemaNode>; required: Set<string>; open: SchemaNode | undefined } {
  const props = new Map<string, SchemaNode>();
  const required = new Set<string>();
  let open: SchemaNode | undefined;
  for (const branch of branches(node, root)) {
    for (const [key, child] of Object.entries(propertiesOf(branch))) if (!props.has(key)) props.set(key, unwrap(child, root));
    if (Array.isArray(branch['required']))
      for (const key of branch['required'] as unknown[]) if (typeof key === 'string') required.add(key);
    if (isObject(branch['additionalProperties'])) open = unwrap(branch['additionalProperties'], root);
  }
  return { props, required, open };
}

/**
 * The schema node at a mapping path, or `undefined` when the path leaves the schema.
 *
 * @example
 * schemaAt(schema, ['solids', 'create_table_0', 'config']); // { type: 'object', properties: { rows: … } }
 */
export function schemaAt(schema: SchemaNode, path: readonly string[]): SchemaNode | undefined {
  let node: SchemaNode = unwrap(schema, schema);
  for (const key of path) {
    const { props, open } = mergedProperties(node, schema);
    const next = props.get(key) ?? open;
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/**
 * The keys a mapping at `path` takes, in the schema's order, with what each is.
 *
 * @example
 * keyOptions(schema, []).map((o) => o.key); // ['solids', 'resources', 'loggers', 'execution']
 */
export function keyOptions(schema: SchemaNode, path: readonly string[]): KeyOption[] {
  const node = schemaAt(schema, path);
  if (!node) return [];
  const { props, required } = mergedProperties(node, schema);
  return [...props].map(([key, child]) => ({
    key,
    type: typeLabel(child, schema),
    description: typeof child['description'] === 'string' ? child['description'] : undefined,
    required: required.has(key) && !('default' in child),
    hasDefault: 'default' in child,
    defaultValue: child['default'],
    isObject: branches(child, schema).some((b) => b['type'] === 'object' || 'properties' in b),
  }));
}

/**
 * The values a key takes when they can be listed: an enum's, a const, `true`/`false`.
 *
 * @example
 * valueOptions(schema, ['execution', 'async', 'config', 'mode']); // ['"fast"', '"slow"']
 */
export function valueOptions(schema: SchemaNode, path: readonly string[]): string[] {
  const node = schemaAt(schema, path);
  if (!node) return [];
  const values: string[] = [];
  for (const branch of branches(node, schema)) {
    if (Array.isArray(branch['enum'])) values.push(...branch['enum'].map(yamlScalar));
    if ('const' in branch) values.push(yamlScalar(branch['const']));
    if (branch['type'] === 'boolean') values.push('true', 'false');
    if (branch['type'] === 'null') values.push('null');
  }
  return [...new Set(values)];
}

function yamlScalar(value: unknown): string {
  if (typeof value === 'string')
    return /^[A-Za-z_][\w-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/**
 * A node's type in a few words, as completion details show it.
 *
 * @example
 * typeLabel({ type: 'integer' }, root); // 'integer'
 */
export function typeLabel(node: SchemaNode, root: SchemaNode): string {
  const labels = branches(node, root).map((branch) => {
    if (Array.isArray(branch['enum'])) return `one of ${branch['enum'].map((v) => JSON.stringify(v)).join(', ')}`;
    if ('const' in branch) return JSON.stringify(branch['const']);
    const type = branch['type'];
    if (Array.isArray(type)) return type.join(' | ');
    if (type === 'array') {
      const items = branch['items'];
      return isObject(items) ? `array of ${typeLabel(unwrap(items, root), root)}` : 'array';
    }
    if (typeof type === 'string') return type;
    return 'properties' in branch ? 'object' : 'any';
  });
  return [...new Set(labels)].join(' | ');
}
