/** The solid selection box: `*a+` clauses, the count they select, or why they select nothing. */
import type { SelectionResult } from '../graph/selection.ts';

export function SelectionBox(props: { query: string; result: SelectionResult; total: number; onInput: (query: string) => void }) {
  const { result, total } = props;
  const count = result.selected === undefined ? total : result.selected.size;
  return (
    <label
      class="selection-box"
      title={
        result.error ?? 'Comma-separated clauses: name, *name (with ancestors), name* (with descendants), +name / name+ (one level per +)'
      }
    >
      <span class="field-label">Solids</span>
      <input
        class={`input mono${result.error ? ' invalid' : ''}`}
        data-testid="selection"
        value={props.query}
        placeholder="* (all solids)"
        spellcheck={false}
        aria-invalid={result.error ? true : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      <span class={`count${result.error ? ' bad' : ''}`} data-testid="selection-count">
        {result.error ? 'matches nothing' : result.selected === undefined ? `all ${total}` : `${count} of ${total}`}
      </span>
    </label>
  );
}
