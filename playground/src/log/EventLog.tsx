/**
 * The run's event log: every event, filterable by step, type, level and text, virtualised
 * (10,000+ events scroll and stream smoothly), following the end while it is at the end.
 * A row opens its details: every field, and an error's stack and causes.
 */
import { Component } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describeEvent } from '../../../lib/events/describe-event.ts';
import type { RunEvent, RunEventType } from '../api/types.ts';
import type { RunStore } from '../model/run-store.ts';
import { formatClock, formatCount } from '../ui/format.ts';
import type { Tone } from '../ui/status.ts';
import { useVirtualRows } from '../ui/use-virtual-rows.ts';
import { ErrorDetails } from './ErrorDetails.tsx';
import { eventLevel, FilteredIndex, LEVELS, type LevelName, type LogFilter } from './log-filter.ts';

const ROW = 24;

/** Every event type, in the type filter's order (a record, so that a new event type does not compile until it is listed). */
const TYPE_FILTER: Readonly<Record<RunEventType, true>> = {
  RUN_START: true,
  RUN_SUCCESS: true,
  RUN_FAILURE: true,
  RUN_CANCELED: true,
  STEP_START: true,
  STEP_INPUT: true,
  STEP_OUTPUT: true,
  STEP_SUCCESS: true,
  STEP_FAILURE: true,
  STEP_SKIPPED: true,
  STEP_RETRY: true,
  LOG: true,
  RESOURCE_INIT_START: true,
  RESOURCE_INIT_SUCCESS: true,
  RESOURCE_INIT_FAILURE: true,
  RESOURCE_TEARDOWN: true,
  HOOK_COMPLETED: true,
  HOOK_ERRORED: true,
};

export const EVENT_TYPES = Object.keys(TYPE_FILTER) as readonly RunEventType[];

function typeTone(event: RunEvent): Tone | undefined {
  switch (event.type) {
    case 'STEP_SUCCESS':
    case 'RUN_SUCCESS':
      return 'success';
    case 'STEP_FAILURE':
    case 'RUN_FAILURE':
    case 'RESOURCE_INIT_FAILURE':
    case 'HOOK_ERRORED':
      return 'failure';
    case 'STEP_START':
    case 'RUN_START':
    case 'STEP_RETRY':
      return 'running';
    default:
      return undefined;
  }
}

/** The message column: the event's line, and a LOG's fields after it. */
function messageOf(event: RunEvent): string {
  const text = describeEvent(event);
  if (event.type === 'LOG' && event.fields && Object.keys(event.fields).length > 0) {
    try {
      return `${text}  ${JSON.stringify(event.fields)}`;
    } catch {
      return text;
    }
  }
  return text;
}

export interface EventLogProps {
  readonly store: RunStore;
  readonly version: number;
  readonly filter: LogFilter;
  readonly onFilter: (filter: LogFilter) => void;
  /** Solids and step keys for the step filter. */
  readonly steps: readonly string[];
}

