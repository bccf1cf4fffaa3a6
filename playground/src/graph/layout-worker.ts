/**
 * The layout worker: dagre off the page's thread, so that a large graph never freezes the
 * page. Receives `{ id, request }`, answers `{ id, layout }` or `{ id, error }`.
 */
import { dagreLayout } from './dagre-layout.ts';
import type { LayoutRequest } from './layout-types.ts';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<{ id: number; request: LayoutRequest }>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  const { id, request } = event.data;
  try {
    scope.postMessage({ id, layout: dagreLayout(request) });
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
