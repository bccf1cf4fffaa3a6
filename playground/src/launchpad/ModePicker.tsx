/**
 * The mode picker (Dagit's `ConfigEditorModePicker`): a list of the pipeline's modes with
 * their resources and executors; a single mode shows as a disabled control saying how to
 * add more.
 */
import type { ModeInfo } from '../api/types.ts';
import { Dropdown } from '../ui/Dropdown.tsx';

export function ModePicker({ modes, mode, onPick }: { modes: readonly ModeInfo[]; mode: string; onPick: (mode: string) => void }) {
  const known = modes.some((m) => m.name === mode);
  if (modes.length <= 1) {
    return (
      <button
        class="btn"
        type="button"
        disabled
        data-testid="mode-picker"
        title="This pipeline has one mode. To choose here, give pipeline({ modes: [...] }) more than one mode({ name, resources, … })."
      >
        <span class="muted">Mode:</span> <span class="value">{modes[0]?.name ?? mode}</span>
      </button>
    );
  }
  return (
    <Dropdown
      testId="mode-picker"
      title="The mode decides the resources, loggers and executors of the run, and so the run config it takes"
      label={
        known ? (
          <>
            <span class="muted">Mode:</span> <span class="value">{mode}</span>
          </>
        ) : (
          <span style="color: var(--failure-text)">Invalid mode selection</span>
        )
      }
      filterable={modes.length > 6}
      selected={mode}
      onPick={onPick}
      items={modes.map((m) => ({
        value: m.name,
        title: m.name,
        sub: [
          m.description,
          m.resources.length ? `resources: ${m.resources.join(', ')}` : 'no resources',
          m.executors.length ? `executors: ${m.executors.join(', ')}` : undefined,
        ]
          .filter(Boolean)
          .join(' · '),
      }))}
    />
  );
}
