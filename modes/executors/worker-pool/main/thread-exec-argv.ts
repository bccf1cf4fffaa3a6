/**
 * The node flags a pool's threads start with: the process's own, less tsx's loader.
 *
 * A thread inherits the process's flags unless given its own, so a process started with
 * `node --import tsx` or by `tsx` itself would load tsx again in every thread (with a loader
 * thread of its own), whatever the pipeline module is: ~0.25 s more CPU per thread, and
 * 0.3–0.6 s more wall time on 2 cores (bench: cold-start). The thread's bootstrap registers
 * tsx itself when the module it imports is TypeScript, so those flags are never needed.
 */
import { Worker } from 'node:worker_threads';

/** Flags that take their value as the next argument (or after `=`) and load code. */
const LOADING = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);
/** tsx, as a package name, a path inside its package, or a file URL into it. */
const TSX = /(^|[\\/])tsx([\\/]|$)/;

let chosen: { readonly execArgv: string[] | undefined } | undefined;

/**
 * The `execArgv` for a pool's threads: `undefined` (inherit the process's, as Node does by
 * default) unless they load tsx; then the process's flags without those, and without the
 * flags Node refuses to give a thread explicitly (`--expose-gc`, `--max-old-space-size`:
 * V8's and per-process flags, which apply to every thread anyway). Found once per process.
 */
export function threadExecArgv(): string[] | undefined {
  chosen ??= { execArgv: choose(process.execArgv) };
  return chosen.execArgv;
}

function choose(execArgv: readonly string[]): string[] | undefined {
  const kept = withoutTsx(execArgv);
  if (kept.length === execArgv.length) return undefined;
  const refused = refusedFlags(kept);
  const out: string[] = [];
  for (let i = 0; i < kept.length; i++) {
    if (!refused.has(kept[i]!)) out.push(kept[i]!);
    // A refused flag's value given as the next argument (`--title name`) goes with it.
    else if (!kept[i]!.includes('=') && kept[i + 1] !== undefined && !kept[i + 1]!.startsWith('-')) i++;
  }
  return out;
}

/**
 * `execArgv` without the flags that load tsx (`--import tsx`, tsx's own
 * `--require …/tsx/dist/preflight.cjs --import file:///…/tsx/dist/loader.mjs`, in both the
 * `--flag value` and `--flag=value` forms); every other flag is kept as it was given.
 *
 * @example
 * withoutTsx(['--import', 'tsx', '--enable-source-maps']); // ['--enable-source-maps']
 */
export function withoutTsx(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    const eq = flag.indexOf('=');
    const name = eq > 0 ? flag.slice(0, eq) : flag;
    if (!LOADING.has(name) || (eq < 0 && i + 1 >= execArgv.length)) {
      kept.push(flag);
      continue;
    }
    const value = eq > 0 ? flag.slice(eq + 1) : execArgv[++i]!;
    if (!TSX.test(value)) kept.push(...(eq > 0 ? [flag] : [flag, value]));
  }
  return kept;
}

/**
 * The flags of `execArgv` that `new Worker` refuses (it names them in its error). Node has
 * no list of them to read, so a thread is started with the flags and stopped at once:
 * ~60 ms, once per process, and only in a process started under tsx.
 */
function refusedFlags(execArgv: readonly string[]): Set<string> {
  try {
    void new Worker('', { eval: true, execArgv: [...execArgv], stdout: true, stderr: true }).terminate();
    return new Set();
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    const listed = /flags: (.*)$/.exec(message)?.[1];
    if ((error as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || !listed) throw error;
    return new Set(listed.split(', '));
  }
}
