import { preset, type Preset, type PresetOptions } from '../define/preset.ts';
import { deepMerge } from '../support/deep-merge.ts';
import { readYamlConfig } from './yaml-config.ts';

/**
 * A preset whose run config is YAML files deep-merged in order (later wins).
 *
 * @example
 * presetFromFiles('prod', ['config/base.yaml', 'config/prod.yaml'], { mode: 'prod' });
 *
 * @throws {InvalidDefinitionError} when a file cannot be read, is not YAML, repeats a key or is not a mapping
 */
export function presetFromFiles<const M extends string = never>(
  name: string,
  files: readonly (string | URL)[],
  options: Omit<PresetOptions<M>, 'name' | 'runConfig'> = {},
): Preset<M> {
  const layers = files.map((file) => readYamlConfig(file, `preset "${name}"`));
  return preset({ ...options, name, runConfig: (deepMerge({}, ...layers) ?? {}) as Record<string, unknown> });
}
