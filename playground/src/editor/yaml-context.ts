/**
 * Where the cursor is in a YAML run config, for completion: typing a key (and under which
 * mapping path, beside which existing keys) or a value (of which key). Read from the lines'
 * indentation rather than a parse, because the text is half-typed when it matters: `con`
 * alone under `create_table_0:` does not parse as the mapping it is about to become.
 */

/** The cursor is where a mapping key goes. */
export interface KeyContext {
  readonly kind: 'key';
  /** The keys of the mappings around the cursor, outermost first. */
  readonly path: readonly string[];
  /** Keys already present at this level (the one being typed left out). */
  readonly existing: ReadonlySet<string>;
  /** Offset where the typed part of the key starts, and that part. */
  readonly from: number;
  readonly prefix: string;
  /** The key's column (its indentation). */
  readonly indent: number;
}

/** The cursor is in the value of `path`'s last key, on the key's own line. */
export interface ValueContext {
  readonly kind: 'value';
  readonly path: readonly string[];
  readonly from: number;
  readonly prefix: string;
}

const KEY_LINE = /^(\s*)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s|$)/;
const TYPING_KEY = /^(\s*)([A-Za-z0-9_.-]*)$/;
const TYPING_VALUE = /^(\s*)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"-][^:#]*?)\s*:\s+([^\s#]*)$/;

/** A line's key and indentation, when it is a `key:` line. */
function keyOfLine(line: string): { indent: number; key: string } | undefined {
  const match = KEY_LINE.exec(line);
  if (!match) return undefined;
  return { indent: match[1]!.length, key: unquote(match[2]!) };
}

function unquote(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key.slice(1, -1);
    }
  }
  if (key.startsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  return key.trim();
}

const isBlankOrComment = (line: string) => /^\s*(#.*)?$/.test(line);
const indentOf = (line: string) => /^\s*/.exec(line)![0].length;

/**
 * The completion context at `offset` in `text`, or `undefined` where nothing is completed
 * (a comment, a sequence, inside a flow collection, past a value).
 *
 * @example
 * contextAt('solids:\n  create_table_0:\n    con', 34); // { kind: 'key', path: ['solids', 'create_table_0'], prefix: 'con', … }
 */
export function contextAt(text: string, offset: number): KeyContext | ValueContext | undefined {
  const lines = text.split('\n');
  let lineIndex = 0;
  let lineStart = 0;
  while (lineIndex < lines.length - 1 && lineStart + lines[lineIndex]!.length < offset) {
    lineStart += lines[lineIndex]!.length + 1;
    lineIndex++;
  }
  const before = lines[lineIndex]!.slice(0, offset - lineStart);
  const typingKey = TYPING_KEY.exec(before);
  if (typingKey) {
    const indent = typingKey[1]!.length;
    const parents = parentPath(lines, lineIndex, indent);
    if (!parents) return undefined;
    return {
      kind: 'key',
      path: parents.path,
      existing: siblingKeys(lines, parents.line + 1, lineIndex, indent),
      from: offset - typingKey[2]!.length,
      prefix: typingKey[2]!,
      indent,
    };
  }
  const typingValue = TYPING_VALUE.exec(before);
  if (typingValue) {
    const indent = typingValue[1]!.length;
    const parents = parentPath(lines, lineIndex, indent);
    if (!parents) return undefined;
    return {
      kind: 'value',
      path: [...parents.path, unquote(typingValue[2]!)],
      from: offset - typingValue[3]!.length,
      prefix: typingValue[3]!,
    };
  }
  return undefined;
}

/**
 * The keys of the mappings enclosing a key at `indent` on line `lineIndex`, and the line of
 * the nearest one (-1 at the top level); `undefined` inside a sequence or flow collection.
 */
function parentPath(lines: readonly string[], lineIndex: number, indent: number): { path: string[]; line: number } | undefined {
  const path: string[] = [];
  let limit = indent;
  let nearest = -1;
  for (let l = lineIndex - 1; l >= 0 && limit > 0; l--) {
    const line = lines[l]!;
    if (isBlankOrComment(line)) continue;
    const lineIndent = indentOf(line);
    if (lineIndent >= limit) continue;
    if (/^\s*-(\s|$)/.test(line)) return undefined;
    const key = keyOfLine(line);
    if (!key) return undefined;
    if (/:\s*[[{]/.test(line.slice(key.indent))) return undefined;
    path.unshift(key.key);
    if (nearest === -1) nearest = l;
    limit = lineIndent;
  }
  return { path, line: nearest };
}

/** Keys at exactly `indent` in the block that starts at line `start`, except on line `skip`. */
function siblingKeys(lines: readonly string[], start: number, skip: number, indent: number): Set<string> {
  const keys = new Set<string>();
  for (let l = Math.max(0, start); l < lines.length; l++) {
    const line = lines[l]!;
    if (l === skip || isBlankOrComment(line)) continue;
    const lineIndent = indentOf(line);
    if (lineIndent < indent) {
      if (l > skip) break;
      continue;
    }
    if (lineIndent !== indent) continue;
    const key = keyOfLine(line);
    if (key) keys.add(key.key);
  }
  return keys;
}
