/**
 * One run, live or replayed: the header (status, pipeline, mode, start, duration, tags,
 * Cancel), the errors with their stacks, the graph with each solid's state, the per-step
 * timeline and the event log. The same view serves a run just launched and one from
 * history: both are the server's event stream, replayed then live.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { stringify } from 'yaml';
import { api } from '../api/client.ts';
import type { RunRecord } from '../api/types.ts';
import { GraphView } from '../graph/GraphView.tsx';
import { resolveSelection } from '../graph/selection.ts';
import { ErrorDetails } from '../log/ErrorDetails.tsx';
import { EventLog } from '../log/EventLog.tsx';
import { NO_FILTER, type LogFilter } from '../log/log-filter.ts';
import { loadPipeline, type LoadedPipeline } from '../model/pipelines.ts';
import { hrefOf } from '../model/route.ts';
import { RunStore } from '../model/run-store.ts';
import { streamRun } from '../model/run-stream.ts';
import { loadSession, saveSession } from '../model/session.ts';
import { formatCount, formatDuration, formatStart, toMillis } from '../ui/format.ts';
import { runTone, type Tone } from '../ui/status.ts';
import { StatusPill } from '../ui/StatusPill.tsx';
import { Timeline } from './Timeline.tsx';

export function RunView({ runId }: { runId: string }) {
  const [record, setRecord] = useState<RunRecord | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    setRecord(undefined);
    setError(undefined);
    api.run(runId).then(setRecord, (e: Error) => setError(e.message));
  }, [runId]);
  if (error) {
    return (
      <div class="empty-state">
        <h2>Cannot open run {runId}</h2>
        <p>{error}</p>
        <p>
          <a href={hrefOf({ page: 'runs' })}>All runs</a>
        </p>
      </div>
    );
  }
  if (!record) return <div class="loading">Loading run {runId}…</div>;
  return <LoadedRun key={runId} record={record} />;
}

function LoadedRun({ record }: { record: RunRecord }) {
  const store = useMemo(() => new RunStore(), [record.runId]);
  const [version, setVersion] = useState(0);
  const [ended, setEnded] = useState<string | undefined>(undefined);
  const [pipeline, setPipeline] = useState<LoadedPipeline | undefined>(undefined);
  const [filter, setFilter] = useState<LogFilter>(NO_FILTER);
  const [now, setNow] = useState(Date.now());
  const [canceling, setCanceling] = useState(false);
  const [cancelError, setCancelError] = useState<string | undefined>(undefined);

  const mayBeLive = record.status === 'STARTED' || record.status === 'NOT_STARTED' || record.status === 'RUNNING';
  useEffect(
    () =>
      streamRun(record.runId, store, mayBeLive, {
        onFrame: () => setVersion((v) => v + 1),
        onEnd: (reason) => setEnded(reason),
      }),
    [store],
  );
  const [pipelineError, setPipelineError] = useState<string | undefined>(undefined);
  useEffect(() => {
    loadPipeline(record.pipeline).then(setPipeline, (e: Error) => setPipelineError(e.message));
  }, [record.pipeline]);

  const running = !store.terminal && ended === undefined;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [running]);

  const { state } = store;
  const tone: Tone = store.terminal
    ? runTone(state.status)
    : ended !== undefined
      ? record.status === 'STARTED' || record.status === 'NOT_STARTED'
        ? 'interrupted'
        : runTone(record.status)
      : canceling
        ? 'canceled'
        : 'running';
  const startedAt = state.startedAt ?? toMillis(record.startedAt);
  const duration = store.terminal
    ? store.terminal.durationMs
    : startedAt !== undefined
      ? (state.endedAt ?? now) - startedAt
      : record.durationMs;

  const cancel = async () => {
    setCanceling(true);
    setCancelError(undefined);
    try {
      await api.cancel(record.runId);
    } catch (e) {
      setCanceling(false);
      setCancelError((e as Error).message);
    }
  };

  const openInLaunchpad = () => {
    if (!pipeline) return;
    const session = loadSession(record.pipeline, pipeline.graph.modes);
    const config = record.runConfig;
    saveSession(record.pipeline, {
      ...session,
      mode: record.mode,
      preset: undefined,
      yaml: config && typeof config === 'object' && Object.keys(config).length > 0 ? stringify(config, { lineWidth: 0 }) : '',
      select: record.select ?? '*',
      tags: Object.fromEntries(Object.entries(record.tags ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    });
    location.hash = hrefOf({ page: 'pipeline', name: record.pipeline });
  };

  const selection = useMemo(
    () => (pipeline && record.select ? resolveSelection(pipeline.model, record.select).selected : undefined),
    [pipeline, record.select],
  );
  const stepChoices = useMemo(() => {
    const names = pipeline ? pipeline.model.nodes.map((n) => n.name) : [...store.solids.keys()];
    return filter.step !== '' && !names.includes(filter.step) ? [...names, filter.step] : names;
  }, [pipeline, filter.step, version]);
  const counts = state.counts;
  const total = Math.max(1, counts.succeeded + counts.failed + counts.skipped + counts.canceled + counts.running);
  const tags = Object.entries(record.tags ?? {});
  const runError = store.terminal?.type === 'RUN_FAILURE' && store.failedSteps.length === 0 ? store.terminal.error : undefined;

  return (
    <>
      <div class="run-head" data-testid="run-head">
        <h1>
          <StatusPill tone={tone} testId="run-status" />
          <a href={hrefOf({ page: 'pipeline', name: record.pipeline })}>{record.pipeline}</a>
          <span class="run-id" title={record.runId}>
            {record.runId.slice(0, 8)}
          </span>
        </h1>
        <div class="facts">
          <span>
            mode <b>{record.mode}</b>
          </span>
          <span>
            started <b>{formatStart(startedAt)}</b>
          </span>
          <span>
            duration <b data-testid="run-duration">{formatDuration(duration)}</b>
          </span>
          {record.select && (
            <span>
              selection <b class="mono">{record.select}</b>
            </span>
          )}
          {tags.slice(0, 3).map(([k, v]) => (
            <span class="chip" key={k}>
              {k}: <b>{typeof v === 'string' ? v : JSON.stringify(v)}</b>
            </span>
          ))}
        </div>
        <span class="grow" />
        <div class="counts" data-testid="run-counts">
          <span class="tone-success">
            <span class="dot" /> <b>{formatCount(counts.succeeded)}</b> succeeded
          </span>
          {counts.failed > 0 && (
            <span class="tone-failure">
              <span class="dot" /> <b>{formatCount(counts.failed)}</b> failed
            </span>
          )}
          {counts.running > 0 && (
            <span class={ended !== undefined ? 'tone-interrupted' : 'tone-running'}>
              <span class="dot" /> <b>{formatCount(counts.running)}</b> {ended !== undefined ? 'cut off' : 'running'}
            </span>
          )}
          {counts.skipped > 0 && (
            <span class="tone-skipped">
              <span class="dot" /> <b>{formatCount(counts.skipped)}</b> skipped
            </span>
          )}
          {counts.canceled > 0 && (
            <span class="tone-canceled">
              <span class="dot" /> <b>{formatCount(counts.canceled)}</b> canceled
            </span>
          )}
        </div>
        <button
          class="btn small"
          type="button"
          onClick={openInLaunchpad}
          disabled={!pipeline}
          title="Open this run’s mode, config, selection and tags in the launchpad"
        >
          Open in launchpad
        </button>
        {running && (
          <button class="btn small danger" type="button" data-testid="cancel" disabled={canceling} onClick={cancel}>
            {canceling ? 'Canceling…' : 'Cancel run'}
          </button>
        )}
      </div>
      <div class="progress-track" aria-hidden="true">
        <span style={`width: ${(counts.succeeded / total) * 100}%; background: var(--success)`} />
        <span style={`width: ${(counts.failed / total) * 100}%; background: var(--failure)`} />
        <span style={`width: ${(counts.canceled / total) * 100}%; background: var(--canceled)`} />
        <span style={`width: ${(counts.skipped / total) * 100}%; background: var(--skipped)`} />
        <span style={`width: ${(counts.running / total) * 100}%; background: var(${ended !== undefined ? '--canceled' : '--running'})`} />
      </div>
      {(ended || cancelError) && (
        <div class="banner error" role="status">
          {cancelError ? `Cancel failed: ${cancelError}` : `This run has no end: ${ended}.`}
        </div>
      )}
      {(store.failedSteps.length > 0 || runError) && (
        <div class="errors" data-testid="errors">
          {store.failedSteps.slice(0, 20).map((key, i) => (
            <ErrorDetails key={key} title={key} error={state.steps[key]?.error} open={i === 0 && store.failedSteps.length <= 3} />
          ))}
          {store.failedSteps.length > 20 && (
            <div class="hint-text">and {store.failedSteps.length - 20} more failed steps (filter the log by type STEP_FAILURE)</div>
          )}
          {runError && <ErrorDetails title="run" error={runError} open />}
        </div>
      )}
      <div class="run-body">
        <div class="run-top">
          <section class="pane">
            {pipeline ? (
              <GraphView
                model={pipeline.model}
                highlight={selection}
                toneOf={(solid) => {
                  const t = store.solidTone(solid);
                  // A step still running when the events end was cut off with its run.
                  return ended !== undefined && t === 'running' ? 'interrupted' : t;
                }}
                progressOf={(solid) => store.solids.get(solid)}
                version={version}
                focused={filter.step}
                onNodeClick={(solid) => setFilter({ ...filter, step: filter.step === solid ? '' : solid })}
              />
            ) : (
              <div class="loading">{pipelineError ? `No graph: ${pipelineError}` : 'Loading the graph…'}</div>
            )}
          </section>
          <section class="pane">
            <Timeline
              store={store}
              version={version}
              now={now}
              cutOff={ended !== undefined}
              picked={filter.step}
              onPick={(step) => setFilter({ ...filter, step: filter.step === step ? '' : step })}
            />
          </section>
        </div>
        <EventLog store={store} version={version} filter={filter} onFilter={setFilter} steps={stepChoices} />
      </div>
    </>
  );
}
