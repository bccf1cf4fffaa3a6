/** Every recorded run, newest first: pipeline, mode, status, start, duration; a page at a time. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { RunSummary } from '../api/types.ts';
import { hrefOf } from '../model/route.ts';
import { formatDuration, formatStart, toMillis } from '../ui/format.ts';
import { runTone, TONE_LABEL } from '../ui/status.ts';
import { StatusPill } from '../ui/StatusPill.tsx';

const PAGE = 50;

export function RunsList() {
  const [runs, setRuns] = useState<RunSummary[] | undefined>(undefined);
  const [next, setNext] = useState<string | number | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [query, setQuery] = useState('');
  const [loading, setLoading] = useState(false);

  const load = async (before?: string | number) => {
    setLoading(true);
    try {
      const page = await api.runs(PAGE, before);
      setRuns((old) => (before === undefined ? [...page.runs] : [...(old ?? []), ...page.runs]));
      setNext(page.next ?? undefined);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
    // Live runs change status: refresh the first page now and then while the list is open.
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refreshFirstPage();
    }, 3000);
    return () => clearInterval(timer);
  }, []);
  const refreshFirstPage = async () => {
    try {
      const page = await api.runs(PAGE);
      setRuns((old) => {
        if (!old) return [...page.runs];
        const fresh = new Map(page.runs.map((r) => [r.runId, r]));
        const merged = old.map((r) => fresh.get(r.runId) ?? r);
        const known = new Set(old.map((r) => r.runId));
        return [...page.runs.filter((r) => !known.has(r.runId)), ...merged];
      });
    } catch {
      // keep what is shown; the next tick tries again
    }
  };

  const q = query.trim().toLowerCase();
  const shown = (runs ?? []).filter(
    (r) =>
      q === '' ||
      r.pipeline.toLowerCase().includes(q) ||
      r.mode.toLowerCase().includes(q) ||
      r.runId.toLowerCase().includes(q) ||
      r.status.toLowerCase().includes(q),
  );

  return (
    <>
      <div class="page-head">
        <h1>Runs</h1>
        <span class="description">every run launched from this playground or recorded with --history</span>
        <span class="facts">
          <input
            class="input"
            type="search"
            placeholder="Filter by pipeline, mode, status, id"
            value={query}
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
            style="width: 260px"
          />
        </span>
      </div>
      <div class="runs" style="padding-top: 4px">
        {error && <div class="banner error">Cannot list runs: {error}</div>}
        {!runs && !error && <div class="loading">Loading runs…</div>}
        {runs && runs.length === 0 && (
          <div class="empty-state">
            <h2>No runs yet</h2>
            <p>Launch one from a pipeline’s launchpad; it appears here, live, and stays in the history.</p>
          </div>
        )}
        {runs && runs.length > 0 && (
          <table class="grid" data-testid="runs-table">
            <thead>
              <tr>
                <th style="width: 130px">Status</th>
                <th>Pipeline</th>
                <th>Mode</th>
                <th>Run</th>
                <th>Started</th>
                <th>Duration</th>
                <th>Tags</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((run) => {
                const tone = runTone(run.status);
                const tags = Object.entries(run.tags ?? {});
                return (
                  <tr
                    key={run.runId}
                    data-run={run.runId}
                    data-status={run.status}
                    onClick={() => (location.hash = hrefOf({ page: 'run', runId: run.runId }))}
                  >
                    <td>
                      <StatusPill tone={tone} label={TONE_LABEL[tone]} />
                    </td>
                    <td>
                      <a href={hrefOf({ page: 'run', runId: run.runId })} onClick={(e) => e.stopPropagation()}>
                        <b>{run.pipeline}</b>
                      </a>
                    </td>
                    <td>{run.mode}</td>
                    <td>
                      <span class="mono" title={run.runId}>
                        {run.runId.slice(0, 8)}
                      </span>
                    </td>
                    <td
                      class="num"
                      title={toMillis(run.startedAt) !== undefined ? new Date(toMillis(run.startedAt)!).toLocaleString() : ''}
                    >
                      {formatStart(run.startedAt)}
                    </td>
                    <td class="num">
                      {run.durationMs === null ? (tone === 'running' ? 'running…' : '–') : formatDuration(run.durationMs)}
                    </td>
                    <td>
                      <span style="display: inline-flex; gap: 4px">
                        {tags.slice(0, 3).map(([k, v]) => (
                          <span class="chip" key={k}>
                            {k}: <b>{typeof v === 'string' ? v : JSON.stringify(v)}</b>
                          </span>
                        ))}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {next !== undefined && (
          <div class="more">
            <button class="btn" type="button" disabled={loading} onClick={() => load(next)}>
              {loading ? 'Loading…' : 'Older runs'}
            </button>
          </div>
        )}
      </div>
    </>
  );
}
