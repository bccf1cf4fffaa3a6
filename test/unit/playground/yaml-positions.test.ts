import { describe, expect, it } from 'vitest';
import { placeIssues, readRunConfigYaml } from '../../../lib/playground/yaml-positions.ts';

function place(text: string, path: (string | number)[], message = 'Invalid input') {
  const read = readRunConfigYaml(text);
  if (!read.ok) throw new Error(JSON.stringify(read.issues));
  const [issue] = placeIssues([{ path, message }], read.parsed);
  return { line: issue!.line, column: issue!.column };
}

describe('readRunConfigYaml', () => {
  it('reads an empty text as {}', () => {
    const read = readRunConfigYaml('# nothing yet\n');
    expect(read.ok && read.value).toEqual({});
  });
});

describe('placeIssues', () => {
  it('points at the value of a wrong value, in block and flow style', () => {
    expect(place('resources:\n  db:\n    config:\n      port: abc\n', ['resources', 'db', 'config', 'port'])).toEqual({
      line: 4,
      column: 13,
    });
    expect(place('resources: { db: { config: { port: abc } } }\n', ['resources', 'db', 'config', 'port'])).toEqual({ line: 1, column: 36 });
  });

  it('points at the key of an unknown key or solid', () => {
    expect(place('solids:\n  lod: {}\n', ['solids', 'lod'], 'unknown solid "lod"; solids are: "load"')).toEqual({ line: 2, column: 3 });
    expect(
      place(
        'loggers:\n  console:\n    config: { levl: debug }\n',
        ['loggers', 'console', 'config', 'levl'],
        'unknown key "levl"; valid: "level"',
      ),
    ).toEqual({
      line: 3,
      column: 15,
    });
  });

  it('points at the key when the value is left empty', () => {
    expect(place('solids:\n  load:\n    config:\n', ['solids', 'load', 'config'])).toEqual({ line: 3, column: 5 });
  });

  it('walks list items by index', () => {
    expect(place('solids:\n  load:\n    config:\n      tables: [a, 7, c]\n', ['solids', 'load', 'config', 'tables', 1])).toEqual({
      line: 4,
      column: 19,
    });
  });

  it('follows an alias to the anchored node', () => {
    const text = 'base: &db { port: abc }\nresources:\n  db:\n    config: *db\n';
    expect(place(text, ['resources', 'db', 'config', 'port'])).toEqual({ line: 1, column: 19 });
  });

  it('points at the nearest key the text has for a path it lacks, and at the start for none', () => {
    expect(place('resources:\n  db: {}\n', ['resources', 'db', 'config', 'path'])).toEqual({ line: 2, column: 3 });
    expect(place('\n\nloggers: {}\n', ['solids', 'load'])).toEqual({ line: 3, column: 1 });
  });
});
