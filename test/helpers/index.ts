/**
 * The one helpers module of the tests: modes without console noise, the executors a suite
 * runs under, collecting and reading events, waiting, running the toolkit's random graphs. Tests import the library from
 * lib/index.ts (the public entry) and these from here.
 */
export { memoryMode, quietMode, silentMode } from './modes.ts';
export { everyExecutor, executors, inProcessExecutors, on, recordingExecutor, virtualTime, type ExecutorCase } from './executors.ts';
export { EVENT_TYPES, eventsOf, expectInvariants, ofType, stepKeysOf, subscribeError, typesOf } from './events.ts';
export { graphSummary, onExecutor, referenceRun, runGraph } from './graphs.ts';
export { aborted, deferred, rejectionOf, sleep, thrownBy, until } from './waiting.ts';
