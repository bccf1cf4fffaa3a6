/**
 * The invariants every run keeps (DESIGN "Events"), as a checker for any list of events:
 * a run's own, events read back from a log, or the records a logger sink received.
 */
import { AssertionError } from 'node:assert';
import type { Pipeline } from '../define/pipeline.ts';

/**
 * An event as the checker reads it: a `RunEvent`, or the fields of a logger record that
 * carries one (`{ event: type, … }` mapped to `type`).
 */
export interface InvariantEvent {
  readonly type: string;
  readonly stepKey?: string | undefined;
  readonly solid?: string | undefined;
  readonly resource?: string | undefined;
  readonly reason?: string | undefined;
}

/** What {@link checkRunInvariants} found. */
export interface RunInvariantsResult {
  /** True when there is no violation. */
  readonly ok: boolean;
  /** One line per violation, naming the events involved. */
  readonly violations: readonly string[];
}

/** What {@link checkRunInvariants} takes besides the events. */
export interface RunInvariantsOptions {
  /**
   * The pipeline that ran: with it, a step skipped for `UPSTREAM_FAILED` must have an
   * upstream solid that failed or was skipped for a failure; without it, some step must
   * have failed before.
   */
  readonly pipeline?: Pipeline;
}

const TERMINAL = new Set(['RUN_SUCCESS', 'RUN_FAILURE', 'RUN_CANCELED']);

const at = (events: readonly InvariantEvent[], i: number): string => {
  const e = events[i]!;
  const what = e.stepKey ?? e.resource;
  return `${e.type}${what === undefined ? '' : ` ${what}`} (event ${i})`;
};

/**
 * Checks the engine's invariants on a run's events: one terminal event, last; each
 * `STEP_START` has exactly one `STEP_SUCCESS` or `STEP_FAILURE` after it (and no step
 * ends without starting); a step skipped for `UPSTREAM_FAILED` has a failed or skipped
 * upstream; every initialised resource is torn down exactly once, in reverse order of
 * init (a teardown lost with its process is reported by its one `RESOURCE_TEARDOWN`, with
 * the error, and counts). Holds for runs that succeed, fail or are canceled, on any executor.
 *
 * @example
 * const result = await execute(p, { raiseOnError: false });
 * expect(checkRunInvariants(result.events).violations).toEqual([]);
 */
export function checkRunInvariants(events: readonly InvariantEvent[], options: RunInvariantsOptions = {}): RunInvariantsResult {
  const violations = [
    ...terminalLast(events),
    ...stepsEndOnce(events),
    ...skipsFollowFailures(events, options.pipeline),
    ...resourcesTornDown(events),
  ];
  return { ok: violations.length === 0, violations };
}

/**
 * {@link checkRunInvariants}, throwing when an invariant does not hold.
 *
 * @example
 * assertRunInvariants((await execute(p, { raiseOnError: false })).events);
 *
 * @throws {AssertionError} listing every violation
 */
export function assertRunInvariants(events: readonly InvariantEvent[], options: RunInvariantsOptions = {}): void {
  const { violations } = checkRunInvariants(events, options);
  if (violations.length > 0) {
    throw new AssertionError({ message: `run invariants violated:\n${violations.map((v) => `  - ${v}`).join('\n')}` });
  }
}

function terminalLast(events: readonly InvariantEvent[]): string[] {
  const terminals = events.flatMap((e, i) => (TERMINAL.has(e.type) ? [i] : []));
  if (terminals.length === 0) return ['no terminal event (RUN_SUCCESS, RUN_FAILURE or RUN_CANCELED)'];
  const out: string[] = [];
  if (terminals.length > 1) out.push(`${terminals.length} terminal events: ${terminals.map((i) => at(events, i)).join(', ')}`);
  const first = terminals[0]!;
  if (first !== events.length - 1) {
    const after = events.slice(first + 1, first + 4).map((_, k) => at(events, first + 1 + k));
    out.push(`events after the terminal ${at(events, first)}: ${after.join(', ')}${events.length - first > 4 ? ', …' : ''}`);
  }
  return out;
}

