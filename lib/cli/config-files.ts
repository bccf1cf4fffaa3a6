import { deepMerge } from '../support/deep-merge.ts';
import { readYamlConfig } from '../config/yaml-config.ts';

/**
 * Reads run-config YAML files (`-c a.yaml -c b.yaml`) and deep-merges them in order:
 * later files win key by key; arrays and scalars are replaced whole.
 *
 * @example
 * readConfigFiles(['base.yaml', 'prod.yaml']);
 *
 * @throws {InvalidDefinitionError} when a file is missing, not YAML, repeats a key (as `file:line:col`), or is not a mapping
 */
export function readConfigFiles(files: readonly string[]): Record<string, unknown> {
  const layers = files.map((file) => readYamlConfig(file, '-c'));
  return (deepMerge({}, ...layers) ?? {}) as Record<string, unknown>;
}
