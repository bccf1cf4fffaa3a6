/**
 * The selected mode's run-config schema as a tree: sections, their entries and fields, each
 * with its type, default and whether it is required. Switching the mode switches the tree.
 */
import type { SchemaNode } from '../../../lib/cli/json-schema.ts';
import { keyOptions, type KeyOption } from '../editor/schema-keys.ts';

const MAX_DEPTH = 6;

/** An object that takes no key (a solid's `inputs` when all are wired): noise in the tree. */
function isEmptyObject(schema: SchemaNode, path: readonly string[], option: KeyOption): boolean {
  return option.isObject && keyOptions(schema, path).length === 0;
}

function Field({ schema, path, option, depth }: { schema: SchemaNode; path: readonly string[]; option: KeyOption; depth: number }) {
  const here = [...path, option.key];
  const children =
    option.isObject && depth < MAX_DEPTH
      ? keyOptions(schema, here).filter((child) => !isEmptyObject(schema, [...here, child.key], child))
      : [];
  return (
    <li data-path={here.join('.')}>
      <div class="schema-row">
        <code class="key">{option.key}</code>
        {option.type !== 'object' && <span class="type">{option.type}</span>}
        {option.required && <span class="req">required</span>}
        {option.hasDefault && option.type !== 'object' && <span class="def">= {JSON.stringify(option.defaultValue)}</span>}
        {option.description && <span class="desc">{option.description}</span>}
      </div>
      {children.length > 0 && (
        <ul>
          {children.map((child) => (
            <Field key={child.key} schema={schema} path={here} option={child} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function SchemaTree({ schema, mode }: { schema: SchemaNode | undefined; mode: string }) {
  if (!schema) return <div class="loading">Loading the schema of mode {mode}…</div>;
  const sections = keyOptions(schema, []).filter((s) => keyOptions(schema, [s.key]).length > 0);
  return (
    <div class="schema-tree" data-testid="schema-tree" data-mode={mode}>
      <ul>
        {sections.map((section) => (
          <Field key={section.key} schema={schema} path={[]} option={section} depth={0} />
        ))}
      </ul>
    </div>
  );
}
