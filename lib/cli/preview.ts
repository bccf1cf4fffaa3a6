/**
 * A short, single-line JSON-like rendering of a value, at most `max` characters, for
 * progress views and event lines. It walks only as much of the value as it shows, so a
 * large output costs no more than a small one.
 */
export function preview(value: unknown, max = 80): string {
  const out = { text: '', budget: max + 1 };
  write(value, out, 0);
  return out.text.length > max ? out.text.slice(0, Math.max(0, max - 1)) + '…' : out.text;
}

interface Sink {
  text: string;
  budget: number;
}

function emit(out: Sink, text: string): boolean {
  out.text += text;
  out.budget -= text.length;
  return out.budget > 0;
}

function write(value: unknown, out: Sink, depth: number): boolean {
  if (value === undefined) return emit(out, 'undefined');
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return emit(out, String(value));
  if (typeof value === 'bigint') return emit(out, `${value}n`);
  if (typeof value === 'string') return emit(out, JSON.stringify(value.length > out.budget ? value.slice(0, out.budget) : value));
  if (typeof value === 'function') return emit(out, '[function]');
  if (typeof value !== 'object') return emit(out, String(value));
  if (value instanceof Date) return emit(out, value.toISOString());
  if (depth > 4) return emit(out, Array.isArray(value) ? '[…]' : '{…}');
  if (Array.isArray(value)) {
    if (!emit(out, '[')) return false;
    for (let i = 0; i < value.length; i++) {
      if (i > 0 && !emit(out, ',')) return false;
      if (!write(value[i], out, depth + 1)) return false;
    }
    return emit(out, ']');
  }
  if (!emit(out, '{')) return false;
  let first = true;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (!first && !emit(out, ',')) return false;
    first = false;
    if (!emit(out, `${JSON.stringify(key)}:`)) return false;
    if (!write((value as Record<string, unknown>)[key], out, depth + 1)) return false;
  }
  return emit(out, '}');
}
