/** A JSON Schema node, as `runConfigJsonSchema` produces them. */
export type SchemaNode = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is SchemaNode => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for the `{ env: NAME }` alternative that every config position of the run config schema accepts. */
export function isEnvRefSchema(node: unknown): boolean {
  if (!isObject(node) || node['type'] !== 'object') return false;
  const props = node['properties'];
  return isObject(props) && Object.keys(props).length === 1 && 'env' in props;
}

/**
 * The node with `$ref`s followed and the `{ env: NAME }` alternative dropped: a config
 * position reads as its own schema. Unions with several real branches stay as they are.
 */
export function unwrap(node: unknown, root: SchemaNode): SchemaNode {
  let current: unknown = node;
  for (let guard = 0; guard < 32; guard++) {
    if (!isObject(current)) return {};
    const ref = current['$ref'];
    if (typeof ref === 'string' && ref.startsWith('#/')) {
      const { $ref: _ref, ...rest } = current;
      current = { ...rest, ...follow(root, ref) };
      continue;
    }
    const anyOf = current['anyOf'];
    if (Array.isArray(anyOf)) {
      const real = anyOf.filter((branch) => !isEnvRefSchema(branch));
      if (real.length === 1) {
        const { anyOf: _anyOf, ...rest } = current;
        current = { ...rest, ...(real[0] as SchemaNode) };
        continue;
      }
    }
    return current;
  }
  return isObject(current) ? current : {};
}

function follow(root: SchemaNode, ref: string): SchemaNode {
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = isObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return isObject(node) ? node : {};
}

/** The properties of an object node (after {@link unwrap}), or `{}`. */
export function propertiesOf(node: SchemaNode): Readonly<Record<string, unknown>> {
  const props = node['properties'];
  return isObject(props) ? props : {};
}

/** The node at `path` (keys as in config issues), unwrapped; `undefined` when the path leaves the schema. */
export function nodeAt(root: SchemaNode, path: readonly (string | number)[]): SchemaNode | undefined {
  let node = unwrap(root, root);
  for (const key of path) {
    const props = propertiesOf(node);
    if (typeof key === 'string' && key in props) node = unwrap(props[key], root);
    else if (typeof key === 'number' && isObject(node['items'])) node = unwrap(node['items'], root);
    else if (typeof key === 'string' && isObject(node['additionalProperties'])) node = unwrap(node['additionalProperties'], root);
    else return undefined;
  }
  return node;
}
