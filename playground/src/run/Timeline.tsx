/**
 * The per-step timeline: one row per step in the order they started, a bar from its start
 * for its duration (growing while it runs), coloured by status. Virtualised: only the rows
 * in view are drawn, so 10,000 steps cost what 30 do.
 */
import { useRef } from 'preact/hooks';
import type { RunStore } from '../model/run-store.ts';
import { formatDuration, formatOffset } from '../ui/format.ts';
import { stepTone } from '../ui/status.ts';
import { useVirtualRows } from '../ui/use-virtual-rows.ts';
import { barGeometry, ticks } from './timeline-scale.ts';

const ROW = 22;

export interface TimelineProps {
  readonly store: RunStore;
  readonly version: number;
  readonly now: number;
  /** The events ended without the run's end: steps still running were cut off at the last event. */
  readonly cutOff: boolean;
  readonly picked: string;
  readonly onPick: (stepKey: string) => void;
}

export function Timeline({ store, now, cutOff, picked, onPick }: TimelineProps) {
  const scroll = useRef<HTMLDivElement>(null);
  const { state } = store;
  const order = state.stepOrder;
  const rows = useVirtualRows(scroll, { count: order.length, rowHeight: ROW });
  const origin = state.startedAt ?? 0;
  const end = state.endedAt ?? (cutOff ? lastTimestamp(store) : Math.max(now, lastTimestamp(store)));
  const span = Math.max(1, end - origin);
  const marks = ticks(span, 6);
  const labelWidth = 168;

  return (
    <div class="timeline" style={`--label-width: ${labelWidth}px`} data-testid="timeline">
      <div class="pane-head">
        Timeline
        <span class="sub">
          {order.length} {order.length === 1 ? 'step' : 'steps'} · {formatDuration(state.startedAt === undefined ? undefined : span)}
        </span>
      </div>
      <div class="axis" style="margin-right: 12px">
        {marks.map((t) => (
          <span key={t} class={t / span > 0.94 ? 'last' : undefined} style={`left: ${(t / span) * 100}%`}>
            {t === 0 ? '0' : formatOffset(t)}
          </span>
        ))}
      </div>
      <div class="grid-lines" aria-hidden="true">
        {marks.map((t) => (
          <span key={t} class="grid-line" style={`left: ${(t / span) * 100}%`} />
        ))}
      </div>
      <div class="scroll" ref={scroll}>
        {order.length === 0 && <div class="timeline-empty">No step has started yet.</div>}
        <div style={`height: ${rows.getTotalSize()}px; position: relative`}>
          {rows.getVirtualItems().map((item) => {
            const key = order[item.index]!;
            const step = state.steps[key]!;
            const tone = cutOff && step.status === 'RUNNING' ? 'interrupted' : stepTone(step.status);
            const start = (step.startedAt ?? step.endedAt ?? origin) - origin;
            const stop = (step.endedAt ?? end) - origin;
            const { left, width } = barGeometry(start, stop, span);
            const title = `${key} — ${step.status.toLowerCase()}${step.startedAt !== undefined ? `, started ${formatOffset(start)}, ${formatDuration(stop - start)}` : ''}${step.attempt > 1 ? `, attempt ${step.attempt}` : ''}`;
            return (
              <div
                key={key}
                class={`row${picked === key ? ' picked' : ''}`}
                style={`transform: translateY(${item.start}px)`}
                title={title}
                data-step={key}
                data-tone={tone}
                onClick={() => onPick(key)}
              >
                <span class="label">{key}</span>
                <span class="lane">
                  <span
                    class={`bar tone-${tone}${step.status === 'SKIPPED' ? ' skip' : ''}`}
                    style={
                      step.status === 'SKIPPED' ? `left: min(${left}%, calc(100% - 6px)); width: 6px` : `left: ${left}%; width: ${width}%`
                    }
                  />
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function lastTimestamp(store: RunStore): number {
  const last = store.events[store.events.length - 1];
  return last ? last.timestamp : 0;
}
