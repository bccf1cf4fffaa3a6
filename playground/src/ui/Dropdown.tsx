/**
 * A button that opens a list to pick from, keyboard-friendly: arrows move, Enter picks,
 * Escape closes, typing filters (when `filterable`). Used for modes and presets.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';

export interface DropdownItem {
  readonly value: string;
  readonly title: string;
  readonly sub?: string | undefined;
}

export interface DropdownProps {
  readonly label: ComponentChildren;
  readonly items: readonly DropdownItem[];
  readonly selected?: string | undefined;
  readonly onPick: (value: string) => void;
  readonly filterable?: boolean;
  readonly empty?: string;
  readonly note?: ComponentChildren;
  readonly testId?: string;
  readonly title?: string;
}

export function Dropdown(props: DropdownProps) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q === '' ? props.items : props.items.filter((i) => i.title.toLowerCase().includes(q) || (i.sub ?? '').toLowerCase().includes(q));
  }, [props.items, query]);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    (props.filterable ? input.current : list.current)?.focus();
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const pick = (value: string) => {
    props.onPick(value);
    setOpen(false);
    button.current?.focus();
  };

  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      setOpen(false);
      button.current?.focus();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((a) => Math.min(shown.length - 1, a + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const item = shown[active];
      if (item) pick(item.value);
    }
  };

  return (
    <div class="dropdown" ref={root} onKeyDown={open ? onKey : undefined}>
      <button
        ref={button}
        class="btn"
        type="button"
        aria-haspopup="listbox"
        aria-expanded={open}
        data-testid={props.testId}
        title={props.title}
        onClick={() => {
          setOpen(!open);
          setQuery('');
          setActive(
            Math.max(
              0,
              props.items.findIndex((i) => i.value === props.selected),
            ),
          );
        }}
      >
        {props.label}
        <span class="caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open && (
        <div class="popover" role="dialog">
          {props.filterable && (
            <input
              ref={input}
              class="input filter"
              placeholder="Filter…"
              value={query}
              onInput={(e) => {
                setQuery((e.target as HTMLInputElement).value);
                setActive(0);
              }}
            />
          )}
          <ul role="listbox" tabIndex={-1} ref={list}>
            {shown.length === 0 && <li class="none">{props.empty ?? 'Nothing matches'}</li>}
            {shown.map((item, i) => (
              <li
                key={item.value}
                role="option"
                data-value={item.value}
                aria-selected={i === active}
                onMouseEnter={() => setActive(i)}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(item.value);
                }}
              >
                <div class="title">
                  {item.title}
                  {item.value === props.selected && <span class="check">✓</span>}
                </div>
                {item.sub && <div class="sub">{item.sub}</div>}
              </li>
            ))}
          </ul>
          {props.note && <div class="note">{props.note}</div>}
        </div>
      )}
    </div>
  );
}
