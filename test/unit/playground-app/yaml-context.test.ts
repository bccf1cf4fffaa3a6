import { describe, expect, it } from 'vitest';
import { contextAt } from '../../../playground/src/editor/yaml-context.ts';

/** The context at the `|` in `text`. */
const at = (text: string) => contextAt(text.replace('|', ''), text.indexOf('|'));

describe('where the cursor is in a half-typed run config', () => {
  it('is a top-level key on an empty document', () => {
    expect(at('|')).toMatchObject({ kind: 'key', path: [], prefix: '', indent: 0 });
  });

  it('is a key under the mappings its indentation puts it in, with the typed part', () => {
    expect(at('solids:\n  create_table_0:\n    con|')).toMatchObject({
      kind: 'key',
      path: ['solids', 'create_table_0'],
      prefix: 'con',
      from: 30,
    });
  });

  it('knows the keys already present at its level, above and below, but not deeper or elsewhere', () => {
    const context = at('solids:\n  a:\n    config: {}\n  |\n  b:\n    inputs: {}\nresources:\n  db: {}\n');
    expect(context).toMatchObject({ kind: 'key', path: ['solids'] });
    expect(context?.kind === 'key' && [...context.existing]).toEqual(['a', 'b']);
  });

  it('skips comments and blank lines when finding the enclosing keys', () => {
    expect(at('resources:\n  # the database\n\n  database:\n    # connection\n    config:\n      |')).toMatchObject({
      kind: 'key',
      path: ['resources', 'database', 'config'],
    });
  });

  it('reads quoted keys without their quotes', () => {
    expect(at('solids:\n  "odd name":\n    |')).toMatchObject({ path: ['solids', 'odd name'] });
  });

  it('is a value after `key: ` on the key’s own line', () => {
    expect(at('execution:\n  async:\n    config:\n      mode: fa|')).toMatchObject({
      kind: 'value',
      path: ['execution', 'async', 'config', 'mode'],
      prefix: 'fa',
    });
  });

  it('is nothing in a comment, a sequence or a flow mapping', () => {
    expect(at('# solids|')).toBeUndefined();
    expect(at('items:\n  - a\n  - |')).toBeUndefined();
    expect(at('solids: {\n  |')).toBeUndefined();
  });
});
