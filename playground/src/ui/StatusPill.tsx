/** A run's or a step's status as a coloured pill (the CLI's colours). */
import { TONE_LABEL, type Tone } from './status.ts';

export function StatusPill({ tone, label, testId }: { tone: Tone; label?: string; testId?: string }) {
  return (
    <span class={`pill tone-${tone}`} data-testid={testId} data-tone={tone}>
      <span class="dot" aria-hidden="true" />
      {label ?? TONE_LABEL[tone]}
    </span>
  );
}
