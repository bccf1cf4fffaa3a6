/**
 * Reading a big `-c` file: the `yaml` library's duplicate-key check compares each key with
 * every earlier key of its mapping (quadratic); modeflow parses without it and checks
 * duplicates in one pass (lib/config/yaml-config.ts). Same text, one process, baseline first.
 */
import { parse } from 'yaml';
import type * as YamlConfig from '../lib/config/yaml-config.ts';
import { fromSource } from './fixtures/modeflow.ts';
import { sample, stats, type Stats } from './measure.ts';
import type { BenchCase } from './types.ts';

const { parseYaml } = (await import(
  new URL(fromSource ? '../lib/config/yaml-config.ts' : '../dist/lib/config/yaml-config.js', import.meta.url).href
)) as typeof YamlConfig;

const KEYS = 100_000;
/** A smaller file, to show how the time per key grows with the mapping. */
const SMALL = 25_000;
/** Linear means the time per key hardly grows from SMALL to KEYS keys. */
const MAX_GROWTH = 1.6;

/** A run config whose `solids:` mapping has `keys` entries, as a big generated pipeline would. */
function configText(keys: number): string {
  const lines = ['solids:'];
  for (let i = 0; i < keys; i++) lines.push(`  solid_${i}:`, `    config: { rows: ${i}, table: t_${i} }`);
  return lines.join('\n') + '\n';
}

/** One timed call: the quadratic baseline takes minutes per call at 100,000 keys. */
function once(fn: () => unknown): Stats {
  const t = performance.now();
  fn();
  return stats([performance.now() - t]);
}

export const cases: BenchCase[] = [
  {
    name: 'yaml',
    title: `parse a run-config YAML file whose solids: mapping has ${KEYS.toLocaleString('en')} keys, ms`,
    run: async () => {
      const text = configText(KEYS);
      const small = configText(SMALL);
      // Same answer from both, and a duplicate is still refused.
      if (JSON.stringify(parseYaml(small)) !== JSON.stringify(parse(small))) throw new Error('parseYaml and yaml parse disagree');
      try {
        parseYaml(`${small}  solid_7:\n    config: {}\n`);
        throw new Error('parseYaml accepted a duplicate key');
      } catch (error) {
        if ((error as Error).name !== 'DuplicateKeyError') throw error;
      }
      const ours = await sample(() => parseYaml(text), { warmup: 1, reps: 5 });
      const ourSmall = await sample(() => parseYaml(small), { warmup: 1, reps: 5 });
      const floor = await sample(() => parse(text, { uniqueKeys: false }), { warmup: 1, reps: 5 });
      const theirSmall = once(() => parse(small));
      const theirs = once(() => parse(text));
      const perKey = (s: Stats, keys: number) => (s.median * 1000) / keys;
      const growth = perKey(ours, KEYS) / perKey(ourSmall, SMALL);
      const theirGrowth = perKey(theirs, KEYS) / perKey(theirSmall, SMALL);
      return {
        unit: 'ms per parse',
        rows: [
          { contender: 'yaml parse (its own duplicate-key check)', ...theirs },
          { contender: 'yaml parse, no duplicate-key check (floor)', ...floor },
          { contender: 'modeflow parseYaml (one-pass duplicate check)', ...ours },
        ],
        notes: [
          `${(text.length / 1e6).toFixed(1)} MB of YAML; yaml's own check is timed once per size (minutes at this size)`,
          `µs per key, ${SMALL.toLocaleString('en')} → ${KEYS.toLocaleString('en')} keys: ` +
            `yaml ${perKey(theirSmall, SMALL).toFixed(1)} → ${perKey(theirs, KEYS).toFixed(1)} (×${theirGrowth.toFixed(1)}), ` +
            `modeflow ${perKey(ourSmall, SMALL).toFixed(1)} → ${perKey(ours, KEYS).toFixed(1)} (×${growth.toFixed(2)})`,
        ],
        targets: [
          {
            label: `modeflow linear: time per key grows ≤ ${MAX_GROWTH}× from ${SMALL.toLocaleString('en')} to ${KEYS.toLocaleString('en')} keys`,
            value: `×${growth.toFixed(2)}`,
            met: growth <= MAX_GROWTH,
          },
        ],
      };
    },
  },
];