function stepsEndOnce(events: readonly InvariantEvent[]): string[] {
  const out: string[] = [];
  const started = new Map<string, number>();
  const ended = new Map<string, number>();
  events.forEach((e, i) => {
    const key = e.stepKey;
    if (key === undefined) return;
    if (e.type === 'STEP_START') {
      if (started.has(key)) out.push(`step ${key} started twice: ${at(events, started.get(key)!)} and ${at(events, i)}`);
      else started.set(key, i);
    } else if (e.type === 'STEP_SUCCESS' || e.type === 'STEP_FAILURE') {
      if (ended.has(key)) out.push(`step ${key} ended twice: ${at(events, ended.get(key)!)} and ${at(events, i)}`);
      else if (!started.has(key)) out.push(`step ${key} ended without starting: ${at(events, i)}`);
      ended.set(key, i);
    } else if (e.type === 'STEP_SKIPPED' && started.has(key)) {
      out.push(`step ${key} was skipped after it started: ${at(events, i)}`);
    }
  });
  for (const [key, i] of started) {
    if (!ended.has(key)) out.push(`step ${key} started (event ${i}) and never ended with STEP_SUCCESS or STEP_FAILURE`);
  }
  return out;
}

function skipsFollowFailures(events: readonly InvariantEvent[], pipeline: Pipeline | undefined): string[] {
  const out: string[] = [];
  /** Solids with a failed step, or one skipped because of a failure, so far. */
  const failed = new Set<string>();
  let anyFailed = false;
  events.forEach((e, i) => {
    const solid = e.solid ?? e.stepKey?.replace(/\[.*$/, '');
    if (e.type === 'STEP_FAILURE' && solid !== undefined) {
      failed.add(solid);
      anyFailed = true;
    }
    if (e.type !== 'STEP_SKIPPED' || e.reason !== 'UPSTREAM_FAILED' || solid === undefined) return;
    const node = pipeline?.node(solid);
    if (node) {
      const upstream = Object.values(node.inputs).map((wire) => wire.node);
      if (!upstream.some((u) => failed.has(u))) {
        out.push(
          `${at(events, i)} was skipped for UPSTREAM_FAILED, but none of its upstream solids (${upstream.join(', ') || 'none'}) failed or was skipped for a failure before`,
        );
      }
    } else if (!anyFailed) {
      out.push(`${at(events, i)} was skipped for UPSTREAM_FAILED, but no step failed before it`);
    }
    failed.add(solid);
  });
  return out;
}

function resourcesTornDown(events: readonly InvariantEvent[]): string[] {
  const out: string[] = [];
  const inits: string[] = [];
  const teardowns: string[] = [];
  const open = new Map<string, number>();
  events.forEach((e, i) => {
    const key = e.resource;
    if (key === undefined) return;
    if (e.type === 'RESOURCE_INIT_SUCCESS') {
      inits.push(key);
      open.set(key, (open.get(key) ?? 0) + 1);
    } else if (e.type === 'RESOURCE_TEARDOWN') {
      teardowns.push(key);
      const n = open.get(key) ?? 0;
      if (n === 0) out.push(`resource ${key} torn down without being initialised (or torn down twice): ${at(events, i)}`);
      else open.set(key, n - 1);
    }
  });
  for (const [key, n] of open) if (n > 0) out.push(`resource ${key} was initialised and never torn down`);
  // Initialised once each (one process): teardowns in exactly the reverse order of init.
  // Executors that initialise resources in several workers interleave those per worker.
  if (out.length === 0 && new Set(inits).size === inits.length) {
    const expected = [...inits].reverse();
    if (teardowns.join() !== expected.join()) {
      out.push(
        `resources torn down in the order ${teardowns.join(', ')}; initialised as ${inits.join(', ')}, they go in reverse: ${expected.join(', ')}`,
      );
    }
  }
  return out;
}
