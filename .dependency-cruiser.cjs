/**
 * modeflow's layout, as rules (`npm run depcheck`, part of `npm test`; see
 * test/depcheck.mjs). The folders of lib/ read in the order a run flows and depend
 * downward only:
 *
 *   errors.ts < support/ < schema/ < define/ < events/ < config/ < logging/ < plan/ < engine/
 *     < run.ts < the entries (index.ts, built-ins.ts) and the faces (cli/, testing/, bench/, playground/,
 *     history/)
 *
 * modes/ and operators/ are made from lib/'s public pieces, as a user's own would be (the
 * script checks the names too); only the entries and faces may import them. Nothing in
 * the library imports tests, benches or lib/index.ts.
 */

/** lib/'s layers, bottom first: each may import only those before it (and itself). */
const layers = [
  ['errors', 'lib/errors\\.[jt]s$'],
  ['support', 'lib/support/'],
  ['schema', 'lib/schema/'],
  ['define', 'lib/define/'],
  ['events', 'lib/events/'],
  ['config', 'lib/config/'],
  ['logging', 'lib/logging/'],
  ['plan', 'lib/plan/'],
  ['engine', 'lib/engine/'],
  ['run', 'lib/run\\.[jt]s$'],
];

/** The top of lib/: the entries and the faces users reach from outside. */
const top = ['lib/index\\.[jt]s$', 'lib/built-ins\\.[jt]s$', 'lib/cli/', 'lib/testing/', 'lib/bench/', 'lib/playground/', 'lib/history/'];

const anyOf = (patterns) => `^(${patterns.join('|')})`;

/** What the browser app may import from lib/: modules with no Node in them, types aside. */
const browserSafe = [
  'lib/errors\\.[jt]s$',
  'lib/config/select\\.[jt]s$',
  'lib/define/definition\\.[jt]s$',
  'lib/define/log\\.[jt]s$',
  'lib/events/events\\.[jt]s$',
  'lib/events/run-state\\.[jt]s$',
  'lib/events/describe-event\\.[jt]s$',
  'lib/cli/json-schema\\.[jt]s$',
];

/** One rule per layer: nothing above it. */
const downwardOnly = layers.slice(0, -1).map(([name, path], i) => ({
  name: `${name}-depends-downward`,
  comment: `${name} may import only ${
    layers
      .slice(0, i)
      .map(([below]) => below)
      .join(', ') || 'nothing else in lib/'
  }`,
  severity: 'error',
  from: { path: `^${path}` },
  to: { path: anyOf([...layers.slice(i + 1).map(([, above]) => above), ...top]) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only ones included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...downwardOnly,
    {
      name: 'run-below-entries',
      comment: 'lib/run.ts sits below the entries and the faces',
      severity: 'error',
      from: { path: '^lib/run\\.[jt]s$' },
      to: { path: anyOf(top) },
    },
    {
      name: 'lib-core-not-on-built-ins',
      comment: 'only the entries and the faces of lib/ import modes/ and operators/: the rest is what they are made from',
      severity: 'error',
      from: { path: '^lib/', pathNot: anyOf(top) },
      to: { path: '^(modes|operators)/' },
    },
    {
      name: 'built-ins-not-on-faces',
      comment: 'modes/ and operators/ use lib/ as a user would, never its entries or faces',
      severity: 'error',
      from: { path: '^(modes|operators)/' },
      to: { path: anyOf(top) },
    },
    {
      name: 'operators-not-on-modes',
      comment: 'operators work on any run, whatever built-ins its mode has',
      severity: 'error',
      from: { path: '^operators/' },
      to: { path: '^modes/' },
    },
    {
      name: 'no-index-inside',
      comment: 'inside the library nothing imports lib/index.ts (it is the one entry for users)',
      severity: 'error',
      from: { path: '^(lib|modes|operators)/' },
      to: { path: '^lib/index\\.[jt]s$' },
    },
    {
      name: 'app-in-the-browser',
      comment: 'the playground app runs in a browser: no Node built-ins',
      severity: 'error',
      from: { path: '^playground/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'app-reaches-no-node',
      comment: 'nothing the playground app imports, however indirectly, imports a Node built-in',
      severity: 'error',
      from: { path: '^playground/src/' },
      to: {
        path: '^(node:)?(fs|path|url|os|child_process|worker_threads|net|http|https|crypto|stream|util|events|module|process|zlib|tty|readline|perf_hooks|async_hooks|v8|vm)(/|$)',
        reachable: true,
      },
    },
    {
      name: 'app-uses-browser-safe-lib',
      comment: 'the playground app imports from lib/ only modules without Node in them (see browserSafe)',
      severity: 'error',
      from: { path: '^playground/src/' },
      to: { path: '^lib/', pathNot: anyOf(browserSafe) },
    },
    {
      name: 'library-not-on-app',
      comment: 'the library (and its tests) reach the app only as built files, never by import',
      severity: 'error',
      from: { path: '^(lib|modes|operators|examples)/' },
      to: { path: '^playground/' },
    },
    {
      name: 'no-tests-in-source',
      comment: 'no source imports a test or a bench',
      severity: 'error',
      from: { path: '^(lib|modes|operators|examples)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    // The check runs over a JavaScript mirror of the sources (test/depcheck.mjs): a path
    // is `lib/engine/step.js` there for lib/engine/step.ts, and packages lie outside it.
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^\\.\\./' },
  },
};
