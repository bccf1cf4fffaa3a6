/** Run tags: key = value pairs, edited in a small popover; shown as a count on the button. */
import { useEffect, useRef, useState } from 'preact/hooks';

export function TagsEditor({
  tags,
  onChange,
}: {
  tags: Readonly<Record<string, string>>;
  onChange: (tags: Record<string, string>) => void;
}) {
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<[string, string][]>([]);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    setRows([...Object.entries(tags), ['', '']]);
    const close = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const commit = (next: [string, string][]) => {
    setRows(next.some(([k]) => k === '') ? next : [...next, ['', '']]);
    onChange(Object.fromEntries(next.filter(([k]) => k.trim() !== '').map(([k, v]) => [k.trim(), v])));
  };
  const count = Object.keys(tags).length;

  return (
    <div class="dropdown" ref={root} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <button
        class="btn"
        type="button"
        data-testid="tags"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        title="Tags recorded with the run"
      >
        <span class="muted">Tags</span>
        {count > 0 && <span class="value">{count}</span>}
        <span class="caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open && (
        <div class="popover" style="width: 340px">
          {rows.map(([key, value], i) => (
            <div key={i} style="display: flex; gap: 6px; margin-bottom: 6px">
              <input
                class="input mono"
                style="width: 40%"
                placeholder="key"
                value={key}
                onInput={(e) => commit(rows.map((r, j) => (j === i ? [(e.target as HTMLInputElement).value, r[1]] : r)))}
              />
              <input
                class="input mono"
                style="flex: 1"
                placeholder="value"
                value={value}
                onInput={(e) => commit(rows.map((r, j) => (j === i ? [r[0], (e.target as HTMLInputElement).value] : r)))}
              />
              <button class="btn ghost small" type="button" title="Remove" onClick={() => commit(rows.filter((_, j) => j !== i))}>
                ✕
              </button>
            </div>
          ))}
          <div class="hint-text">Tags are saved with the run and shown in the runs list.</div>
        </div>
      )}
    </div>
  );
}
