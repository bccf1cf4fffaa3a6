/** An error as the page shows it: name and message, the stack, and each cause below it. */
import type { SerializedError } from '../../../lib/errors.ts';

function asError(value: unknown): SerializedError | undefined {
  if (typeof value !== 'object' || value === null || !('message' in value)) return undefined;
  return value as SerializedError;
}

export function ErrorDetails({ error, title, open }: { error: unknown; title?: string; open?: boolean }) {
  const e = asError(error);
  if (!e) return <pre class="stack">{String(error)}</pre>;
  const causes: SerializedError[] = [];
  let cause = asError(e.cause);
  while (cause && causes.length < 8) {
    causes.push(cause);
    cause = asError(cause.cause);
  }
  return (
    <details open={open} data-testid="error">
      <summary>
        {title && <code>{title}</code>}
        {title && ' — '}
        {e.name}: {e.message}
      </summary>
      <pre class="stack">{e.stack ?? `${e.name}: ${e.message}`}</pre>
      {causes.map((c, i) => (
        <div key={i}>
          <div class="hint-text">caused by</div>
          <pre class="stack">{c.stack ?? `${c.name}: ${c.message}`}</pre>
        </div>
      ))}
    </details>
  );
}
