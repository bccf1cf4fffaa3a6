import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeScaffold } from '../../../playground/src/editor/scaffold-merge.ts';

const scaffold = [
  '# pipeline p, mode dev',
  '',
  'solids:',
  '  load:',
  '    config:',
  '      rows: 10  # integer',
  '      format: null  # required: one of "csv", "json"',
  '',
  'resources:',
  '  db:',
  '    config:',
  '      host: localhost  # string',
  '',
].join('\n');

describe('"Scaffold missing config"', () => {
  it('fills an empty editor (comments only) with the whole scaffold', () => {
    expect(mergeScaffold('# nothing yet\n', scaffold)).toEqual({ ok: true, text: scaffold, added: ['(everything)'] });
  });

  it('adds only what is missing, at any depth, and keeps the user’s values and comments', () => {
    const result = mergeScaffold('solids:\n  load:\n    config:\n      rows: 5  # mine\n', scaffold);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(parse(result.text)).toEqual({
      solids: { load: { config: { rows: 5, format: null } } },
      resources: { db: { config: { host: 'localhost' } } },
    });
    expect(result.text).toContain('# mine');
    expect(result.text).toContain('# required: one of "csv", "json"');
    expect(result.added).toEqual(['solids.load.config.format', 'resources']);
  });

  it('fills a key left empty (`config:` with nothing under it) from the scaffold', () => {
    const result = mergeScaffold('solids:\n  load:\n    config:\n', scaffold);
    expect(result.ok && parse(result.text).solids.load.config).toEqual({ rows: 10, format: null });
  });

  it('changes nothing when nothing is missing', () => {
    const full = 'solids:\n  load:\n    config: { rows: 1, format: csv }\nresources:\n  db:\n    config:\n      host: h\n';
    expect(mergeScaffold(full, scaffold)).toEqual({ ok: true, text: full, added: [] });
  });

  it('refuses YAML it cannot parse, saying so, rather than losing what was typed', () => {
    const result = mergeScaffold('solids: [\n', scaffold);
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/not valid YAML yet.*fix that first/) });
  });
});
