/**
 * The YAML run-config editor (CodeMirror 6): YAML highlighting, key completion from the
 * mode's schema, every issue underlined at its line, Mod-Enter to launch. The component
 * owns the view; the text flows out through `onChange`, and back in only when the session
 * sets it (a preset, "Scaffold missing config"), marked by `textVersion`.
 */
import { autocompletion, closeBrackets, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, indentOnInput, indentUnit } from '@codemirror/language';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder,
} from '@codemirror/view';
import { useEffect, useRef } from 'preact/hooks';
import type { SchemaNode } from '../../../lib/cli/json-schema.ts';
import type { Issue } from '../api/types.ts';
import { editorHighlight, editorTheme } from './cm-theme.ts';
import { schemaCompletion } from './completion.ts';
import { diagnosticsOf } from './diagnostics.ts';

export interface ConfigEditorProps {
  readonly text: string;
  /**
   * Bumped when the text is set from outside (a preset, the scaffold); only then is the
   * document replaced. The text that comes back from typing lags the editor by a render,
   * so comparing texts would put old keystrokes back.
   */
  readonly textVersion: number;
  readonly schema: SchemaNode | undefined;
  readonly issues: readonly Issue[];
  readonly onChange: (text: string) => void;
  readonly onLaunch: () => void;
  /** Set to move the cursor to a line (an issue clicked in the list). */
  readonly focusLine?: { readonly line: number; readonly column: number; readonly at: number } | undefined;
}

export function ConfigEditor(props: ConfigEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  // Extensions read the latest props through this ref, so the view is made once.
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    // Made after the page's first paint: CodeMirror measures the document as it starts, and
    // measuring while a large graph is first laid out would hold that graph back.
    let editor: EditorView | undefined;
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => {
        editor = create();
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      editor?.destroy();
    };
  }, []);

  const create = (): EditorView => {
    const current = latest.current;
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: current.text,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          history(),
          indentOnInput(),
          indentUnit.of('  '),
          EditorState.tabSize.of(2),
          bracketMatching(),
          closeBrackets(),
          yaml(),
          editorHighlight,
          editorTheme,
          lintGutter(),
          autocompletion({ override: [schemaCompletion(() => latest.current.schema)], icons: false }),
          placeholder('# Empty: every default applies. Ctrl-Space lists keys.'),
          keymap.of([
            { key: 'Mod-Enter', run: () => (latest.current.onLaunch(), true) },
            ...completionKeymap,
            ...historyKeymap,
            indentWithTab,
            ...defaultKeymap,
          ]),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange(update.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': 'Run config (YAML)' }),
        ],
      }),
    });
    view.current = editor;
    if (current.issues.length > 0) editor.dispatch(setDiagnostics(editor.state, diagnosticsOf(editor.state.doc, current.issues)));
    return editor;
  };

  // Text set from outside (preset, scaffold): replace the document.
  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === props.text) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: props.text } });
  }, [props.textVersion]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    editor.dispatch(setDiagnostics(editor.state, diagnosticsOf(editor.state.doc, props.issues)));
  }, [props.issues]);

  useEffect(() => {
    const editor = view.current;
    const target = props.focusLine;
    if (!editor || !target) return;
    const line = editor.state.doc.line(Math.min(Math.max(1, target.line), editor.state.doc.lines));
    const anchor = Math.min(line.to, line.from + Math.max(0, target.column - 1));
    editor.dispatch({ selection: { anchor }, scrollIntoView: true });
    editor.focus();
  }, [props.focusLine]);

  return <div class="editor-host" ref={host} data-testid="config-editor" />;
}
