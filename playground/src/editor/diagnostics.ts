/**
 * Config issues as editor diagnostics: each issue with a line (the server gives one for
 * YAML, pointing at the offending key or value) underlines the token there.
 */
import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { Issue } from '../api/types.ts';

/** Where an issue's text starts and ends in the document, or `undefined` without a line. */
export function issueRange(doc: Text, issue: Issue): { from: number; to: number } | undefined {
  if (issue.line === undefined || issue.line < 1) return undefined;
  const line = doc.line(Math.min(issue.line, doc.lines));
  const column = Math.max(1, issue.column ?? 1);
  const from = Math.min(line.to, line.from + column - 1);
  // Underline the key or value there: up to `:`, a comment, or the end of the line.
  const rest = line.text.slice(from - line.from);
  const token = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:#]*?)(?=\s*(?::(?:\s|$)|#|$))/.exec(rest);
  const length = token && token[0].trim().length > 0 ? token[0].trimEnd().length : Math.max(1, rest.trimEnd().length);
  return { from, to: Math.min(line.to, from + length) };
}

/** The path of an issue as people read it: `solids.load.config.rows`, or `(root)`. */
export function pathText(path: readonly (string | number)[]): string {
  return path.length === 0
    ? '(root)'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replace(/\.\[/g, '[');
}

/** The diagnostics of a list of issues; those without a line are left to the issue list. */
export function diagnosticsOf(doc: Text, issues: readonly Issue[]): Diagnostic[] {
  return issues.flatMap((issue) => {
    const range = issueRange(doc, issue);
    if (!range) return [];
    const where = issue.path.length > 0 ? `${pathText(issue.path)}: ` : '';
    return [{ ...range, severity: 'error', message: `${where}${issue.message}`, source: 'run config' }];
  });
}
