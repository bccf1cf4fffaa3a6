/**
 * Run config typed as YAML in the playground's editor: read with the library's own YAML
 * reading (its duplicate-key check), and each config issue placed at the line and column
 * of the offending key or value, so that the editor can show it there.
 */
import { isAlias, isMap, isScalar, isSeq, YAMLParseError, type Document, type LineCounter, type Node } from 'yaml';
import { describe } from '../define/definition.ts';
import type { ConfigIssue } from '../errors.ts';
import { DuplicateKeyError, parseYamlDocument, type ParsedYaml } from '../config/yaml-config.ts';
import { isPlainObject } from '../support/deep-merge.ts';

/** A config issue, placed in the YAML text when there was one (1-based line and column). */
export interface PlacedIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** YAML run config read: its value and where its nodes are, or the issues that stop it being read. */
export type ReadYaml =
  | { readonly ok: true; readonly value: Record<string, unknown>; readonly parsed: ParsedYaml }
  | { readonly ok: false; readonly issues: PlacedIssue[] };

/**
 * Reads run config from YAML text. Malformed YAML, a key given twice, or a document that
 * is not a mapping are issues at their line and column; an empty text is `{}`.
 *
 * @example
 * const read = readRunConfigYaml('solids:\n  load: { config: { rows: 10 } }\n');
 * if (read.ok) run(p, { runConfig: read.value });
 */
export function readRunConfigYaml(text: string): ReadYaml {
  // The page sends the same text again when only the mode, preset or selection changed,
  // and to launch what it validated: a big text is parsed once (the yaml library reads
  // ~1 MB/s). What is read is never changed by its users.
  if (text.length < CACHE_FROM) return read(text);
  let found = recent.get(text);
  if (found) recent.delete(text);
  else {
    found = read(text);
    if (recent.size >= CACHE_SIZE) recent.delete(recent.keys().next().value!);
  }
  recent.set(text, found);
  return found;
}

/** Texts shorter than this are parsed each time (well under a millisecond). */
const CACHE_FROM = 4096;
const CACHE_SIZE = 8;
const recent = new Map<string, ReadYaml>();

function read(text: string): ReadYaml {
  let parsed: ParsedYaml;
  try {
    parsed = parseYamlDocument(text);
  } catch (error) {
    if (error instanceof DuplicateKeyError) {
      const { key, line, col, firstLine, firstCol } = error.duplicate;
      const message = `duplicate key ${JSON.stringify(key)} (first at line ${firstLine}, column ${firstCol}); each key may appear once in a mapping`;
      return { ok: false, issues: [{ path: [], message, line, column: col }] };
    }
    if (error instanceof YAMLParseError) {
      const pos = error.linePos?.[0];
      const message = `YAML syntax: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
      return { ok: false, issues: [{ path: [], message, ...(pos ? { line: pos.line, column: pos.col } : {}) }] };
    }
    throw error;
  }
  const value = parsed.value;
  if (value === null || value === undefined) return { ok: true, value: {}, parsed };
  if (!isPlainObject(value)) {
    const at = parsed.document.contents?.range ? parsed.lineCounter.linePos(parsed.document.contents.range[0]) : { line: 1, col: 1 };
    return {
      ok: false,
      issues: [
        {
          path: [],
          message: `run config must be a mapping (solids:, resources:, …), got ${describe(value)}`,
          line: at.line,
          column: at.col,
        },
      ],
    };
  }
  return { ok: true, value, parsed };
}

/**
 * Places config issues in the YAML they came from. An issue about a key that should not be
 * there (`unknown key`, `unknown solid`, …) points at the key; any other at the value. When the
 * path is not in the text (a missing field, or one that came from a preset), the issue
 * points at the nearest key above it that is.
 *
 * @example
 * placeIssues(error.issues, read.parsed); // [{ path: ['resources', 'db', 'config', 'pth'], message, line: 4, column: 9 }]
 */
export function placeIssues(issues: readonly ConfigIssue[], parsed: ParsedYaml): PlacedIssue[] {
  return issues.map((issue) => {
    const at = locate(issue, parsed.document, parsed.lineCounter);
    return at ? { path: issue.path, message: issue.message, line: at.line, column: at.col } : { path: issue.path, message: issue.message };
  });
}

/**
 * Messages of issues about a key that should not be there, as lib/config and lib/schema
 * write them (`unrecognized_keys` issues, one per key, the path ending with the key):
 * `unknown key|solid|resource|logger|executor "x"`, a union none of whose options takes the
 * key, `solid "s" has no input "x"`, and `… takes no config; remove ….config`.
 */
const KEY_ISSUE = /^unknown \w+ "|no option of the union at this position takes it|^solid "[^"]*" has no input "|; remove \S+\.config$/;

function locate(issue: ConfigIssue, doc: Document, lines: LineCounter): { line: number; col: number } | undefined {
  let node: unknown = doc.contents;
  // The last key (or list item) of the path found in the text.
  let key: Node | null = null;
  let found = 0;
  for (const segment of issue.path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && Number.isInteger(Number(segment)) && node.items[Number(segment)] !== undefined) {
      node = node.items[Number(segment)];
      key = node as Node;
    } else {
      break;
    }
    found++;
  }
  const complete = found === issue.path.length;
  const value = node as Node | null;
  const target = complete && !KEY_ISSUE.test(issue.message) && value?.range && !isEmptyScalar(value) ? value : (key ?? doc.contents);
  const start = (target as Node | null)?.range?.[0];
  return start === undefined ? { line: 1, col: 1 } : lines.linePos(start);
}

/** `key:` with nothing after it: a null scalar with no text of its own (point at the key then). */
function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && node.range != null && node.range[0] === node.range[1];
}