export function EventLog({ store, version, filter, onFilter, steps }: EventLogProps) {
  const scroll = useRef<HTMLDivElement>(null);
  const index = useMemo(() => new FilteredIndex(filter), [store]);
  const applied = useRef(filter);
  if (applied.current !== filter) {
    index.reset(filter, store.events);
    applied.current = filter;
  } else {
    index.update(store.events);
  }
  const rows = useVirtualRows(scroll, { count: index.size, rowHeight: ROW });
  const [open, setOpen] = useState<number | undefined>(undefined);
  // Following the end, as a live log does, until the user scrolls up; "Latest" resumes it.
  const [following, setFollowing] = useState(true);
  const follow = useRef(true);
  useLayoutEffect(() => {
    const el = scroll.current;
    if (el && follow.current && el.scrollTop + el.clientHeight < el.scrollHeight - 1) el.scrollTop = el.scrollHeight;
  });
  const onScroll = () => {
    const el = scroll.current;
    if (!el) return;
    const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW;
    if (follow.current !== atEnd) {
      follow.current = atEnd;
      setFollowing(atEnd);
    }
  };
  const toLatest = () => {
    follow.current = true;
    setFollowing(true);
    const el = scroll.current;
    if (el) el.scrollTop = el.scrollHeight;
  };
  const [typesOpen, setTypesOpen] = useState(false);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.key === '/' && !/INPUT|TEXTAREA|SELECT/.test(target.tagName) && !target.isContentEditable) {
        event.preventDefault();
        search.current?.focus();
      } else if (event.key === 'Escape') {
        setOpen(undefined);
        setTypesOpen(false);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const opened = open === undefined ? undefined : store.events[open];
  void version;

  return (
    <div class="log" data-testid="event-log">
      <div class="filters">
        <select
          class="input"
          aria-label="Step"
          data-testid="filter-step"
          value={filter.step}
          onChange={(e) => onFilter({ ...filter, step: (e.target as HTMLSelectElement).value })}
        >
          <option value="">All steps</option>
          {steps.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <div class="dropdown">
          <button
            class="btn small"
            type="button"
            data-testid="filter-types"
            aria-expanded={typesOpen}
            onClick={() => setTypesOpen(!typesOpen)}
          >
            {filter.types.size === 0 ? 'All types' : `${filter.types.size} ${filter.types.size === 1 ? 'type' : 'types'}`}
            <span class="caret">▾</span>
          </button>
          {typesOpen && (
            <div class="popover" style="width: 420px">
              <div class="types-grid">
                {EVENT_TYPES.map((type) => (
                  <label key={type}>
                    <input
                      type="checkbox"
                      checked={filter.types.has(type)}
                      onChange={(e) => {
                        const next = new Set(filter.types);
                        if ((e.target as HTMLInputElement).checked) next.add(type);
                        else next.delete(type);
                        onFilter({ ...filter, types: next });
                      }}
                    />
                    {type}
                  </label>
                ))}
              </div>
              <div class="note" style="display: flex; gap: 8px">
                <button class="btn small" type="button" onClick={() => onFilter({ ...filter, types: new Set() })}>
                  Show all
                </button>
                <button
                  class="btn small"
                  type="button"
                  onClick={() =>
                    onFilter({
                      ...filter,
                      types: new Set(['STEP_FAILURE', 'STEP_RETRY', 'RUN_FAILURE', 'RESOURCE_INIT_FAILURE', 'HOOK_ERRORED']),
                    })
                  }
                >
                  Only failures
                </button>
                <button class="btn small" type="button" onClick={() => onFilter({ ...filter, types: new Set(['LOG']) })}>
                  Only logs
                </button>
              </div>
            </div>
          )}
        </div>
        <select
          class="input"
          aria-label="Level"
          data-testid="filter-level"
          value={filter.minLevel}
          onChange={(e) => onFilter({ ...filter, minLevel: (e.target as HTMLSelectElement).value as LevelName })}
        >
          {LEVELS.map((level) => (
            <option key={level} value={level}>
              {level === 'trace' ? 'All levels' : `${level} and above`}
            </option>
          ))}
        </select>
        <input
          ref={search}
          class="input search"
          type="search"
          placeholder="Filter text  ( / )"
          data-testid="filter-text"
          value={filter.text}
          onInput={(e) => onFilter({ ...filter, text: (e.target as HTMLInputElement).value })}
        />
        <span class="summary" data-testid="log-count">
          {index.size === store.events.length
            ? `${formatCount(store.events.length)} events`
            : `${formatCount(index.size)} of ${formatCount(store.events.length)} events`}
        </span>
      </div>
      <div class="scroll" ref={scroll} tabIndex={0} aria-label="Run events" onScroll={onScroll}>
        {index.size === 0 && (
          <div class="empty">{store.events.length === 0 ? 'Waiting for events…' : 'No event matches these filters.'}</div>
        )}
        <div style={`height: ${rows.getTotalSize()}px; position: relative`}>
          {rows.getVirtualItems().map((item) => {
            const at = index.at(item.index);
            return <LogRow key={at} at={at} event={store.events[at]!} top={item.start} open={open === at} onToggle={setOpen} />;
          })}
        </div>
      </div>
      {!following && index.size > 0 && (
        <button class="btn small follow" type="button" onClick={toLatest}>
          ↓ Latest
        </button>
      )}
      {opened && <EventDrawer event={opened} onClose={() => setOpen(undefined)} />}
    </div>
  );
}

interface LogRowProps {
  readonly at: number;
  readonly event: RunEvent;
  readonly top: number;
  readonly open: boolean;
  readonly onToggle: (at: number | undefined) => void;
}

/** One event's row; drawn once while it stays in view (new events do not touch it). */
class LogRow extends Component<LogRowProps> {
  override shouldComponentUpdate(next: LogRowProps): boolean {
    return next.top !== this.props.top || next.open !== this.props.open || next.event !== this.props.event;
  }

  override render() {
    const { at, event, top, open, onToggle } = this.props;
    const level = eventLevel(event);
    const tone = typeTone(event);
    const stepKey = (event as { stepKey?: string }).stepKey;
    const message = messageOf(event);
    return (
      <div
        class={`row${open ? ' open' : ''}${level === 'error' || level === 'fatal' ? ' err' : ''}`}
        style={`transform: translateY(${top}px)`}
        data-type={event.type}
        onClick={() => onToggle(open ? undefined : at)}
      >
        <span class="time">{formatClock(event.timestamp)}</span>
        <span class={`level ${level}`}>{level}</span>
        <span class={`type${tone ? ` tone-${tone}` : ''}`}>{event.type}</span>
        <span class="step" title={stepKey}>
          {stepKey ?? ''}
        </span>
        <span class="msg" title={message}>
          {message}
        </span>
      </div>
    );
  }
}

function EventDrawer({ event, onClose }: { event: RunEvent; onClose: () => void }) {
  const error = (event as { error?: unknown }).error;
  const { type, timestamp, runId: _runId, pipelineName: _p, mode: _m, ...rest } = event as RunEvent & Record<string, unknown>;
  return (
    <aside class="drawer" data-testid="event-details">
      <div class="pane-head">
        <code>{type}</code>
        <span class="sub">{formatClock(timestamp)}</span>
        <span class="grow" />
        <button class="btn ghost small" type="button" onClick={onClose} title="Close (Esc)">
          ✕
        </button>
      </div>
      <div class="content">
        <p style="margin: 0 0 10px">{describeEvent(event)}</p>
        {error !== undefined && <ErrorDetails error={error} open />}
        <pre class="json">{JSON.stringify(rest, (key, value) => (key === 'error' ? undefined : value), 2)}</pre>
      </div>
    </aside>
  );
}
