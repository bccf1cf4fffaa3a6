/**
 * The bootstrap of every workerPool worker thread (piscina's `filename`). Plain
 * JavaScript, so that Node starts it without any TypeScript loader.
 *
 * It loads the worker runtime named by `workerData.runtime`: `worker-runtime.js` next to
 * it when the library runs compiled (dist/), `worker-runtime.ts` when it runs from source.
 * Before it imports a TypeScript module (that runtime, or a pipeline module ending in
 * `.ts`/`.mts`/`.cts`/`.tsx`), it registers tsx's loader in this thread with `register()`
 * from `tsx/esm/api` (passing `--import tsx` in execArgv does not work under vitest on
 * Node 20). The runtime then imports the pipeline's module, finds the pipeline by name
 * among its exports, and runs one step attempt per task.
 */
import { workerData } from 'node:worker_threads';

const TYPESCRIPT = /\.[cm]?tsx?$/;

/** @type {Promise<void> | undefined} */
let tsx;
/** @type {Promise<{ runTask: (task: unknown, load: typeof load) => Promise<void> }> | undefined} */
let runtime;

function registerTsx() {
  tsx ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return tsx;
}

/** Imports `url`, with tsx registered first when it is a TypeScript file. */
async function load(url) {
  if (TYPESCRIPT.test(new URL(url).pathname)) await registerTsx();
  return import(url);
}

/** One step attempt; its request waits on `task.port`, and its answer goes back there. */
export default async function runStepTask(task) {
  try {
    runtime ??= load(workerData.runtime);
    const { runTask } = await runtime;
    await runTask(task, load);
  } catch (error) {
    // Reported as the step's failure; the runtime closes the port once it has answered.
    try {
      const { name = 'Error', message = String(error), stack } = /** @type {Error} */ (error ?? {});
      task.port.postMessage({ type: 'fail', error: { name, message, stack } });
      task.port.close();
    } catch {
      // The port is closed: the step already has its answer.
    }
  }
}
