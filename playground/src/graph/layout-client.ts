/**
 * Graph layouts for the page: the quick layout at once, dagre's from the worker when it is
 * ready (graphs up to {@link DAGRE_LIMIT} nodes). Finished layouts are kept per graph, so a
 * second visit draws the final layout at once.
 */
import { layoutKey } from './layout-key.ts';
import { DAGRE_LIMIT, type GraphLayout, type LayoutRequest } from './layout-types.ts';
import { quickLayout } from './quick-layout.ts';

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve: (layout: GraphLayout) => void; reject: (error: Error) => void }>();
const finished = new Map<string, GraphLayout>();

function layoutWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<{ id: number; layout?: GraphLayout; error?: string }>) => {
      const entry = waiting.get(event.data.id);
      waiting.delete(event.data.id);
      if (!entry) return;
      if (event.data.layout) entry.resolve(event.data.layout);
      else entry.reject(new Error(event.data.error ?? 'the layout worker failed'));
    };
  }
  return worker;
}

/**
 * Calls `draw` with the best layout known now (a kept final one, or the quick one), then
 * once more with dagre's when the worker finishes. Returns a function that stops the
 * second call (the page moved on).
 */
export function layOut(request: LayoutRequest, draw: (layout: GraphLayout) => void): () => void {
  const key = layoutKey(request);
  const kept = finished.get(key);
  if (kept) {
    draw(kept);
    return () => {};
  }
  draw(quickLayout(request));
  if (request.nodes.length > DAGRE_LIMIT || request.nodes.length < 2) return () => {};
  let live = true;
  const id = nextId++;
  new Promise<GraphLayout>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    layoutWorker().postMessage({ id, request });
  }).then(
    (layout) => {
      finished.set(key, layout);
      if (live) draw(layout);
    },
    (error: Error) => console.warn(`graph layout: ${error.message}; keeping the quick layout`),
  );
  return () => {
    live = false;
  };
}
