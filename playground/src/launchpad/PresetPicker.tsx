/** The preset picker: picking one sets mode, config, selection and tags (editing after is allowed). */
import type { PresetInfo } from '../api/types.ts';
import { Dropdown } from '../ui/Dropdown.tsx';

export function PresetPicker({
  presets,
  preset,
  onPick,
}: {
  presets: readonly PresetInfo[];
  preset: string | undefined;
  onPick: (name: string) => void;
}) {
  if (presets.length === 0) {
    return (
      <button
        class="btn"
        type="button"
        disabled
        data-testid="preset-picker"
        title="This pipeline has no presets: pipeline({ presets: [preset({ … })] }) adds them"
      >
        <span class="muted">No presets</span>
      </button>
    );
  }
  return (
    <Dropdown
      testId="preset-picker"
      title="A preset sets the mode, run config, selection and tags at once"
      label={
        <>
          <span class="muted">Preset:</span> <span class="value">{preset ?? 'none'}</span>
        </>
      }
      filterable={presets.length > 6}
      selected={preset}
      onPick={onPick}
      items={presets.map((p) => ({ value: p.name, title: p.name, sub: `mode ${p.mode}${p.select ? ` · selects ${p.select}` : ''}` }))}
      note="Picking a preset replaces the editor’s config; edit freely after."
    />
  );
}
