/** The page's frame: the top bar, the pipelines sidebar, and the page the route names. */
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { Launchpad } from './launchpad/Launchpad.tsx';
import { loadPipelines, pipelines, pipelinesError } from './model/pipelines.ts';
import { hrefOf, parseRoute, type Route } from './model/route.ts';
import { RunView } from './run/RunView.tsx';
import { RunsList } from './runs/RunsList.tsx';

const route = signal<Route>(parseRoute(location.hash));
window.addEventListener('hashchange', () => {
  route.value = parseRoute(location.hash);
});

function Logo() {
  return (
    <svg width="20" height="20" viewBox="0 0 16 16" aria-hidden="true">
      <rect x="1" y="1" width="14" height="14" rx="3.5" fill="#4f46e5" />
      <path d="M4 11V5l4 4 4-4v6" stroke="#fff" stroke-width="1.6" fill="none" stroke-linejoin="round" stroke-linecap="round" />
    </svg>
  );
}

function TopBar({ current }: { current: Route }) {
  const first = pipelines.value?.[0];
  const onPipelines = current.page === 'pipeline' || current.page === 'home';
  const onRuns = current.page === 'runs' || current.page === 'run';
  return (
    <header class="topbar">
      <a class="brand" href={hrefOf({ page: 'home' })}>
        <Logo />
        modeflow <small>playground</small>
      </a>
      <nav class="topnav">
        <a href={first ? hrefOf({ page: 'pipeline', name: first.name }) : '#/'} aria-current={onPipelines ? 'page' : undefined}>
          Pipelines
        </a>
        <a href={hrefOf({ page: 'runs' })} aria-current={onRuns ? 'page' : undefined} data-testid="nav-runs">
          Runs
        </a>
      </nav>
      <span class="spacer" />
    </header>
  );
}

function Sidebar({ current }: { current: Route }) {
  const list = pipelines.value;
  return (
    <nav class="sidebar" aria-label="Pipelines">
      <h2>Pipelines</h2>
      {pipelinesError.value && <div class="empty">Cannot list pipelines: {pipelinesError.value}</div>}
      {!list && !pipelinesError.value && <div class="empty">Loading…</div>}
      {list?.length === 0 && <div class="empty">No pipeline in the served files.</div>}
      {list?.map((p) => (
        <a
          key={p.name}
          href={hrefOf({ page: 'pipeline', name: p.name })}
          aria-current={current.page === 'pipeline' && current.name === p.name ? 'page' : undefined}
          data-pipeline={p.name}
        >
          <span class="name">{p.name}</span>
          <span class="meta">
            {p.solids} solids · {p.modes.length === 1 ? `mode ${p.modes[0]!.name}` : `${p.modes.length} modes`}
            {p.presets.length > 0 ? ` · ${p.presets.length} ${p.presets.length === 1 ? 'preset' : 'presets'}` : ''}
          </span>
        </a>
      ))}
    </nav>
  );
}

export function App() {
  const current = route.value;
  useEffect(() => {
    void loadPipelines();
  }, []);
  useEffect(() => {
    const where =
      current.page === 'pipeline'
        ? current.name
        : current.page === 'run'
          ? `run ${current.runId.slice(0, 8)}`
          : current.page === 'runs'
            ? 'runs'
            : '';
    document.title = where ? `${where} · modeflow playground` : 'modeflow playground';
  }, [current]);
  // Home opens the first pipeline, once the list is known.
  useEffect(() => {
    const first = pipelines.value?.[0];
    if (current.page === 'home' && first) location.replace(hrefOf({ page: 'pipeline', name: first.name }));
  }, [current, pipelines.value]);

  let page;
  switch (current.page) {
    case 'pipeline':
      page = <Launchpad name={current.name} />;
      break;
    case 'runs':
      page = <RunsList />;
      break;
    case 'run':
      page = <RunView runId={current.runId} />;
      break;
    default:
      page =
        pipelines.value?.length === 0 ? (
          <div class="empty-state">
            <h2>No pipelines</h2>
            <p>Start the playground with files that export pipelines: modeflow ui -f pipelines.ts</p>
          </div>
        ) : (
          <div class="loading">Loading…</div>
        );
  }
  return (
    <div class="shell">
      <TopBar current={current} />
      <div class="body">
        <Sidebar current={current} />
        <main class="main">{page}</main>
      </div>
    </div>
  );
}
