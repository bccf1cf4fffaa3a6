import { InvariantViolationError } from '../errors.ts';

/** One executor to bench, with the config given for it: `async:maxConcurrent=16`. */
export interface ExecutorSpec {
  /** The executor's name in the mode (`async`). */
  readonly name: string;
  /** Config given with it; deep-merged over run config's `execution.<name>.config`. */
  readonly config: Readonly<Record<string, unknown>>;
  /** How reports name it: `async`, `async(maxConcurrent=16)`. */
  readonly label: string;
}

const NAME = /^[A-Za-z0-9_]+$/;
const KEY = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
const EXAMPLE = 'e.g. sync,async:maxConcurrent=16,workerPool:maxWorkers=4,idleTimeoutMs=0';

/**
 * Parses executor specs as the CLI's `--executor` takes them: comma-separated executors,
 * each `name` or `name:key=value`; a further `key=value` after a comma adds to the
 * executor before it (`workerPool:maxWorkers=4,idleTimeoutMs=0`); a dotted key nests
 * (`resourceLimits.maxOldGenerationSizeMb=256`). A value is read as JSON when it is JSON
 * (`16`, `true`, `"16"`, `{"a":1}`), else as the string written. Commas inside brackets
 * or quotes do not split.
 *
 * @example
 * parseExecutorSpecs(['async:maxConcurrent=4,async:maxConcurrent=16']);
 * // [{ name: 'async', config: { maxConcurrent: 4 }, label: 'async(maxConcurrent=4)' }, …]
 *
 * @throws {InvariantViolationError} for a spec that does not read so, naming it
 */
export function parseExecutorSpecs(texts: readonly string[]): ExecutorSpec[] {
  const specs: { name: string; config: Record<string, unknown>; pairs: string[] }[] = [];
  for (const text of texts) {
    for (const raw of splitTopLevel(text)) {
      const item = raw.trim();
      const bad = (why: string) => new InvariantViolationError(`executor spec "${item}" in "${text}": ${why} (${EXAMPLE})`);
      if (item === '') throw new InvariantViolationError(`executor spec "${text}" has an empty item (${EXAMPLE})`);
      const colon = item.indexOf(':');
      const equals = item.indexOf('=');
      if (equals >= 0 && (colon < 0 || equals < colon)) {
        // `key=value` on its own: more config for the executor before it.
        const last = specs.at(-1);
        if (!last) throw bad('config comes after an executor name');
        addPair(last, item, bad);
        continue;
      }
      const name = colon < 0 ? item : item.slice(0, colon);
      if (!NAME.test(name)) throw bad(`"${name}" is not an executor name (letters, digits, _)`);
      const spec = { name, config: {} as Record<string, unknown>, pairs: [] as string[] };
      specs.push(spec);
      if (colon >= 0) addPair(spec, item.slice(colon + 1), bad);
    }
  }
  return specs.map(({ name, config, pairs }) => ({
    name,
    config,
    label: pairs.length ? `${name}(${pairs.join(', ')})` : name,
  }));
}

function addPair(
  spec: { config: Record<string, unknown>; pairs: string[] },
  text: string,
  bad: (why: string) => InvariantViolationError,
): void {
  const equals = text.indexOf('=');
  if (equals < 0) throw bad(`"${text}" has no value; write key=value`);
  const key = text.slice(0, equals).trim();
  const written = text.slice(equals + 1).trim();
  if (!KEY.test(key)) throw bad(`"${key}" is not a config key`);
  if (written === '') throw bad(`"${key}" has no value`);
  const path = key.split('.');
  if (path.includes('__proto__')) throw bad('"__proto__" cannot be a config key');
  let target = spec.config;
  for (const part of path.slice(0, -1)) {
    const next = Object.hasOwn(target, part) ? target[part] : undefined;
    if (next === undefined) target = target[part] = {};
    else if (typeof next === 'object' && next !== null && !Array.isArray(next)) target = next as Record<string, unknown>;
    else throw bad(`"${part}" is given both a value and keys`);
  }
  const last = path.at(-1)!;
  if (Object.hasOwn(target, last)) throw bad(`"${key}" is given twice`);
  target[last] = readValue(written);
  spec.pairs.push(`${key}=${written}`);
}

function readValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Splits at commas outside brackets and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
