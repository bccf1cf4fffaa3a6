/**
 * The page's routes, kept in the URL's hash so that the static server needs no fallback
 * and a reload lands where the user was:
 *
 *   #/pipelines/NAME   the launchpad of a pipeline (graph, mode, presets, config, launch)
 *   #/runs             the runs list
 *   #/runs/ID          one run, live or replayed
 */
export type Route =
  | { readonly page: 'home' }
  | { readonly page: 'pipeline'; readonly name: string }
  | { readonly page: 'runs' }
  | { readonly page: 'run'; readonly runId: string };

/**
 * Reads a route from a location hash (`#/runs/abc`); anything unknown is `home`.
 *
 * @example
 * parseRoute('#/pipelines/query_pipeline'); // { page: 'pipeline', name: 'query_pipeline' }
 */
export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts[0] === 'pipelines' && parts[1]) return { page: 'pipeline', name: parts[1] };
  if (parts[0] === 'runs' && parts[1]) return { page: 'run', runId: parts[1] };
  if (parts[0] === 'runs') return { page: 'runs' };
  return { page: 'home' };
}

/**
 * The hash of a route, for links.
 *
 * @example
 * hrefOf({ page: 'run', runId: 'abc' }); // '#/runs/abc'
 */
export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'home':
      return '#/';
    case 'pipeline':
      return `#/pipelines/${encodeURIComponent(route.name)}`;
    case 'runs':
      return '#/runs';
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}`;
  }
}
