/**
 * The bootstrap of every workerPool worker thread (piscina's `filename`). Plain
 * JavaScript, so that Node starts it without any TypeScript loader.
 *
 * It loads the worker runtime named by `workerData.runtime`: `thread-runtime.js` next to
 * it when the library runs compiled (dist/), `thread-runtime.ts` when it runs from source.
 * Before it imports a TypeScript module (that runtime, or a pipeline module ending in
 * `.ts`/`.mts`/`.cts`/`.tsx`), it registers tsx's loader in this thread with `register()`
 * from `tsx/esm/api` (passing `--import tsx` in execArgv does not work under vitest on
 * Node 20). The runtime then imports the pipeline's module, finds the pipeline by name
 * among its exports, and runs one step attempt per task. The thread lives as long as its
 * pool, which outlives runs: the runtime and the pipeline modules are imported once.
 *
 * It also listens, from the moment the thread starts, on the pool's control channel
 * (`workerData.control`) for cancels: the main thread does not know which thread runs an
 * attempt, so it broadcasts them, and one may arrive before the attempt it cancels.
 */
import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';

const TYPESCRIPT = /\.[cm]?tsx?$/;
/** Cancels kept for attempts this thread has not seen (yet, or ever: every thread hears every cancel). */
const EARLY_CANCELS_KEPT = 1024;

/** @type {Promise<void> | undefined} */
let tsx;
/** @type {Promise<{ runTask: (task: unknown, load: typeof load, control: typeof control) => Promise<unknown> }> | undefined} */
let runtime;

/** @type {Map<number, (abort: boolean) => void>} */
const cancelers = new Map();
/** @type {Map<number, boolean>} */
const early = new Map();

const channel = new BroadcastChannel(workerData.control);
channel.onmessage = (/** @type {{ data: { type: string, id: number, abort: boolean } }} */ event) => {
  const message = event.data;
  if (message?.type !== 'cancel') return;
  const cancel = cancelers.get(message.id);
  if (cancel) return cancel(message.abort);
  early.set(message.id, message.abort);
  if (early.size > EARLY_CANCELS_KEPT) early.delete(early.keys().next().value);
};

/** What the runtime needs of this bootstrap besides `load`. */
const control = {
  /**
   * Calls `cancel` when the main thread cancels attempt `id` (at once when it already
   * has); returns the function that stops listening.
   * @param {number} id
   * @param {(abort: boolean) => void} cancel
   */
  onCancel(id, cancel) {
    if (early.has(id)) {
      const abort = early.get(id);
      early.delete(id);
      cancel(Boolean(abort));
      return () => undefined;
    }
    cancelers.set(id, cancel);
    return () => cancelers.delete(id);
  },
};

/**
 * tsx's loaders for ESM and CommonJS (a `.ts` file in a package without `"type": "module"`
 * is CommonJS). Compiled modeflow (`workerData.library`, its public entry) is imported
 * first: a TypeScript pipeline module imports it, with rxjs and zod, and every module
 * loaded after the hooks are registered goes through them, ~0.2 s more CPU per thread
 * (bench: cold-start). A pipeline that imports another copy of modeflow still works: this
 * one is then loaded for nothing.
 */
function registerTsx() {
  tsx ??= (async () => {
    const library = workerData.library;
    if (typeof library === 'string' && !TYPESCRIPT.test(new URL(library).pathname)) await import(library).catch(() => undefined);
    const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    esm.register();
    cjs.register();
  })();
  return tsx;
}

/** Imports `url`, with tsx registered first when it is a TypeScript file. */
async function load(url) {
  if (TYPESCRIPT.test(new URL(url).pathname)) await registerTsx();
  return import(url);
}

/** One step attempt; resolves with its answer (a TaskResult). */
export default async function runStepTask(task) {
  try {
    runtime ??= load(workerData.runtime);
    const { runTask } = await runtime;
    return await runTask(task, load, control);
  } catch (error) {
    // The runtime answers every attempt itself; this is for a runtime that did not load.
    const { name = 'Error', message = String(error), stack } = /** @type {Error} */ (error ?? {});
    return {
      threadId,
      sent: 0,
      holds: false,
      outputs: [],
      end: { type: 'fail', error: { name: String(name), message: String(message), stack: typeof stack === 'string' ? stack : undefined } },
    };
  }
}
