/**
 * The launchpad of one pipeline, after Dagit 0.12's playground: preset and mode pickers,
 * the selection box, tags; the YAML editor (completion from the mode's schema, issues at
 * their lines as one types) beside the graph with the selection highlighted; "Scaffold
 * missing config"; Launch, disabled while anything is invalid, saying why.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SchemaNode } from '../../../lib/cli/json-schema.ts';
import { api, ApiError } from '../api/client.ts';
import type { Issue } from '../api/types.ts';
import { ConfigEditor } from '../editor/ConfigEditor.tsx';
import { pathText } from '../editor/diagnostics.ts';
import { mergeScaffold } from '../editor/scaffold-merge.ts';
import { GraphView } from '../graph/GraphView.tsx';
import { isSelectAll, resolveSelection } from '../graph/selection.ts';
import { loadPipeline, type LoadedPipeline } from '../model/pipelines.ts';
import { hrefOf } from '../model/route.ts';
import { isPristinePreset, loadSession, presetYaml, saveSession, withPreset, type Session } from '../model/session.ts';
import { ModePicker } from './ModePicker.tsx';
import { PresetPicker } from './PresetPicker.tsx';
import { SchemaTree } from './SchemaTree.tsx';
import { SelectionBox } from './SelectionBox.tsx';
import { TagsEditor } from './TagsEditor.tsx';
import { useValidation, type ValidationState } from './use-validation.ts';

export function Launchpad({ name }: { name: string }) {
  const [loaded, setLoaded] = useState<LoadedPipeline | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    setLoaded(undefined);
    setError(undefined);
    loadPipeline(name).then(setLoaded, (e: Error) => setError(e.message));
  }, [name]);
  if (error) {
    return (
      <div class="empty-state">
        <h2>Cannot open pipeline “{name}”</h2>
        <p>{error}</p>
      </div>
    );
  }
  if (!loaded) return <div class="loading">Loading {name}…</div>;
  return <LoadedLaunchpad key={name} loaded={loaded} />;
}

type Notice = { readonly kind: 'error' | 'info'; readonly text: string } | undefined;

function LoadedLaunchpad({ loaded }: { loaded: LoadedPipeline }) {
  const { graph, model } = loaded;
  const [session, setSessionState] = useState<Session>(() => loadSession(graph.name, graph.modes));
  const setSession = (next: Session) => {
    setSessionState(next);
    saveSession(graph.name, next);
  };
  const [schema, setSchema] = useState<SchemaNode | undefined>(undefined);
  const [tab, setTab] = useState<'config' | 'schema'>('config');
  const [notice, setNotice] = useState<Notice>(undefined);
  const [launching, setLaunching] = useState(false);
  const [launchIssues, setLaunchIssues] = useState<readonly Issue[] | undefined>(undefined);
  const [focusLine, setFocusLine] = useState<{ line: number; column: number; at: number } | undefined>(undefined);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const [textVersion, setTextVersion] = useState(0);
  /** Sets the session with a config text from outside the editor (it then replaces the editor's). */
  const setSessionText = (next: Session) => {
    setSession(next);
    setTextVersion((v) => v + 1);
  };

  useEffect(() => {
    let live = true;
    setSchema(undefined);
    api.schema(graph.name, session.mode).then(
      (s) => live && setSchema(s),
      () => live && setSchema(undefined),
    );
    return () => {
      live = false;
    };
  }, [graph.name, session.mode]);

  const selection = useMemo(() => resolveSelection(model, session.select), [model, session.select]);
  const preset = graph.presets.find((p) => p.name === session.preset);
  // A preset whose config the server did not send is validated and launched by its name.
  const byPresetName = preset !== undefined && presetYaml(preset) === undefined && isPristinePreset(session, preset);
  const validation = useValidation({
    pipeline: graph.name,
    mode: session.mode,
    yaml: session.yaml,
    select: selection.error || isSelectAll(session.select) ? undefined : session.select.trim(),
    preset: byPresetName ? preset.name : undefined,
  });
  useEffect(() => setLaunchIssues(undefined), [session.yaml, session.mode, session.select]);
  const issues = launchIssues ?? validation.issues;

  const reason = launchBlocker(validation, selection.error, launching, launchIssues);
  // One launch at a time, also between a click and the render that disables the button.
  const inFlight = useRef(false);
  const launch = async () => {
    if (reason || inFlight.current) return;
    inFlight.current = true;
    setLaunching(true);
    setNotice(undefined);
    try {
      const pristine = isPristinePreset(session, preset);
      const tags = Object.keys(session.tags).length ? { tags: session.tags } : {};
      const { runId } = await api.launch(
        pristine && preset
          ? { pipeline: graph.name, preset: preset.name, ...tags }
          : {
              pipeline: graph.name,
              mode: session.mode,
              runConfigYaml: session.yaml,
              ...(isSelectAll(session.select) ? {} : { select: session.select.trim() }),
              ...tags,
            },
      );
      location.hash = hrefOf({ page: 'run', runId });
    } catch (error) {
      const e = error as ApiError;
      if (e.issues?.length) setLaunchIssues(e.issues);
      setNotice({ kind: 'error', text: `Launch refused: ${e.message}` });
    } finally {
      inFlight.current = false;
      setLaunching(false);
    }
  };

  const scaffold = async () => {
    setNotice(undefined);
    try {
      const text = await api.scaffold(graph.name, session.mode);
      const merged = mergeScaffold(session.yaml, text);
      if (!merged.ok) {
        setNotice({ kind: 'error', text: `Cannot scaffold: ${merged.message}` });
        return;
      }
      if (merged.added.length === 0) {
        setNotice({ kind: 'info', text: 'Nothing is missing: every key of this mode’s config is already there.' });
        return;
      }
      setSessionText({ ...session, yaml: merged.text });
      setTab('config');
      setNotice({
        kind: 'info',
        text: `Added ${merged.added.length === 1 && merged.added[0] === '(everything)' ? 'the whole config skeleton' : merged.added.join(', ')}. Fill in the fields marked “required”.`,
      });
    } catch (error) {
      setNotice({ kind: 'error', text: `Cannot scaffold: ${(error as Error).message}` });
    }
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // The editor's own Mod-Enter has launched already (and marked the event handled).
      if (event.defaultPrevented) return;
      if ((event.metaKey || event.ctrlKey) && event.key === 'Enter') {
        event.preventDefault();
        void launch();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const onNodeClick = (solid: string) => {
    setPicked(solid);
    const clauses = isSelectAll(session.select)
      ? []
      : session.select
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean);
    const next = clauses.includes(solid) ? clauses.filter((c) => c !== solid) : [...clauses, solid];
    setSession({ ...session, select: next.length ? next.join(', ') : '*' });
  };

  const modeInfo = graph.modes.find((m) => m.name === session.mode);
  return (
    <>
      <div class="page-head">
        <h1 data-testid="pipeline-name">{graph.name}</h1>
        {graph.description && <span class="description">{graph.description}</span>}
        <span class="facts">
          {model.nodes.length} solids · {graph.modes.length} {graph.modes.length === 1 ? 'mode' : 'modes'} · {graph.presets.length}{' '}
          {graph.presets.length === 1 ? 'preset' : 'presets'}
        </span>
      </div>
      <div class="toolbar">
        <PresetPicker
          presets={graph.presets}
          preset={session.preset}
          onPick={(name) =>
            setSessionText(
              withPreset(
                session,
                graph.presets.find((p) => p.name === name)!,
              ),
            )
          }
        />
        <ModePicker modes={graph.modes} mode={session.mode} onPick={(mode) => setSession({ ...session, mode })} />
        <SelectionBox
          query={session.select}
          result={selection}
          total={model.nodes.length}
          onInput={(select) => setSession({ ...session, select })}
        />
        <TagsEditor tags={session.tags} onChange={(tags) => setSession({ ...session, tags })} />
        <span class="grow" />
        <button
          class="btn"
          type="button"
          data-testid="scaffold"
          onClick={scaffold}
          title="Add every key of this mode’s config that the editor lacks, with defaults"
        >
          Scaffold missing config
        </button>
        <span
          class={`launch-reason${reason && validation.state !== 'checking' && !launching ? ' bad' : ''}`}
          data-testid="launch-reason"
          title={reason}
        >
          {reason ?? ''}
        </span>
        <button
          class="btn primary"
          type="button"
          data-testid="launch"
          disabled={reason !== undefined}
          onClick={launch}
          title={reason ?? 'Launch the run (Ctrl/⌘-Enter)'}
        >
          {launching ? 'Launching…' : 'Launch run'}
        </button>
      </div>
      {notice && (
        <div class={`banner ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
          {notice.text}
        </div>
      )}
      <div class="split">
        <section class="pane">
          <div class="pane-head" style="padding-left: 2px">
            <div class="tabs" role="tablist">
              <button type="button" role="tab" aria-selected={tab === 'config'} onClick={() => setTab('config')}>
                Run config
              </button>
              <button type="button" role="tab" aria-selected={tab === 'schema'} data-testid="schema-tab" onClick={() => setTab('schema')}>
                Schema
              </button>
            </div>
            <span class="grow" />
            <span class="sub">
              mode <b>{session.mode}</b>
              {modeInfo && modeInfo.resources.length > 0 ? ` · ${modeInfo.resources.join(', ')}` : ''}
            </span>
          </div>
          {tab === 'config' ? (
            <>
              <ConfigEditor
                text={session.yaml}
                textVersion={textVersion}
                schema={schema}
                issues={issues}
                onChange={(yaml) => setSession({ ...session, yaml })}
                onLaunch={launch}
                focusLine={focusLine}
              />
              <IssueList issues={issues} onPick={(line, column) => setFocusLine({ line, column, at: Date.now() })} />
              <StatusLine validation={validation} mode={session.mode} count={issues.length} />
            </>
          ) : (
            <SchemaTree schema={schema} mode={session.mode} />
          )}
        </section>
        <section class="pane">
          <div class="pane-head">
            Graph
            <span class="sub">{isSelectAll(session.select) ? 'click a solid to select it' : `selection: ${session.select}`}</span>
          </div>
          <GraphView
            model={model}
            highlight={selection.selected}
            onNodeClick={onNodeClick}
            onCompositeClick={onNodeClick}
            focused={picked}
          />
        </section>
      </div>
    </>
  );
}

/** Why Launch is disabled, or `undefined` when it is not. */
function launchBlocker(
  validation: ValidationState,
  selectionError: string | undefined,
  launching: boolean,
  launchIssues: readonly Issue[] | undefined,
): string | undefined {
  if (launching) return 'Launching…';
  if (selectionError) return 'The selection matches no solid';
  if (launchIssues?.length) return `${launchIssues.length} ${launchIssues.length === 1 ? 'issue' : 'issues'} in the config`;
  switch (validation.state) {
    case 'checking':
      return 'Checking the config…';
    case 'invalid':
      return `${validation.issues.length} ${validation.issues.length === 1 ? 'issue' : 'issues'} in the config`;
    case 'error':
      return `Cannot validate: ${validation.message}`;
    case 'valid':
      return undefined;
  }
}

function IssueList({ issues, onPick }: { issues: readonly Issue[]; onPick: (line: number, column: number) => void }) {
  if (issues.length === 0) return null;
  return (
    <div class="issues" data-testid="issues">
      <div class="head">
        {issues.length} {issues.length === 1 ? 'issue' : 'issues'}
      </div>
      <ul>
        {issues.map((issue, i) => (
          <li key={i} onClick={() => issue.line !== undefined && onPick(issue.line, issue.column ?? 1)} data-line={issue.line ?? ''}>
            <span class="where">{issue.line !== undefined ? `line ${issue.line}` : '—'}</span>
            <span>
              {issue.path.length > 0 && <span class="path">{pathText(issue.path)} </span>}
              <span class="msg">{issue.message}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function StatusLine({ validation, mode, count }: { validation: ValidationState; mode: string; count: number }) {
  return (
    <div class="status-line" data-testid="validation" data-state={validation.state}>
      {validation.state === 'valid' && <span class="ok">✓ Valid config for mode {mode}</span>}
      {validation.state === 'invalid' && (
        <span class="bad">
          ✕ {count} {count === 1 ? 'issue' : 'issues'}
        </span>
      )}
      {validation.state === 'checking' && <span>Checking…</span>}
      {validation.state === 'error' && <span class="bad">{validation.message}</span>}
      <span class="grow" style="flex: 1" />
      <span class="hint-text">
        <kbd>Ctrl</kbd> <kbd>Space</kbd> keys · <kbd>⌘</kbd>/<kbd>Ctrl</kbd> <kbd>↵</kbd> launch
      </span>
    </div>
  );
}
