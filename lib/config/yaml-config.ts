/**
 * Reading run-config YAML files (`-c`, `presetFromFiles`).
 *
 * The `yaml` library's own duplicate-key check compares each key with every earlier key of
 * its mapping: quadratic, minutes for a large file. Here the library parses without it and
 * one pass over the document refuses duplicates with a `Set` per mapping: linear (bench:
 * yaml, a 100,000-key file).
 */
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { describe } from '../define/definition.ts';
import { isPlainObject } from '../support/deep-merge.ts';
import { InvalidDefinitionError } from '../errors.ts';

/** A key given twice in one mapping, with 1-based positions. */
export interface DuplicateKey {
  readonly key: string;
  readonly line: number;
  readonly col: number;
  readonly firstLine: number;
  readonly firstCol: number;
}

/** A YAML text that repeats a key inside one mapping. */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';
  readonly duplicate: DuplicateKey;
  constructor(duplicate: DuplicateKey) {
    super(
      `duplicate key ${JSON.stringify(duplicate.key)} at line ${duplicate.line}, column ${duplicate.col} ` +
        `(first at line ${duplicate.firstLine}, column ${duplicate.firstCol}); each key may appear once in a mapping`,
    );
    this.duplicate = duplicate;
  }
}

/**
 * Parses one YAML document, refusing a key repeated in a mapping (also one that differs
 * only in YAML type, like `1` and `"1"`: both would be the same object key). Linear in the
 * size of the text.
 *
 * @example
 * parseYaml('solids:\n  load: { config: { rows: 10 } }\n');
 *
 * @throws {YAMLParseError} for malformed YAML (the `yaml` library's error)
 * @throws {DuplicateKeyError} for a key given twice in one mapping
 */
export function parseYaml(text: string): unknown {
  const parsed = parseYamlDocument(text);
  for (const warning of parsed.document.warnings) process.emitWarning(warning);
  return parsed.value;
}

/** A parsed YAML text: its value, and the document and line counter that place its nodes in the text. */
export interface ParsedYaml {
  readonly value: unknown;
  readonly document: Document;
  readonly lineCounter: LineCounter;
}

/**
 * Parses one YAML document as {@link parseYaml} does, keeping the document (its nodes'
 * `range`s) and the line counter, to place things found in the value back in the text.
 *
 * @example
 * const { value, document, lineCounter } = parseYamlDocument(text);
 * lineCounter.linePos(document.getIn(['solids', 'load'], true).range[0]); // { line, col }
 *
 * @throws {YAMLParseError} for malformed YAML (the first of `document.errors`)
 * @throws {DuplicateKeyError} for a key given twice in one mapping
 */
export function parseYamlDocument(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: false, lineCounter });
  if (document.errors.length > 0) throw document.errors[0];
  const duplicate = firstDuplicate(document.contents, lineCounter);
  if (duplicate) throw new DuplicateKeyError(duplicate);
  return { value: document.toJS(), document, lineCounter };
}

/** The first repeated key, walking the document iteratively (deep documents do not overflow). */
function firstDuplicate(root: unknown, lines: LineCounter): DuplicateKey | undefined {
  const todo: unknown[] = [root];
  while (todo.length > 0) {
    const node = todo.pop();
    if (isMap(node)) {
      const seen = new Map<string, Node | null>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        // Scalars by the object key they become; other keys (collections) by identity.
        const id = keyNode === null ? '' : isScalar(keyNode) ? keyString(keyNode.value) : undefined;
        if (id !== undefined) {
          const first = seen.get(id);
          if (first !== undefined) return at(id, keyNode, first, lines);
          seen.set(id, keyNode);
        }
        todo.push(pair.value);
        if (keyNode !== null && !isScalar(keyNode)) todo.push(keyNode);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) todo.push(item);
    } else if (isPair(node)) {
      todo.push(node.key, node.value);
    }
    // Aliases are skipped: they point at nodes walked where those are anchored.
  }
  return undefined;
}

function keyString(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function at(key: string, node: Node | null, first: Node | null, lines: LineCounter): DuplicateKey {
  const where = (n: Node | null): { line: number; col: number } => (n?.range ? lines.linePos(n.range[0]) : { line: 0, col: 0 });
  const now = where(node);
  const then = where(first);
  return { key, line: now.line, col: now.col, firstLine: then.line, firstCol: then.col };
}

/**
 * Reads one YAML run-config file; an empty file is `{}`.
 *
 * @example
 * readYamlConfig('config/prod.yaml', '-c');
 *
 * @throws {InvalidDefinitionError} when the file is missing, not YAML, repeats a key
 *   (reported as `file:line:col`), or does not hold a mapping
 */
export function readYamlConfig(file: string | URL, where: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidDefinitionError(`${where}: cannot read config file ${String(file)}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    if (error instanceof DuplicateKeyError) {
      const { key, line, col, firstLine, firstCol } = error.duplicate;
      throw new InvalidDefinitionError(
        `${where}: ${String(file)}:${line}:${col}: duplicate key ${JSON.stringify(key)} ` +
          `(first at ${String(file)}:${firstLine}:${firstCol}); each key may appear once in a mapping`,
      );
    }
    throw new InvalidDefinitionError(`${where}: ${String(file)} is not valid YAML: ${(error as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new InvalidDefinitionError(`${where}: ${String(file)} must hold a mapping (solids:, resources:, …), got ${describe(value)}`);
  }
  return value;
}
