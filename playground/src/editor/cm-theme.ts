/** The editor's look: the page's palette, a quiet YAML highlight, compact gutters. */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

export const editorTheme = EditorView.theme({
  '&': { fontSize: '12.5px', backgroundColor: '#fff', height: '100%' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.6' },
  '.cm-content': { padding: '8px 0' },
  '.cm-gutters': { backgroundColor: '#fafbfc', borderRight: '1px solid #eceef2', color: '#a3aab6' },
  '.cm-lineNumbers .cm-gutterElement': { padding: '0 8px 0 12px', minWidth: '36px' },
  '.cm-activeLine': { backgroundColor: '#f6f7fb' },
  '.cm-activeLineGutter': { backgroundColor: '#f0f1f6', color: '#5b6474' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused .cm-cursor': { borderLeftColor: '#4f46e5', borderLeftWidth: '2px' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground': { backgroundColor: '#dfe3ff !important' },
  '.cm-tooltip': { border: '1px solid #e4e7ec', borderRadius: '6px', boxShadow: '0 8px 24px rgba(16,24,40,.14)', backgroundColor: '#fff' },
  '.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--mono)', fontSize: '12px', maxHeight: '16em' },
  '.cm-tooltip-autocomplete > ul > li': { padding: '3px 8px !important' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: '#eef0ff', color: '#1d2433' },
  '.cm-completionDetail': { color: '#8b94a3', fontStyle: 'normal', marginLeft: '12px' },
  '.cm-completionInfo': { padding: '6px 10px', fontFamily: 'var(--font)', fontSize: '12px', whiteSpace: 'pre-wrap', maxWidth: '320px' },
  '.cm-diagnostic': { padding: '4px 8px', fontFamily: 'var(--font)', fontSize: '12px' },
  '.cm-diagnostic-error': { borderLeft: '3px solid #dc2626' },
  '.cm-lintRange-error': {
    backgroundImage: 'none',
    textDecoration: 'underline wavy #dc2626',
    textDecorationSkipInk: 'none',
    textUnderlineOffset: '3px',
  },
  '.cm-lint-marker-error': { content: 'none' },
  '.cm-gutter-lint': { width: '14px' },
  '.cm-gutter-lint .cm-gutterElement': { padding: '0 2px' },
});

const style = HighlightStyle.define([
  { tag: t.propertyName, color: '#3730a3' },
  { tag: [t.definition(t.propertyName)], color: '#3730a3' },
  { tag: t.string, color: '#0f766e' },
  { tag: [t.number, t.bool, t.null], color: '#b45309' },
  { tag: t.comment, color: '#9aa3b1', fontStyle: 'italic' },
  { tag: [t.punctuation, t.separator], color: '#8b94a3' },
  { tag: [t.keyword, t.typeName], color: '#7c3aed' },
  { tag: t.invalid, color: '#dc2626' },
]);

export const editorHighlight = syntaxHighlighting(style);
