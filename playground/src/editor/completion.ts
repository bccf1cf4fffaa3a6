/**
 * Key and value completion for the run-config editor, from the selected mode's JSON Schema:
 * the keys a mapping takes (the ones already there left out, required ones first, each with
 * its type, default and description), and the values of enums and booleans.
 */
import { startCompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import type { EditorView } from '@codemirror/view';
import type { SchemaNode } from '../../../lib/cli/json-schema.ts';
import { keyOptions, valueOptions, type KeyOption } from './schema-keys.ts';
import { contextAt } from './yaml-context.ts';

function info(option: KeyOption): string {
  const lines: string[] = [];
  if (option.description) lines.push(option.description);
  if (option.required) lines.push('Required.');
  if (option.hasDefault) lines.push(`Default: ${JSON.stringify(option.defaultValue)}`);
  return lines.join('\n');
}

function yamlKey(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
}

/**
 * A CodeMirror completion source reading the schema `schemaOf()` gives at the time of asking
 * (the schema changes with the mode).
 *
 * @example
 * autocompletion({ override: [schemaCompletion(() => currentSchema)] });
 */
export function schemaCompletion(schemaOf: () => SchemaNode | undefined) {
  return (context: CompletionContext): CompletionResult | null => {
    const schema = schemaOf();
    if (!schema) return null;
    const text = context.state.doc.toString();
    const where = contextAt(text, context.pos);
    if (!where) return null;
    if (where.kind === 'value') {
      const values = valueOptions(schema, where.path);
      if (values.length === 0) return null;
      return { from: where.from, options: values.map((v) => ({ label: v, type: 'constant' })), validFor: /^[\w"'-]*$/ };
    }
    if (where.prefix === '' && !context.explicit) return null;
    const options = keyOptions(schema, where.path).filter((o) => !where.existing.has(o.key));
    if (options.length === 0) return null;
    const childIndent = ' '.repeat(where.indent + 2);
    return {
      from: where.from,
      validFor: /^[\w.-]*$/,
      options: options.map((option): Completion => ({
        label: option.key,
        detail: option.required ? `${option.type} · required` : option.type,
        ...(info(option) ? { info: info(option) } : {}),
        type: option.isObject ? 'namespace' : 'property',
        boost: option.required ? 2 : 0,
        apply: (view: EditorView, _completion: Completion, from: number, to: number) => {
          const insert = option.isObject ? `${yamlKey(option.key)}:\n${childIndent}` : `${yamlKey(option.key)}: `;
          view.dispatch({ changes: { from, to, insert }, selection: { anchor: from + insert.length }, userEvent: 'input.complete' });
          // Go straight on to what comes next: the keys inside, or the values of an enum.
          if (option.isObject || valueOptions(schema, [...where.path, option.key]).length > 0) startCompletion(view);
        },
      })),
    };
  };
}
