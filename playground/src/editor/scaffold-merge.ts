/**
 * "Scaffold missing config": the mode's scaffold (`GET …/modes/:mode/scaffold`: defaults
 * filled in, required fields as `null  # required`) merged into what the user has typed.
 * Keys already present keep their values; missing ones arrive with the scaffold's comments.
 */
import { isMap, isScalar, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';

export type ScaffoldResult =
  { readonly ok: true; readonly text: string; readonly added: readonly string[] } | { readonly ok: false; readonly message: string };

const hasContent = (text: string) => text.split('\n').some((line) => !/^\s*(#.*)?$/.test(line));

/**
 * Adds every key of `scaffold` that `current` lacks, at any depth.
 *
 * @example
 * mergeScaffold('solids:\n  a:\n    config:\n      x: 2\n', scaffold); // adds y under config, keeps x: 2
 */
export function mergeScaffold(current: string, scaffold: string): ScaffoldResult {
  if (!hasContent(current)) return { ok: true, text: scaffold, added: ['(everything)'] };
  const doc = parseDocument(current);
  if (doc.errors.length > 0) {
    return { ok: false, message: `the config is not valid YAML yet (${doc.errors[0]!.message.split('\n')[0]}); fix that first` };
  }
  if (!isMap(doc.contents)) {
    return { ok: false, message: 'the config must be a mapping (key: value lines) to add missing keys to it' };
  }
  const template = parseDocument(scaffold);
  if (!isMap(template.contents)) return { ok: true, text: current, added: [] };
  const added: string[] = [];
  addMissing(doc, doc.contents, template.contents, [], added);
  if (added.length === 0) return { ok: true, text: current, added };
  return { ok: true, text: doc.toString({ lineWidth: 0 }), added };
}

function addMissing(doc: Document, into: YAMLMap, from: YAMLMap, path: string[], added: string[]): void {
  for (const pair of from.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const value = pair.value as Node | null;
    const existing = into.get(key, true) as Node | undefined;
    const here = [...path, key];
    if (existing === undefined && !into.has(key)) {
      into.set(doc.createNode(key), value ? value.clone() : null);
      const item = into.items[into.items.length - 1]!;
      if (isScalar(item.key)) {
        if (isScalar(pair.key) && pair.key.commentBefore) item.key.commentBefore = pair.key.commentBefore;
        // A new top-level section keeps the scaffold's blank line before it.
        if (path.length === 0) item.key.spaceBefore = true;
      }
      added.push(here.join('.'));
      continue;
    }
    if (isMap(value)) {
      if (isMap(existing)) addMissing(doc, existing, value, here, added);
      else if (existing === undefined || existing === null || (isScalar(existing) && (existing.value === null || existing.value === ''))) {
        // `config:` with nothing under it yet: the whole block comes from the scaffold.
        into.set(doc.createNode(key), value.clone());
        added.push(here.join('.'));
      }
    }
  }
}
