import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { RunEvent, RunEventType } from '../../../lib/index.ts';
import { eventLevel, FilteredIndex, LEVELS, matchesFilter, NO_FILTER, type LogFilter } from '../../../playground/src/log/log-filter.ts';

const base = { runId: 'r', pipelineName: 'p', mode: 'default', timestamp: 0 };
const step = (type: 'STEP_START' | 'STEP_SUCCESS', stepKey: string, solid = stepKey.replace(/\[.*$/, '')): RunEvent =>
  (type === 'STEP_START' ? { ...base, type, stepKey, solid } : { ...base, type, stepKey, solid, durationMs: 1, attempt: 1 }) as RunEvent;
const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string, stepKey?: string): RunEvent =>
  ({ ...base, type: 'LOG', level, message, fields: {}, ...(stepKey ? { stepKey, solid: stepKey } : {}) }) as RunEvent;
const failure = (stepKey: string, canceled: boolean): RunEvent =>
  ({
    ...base,
    type: 'STEP_FAILURE',
    stepKey,
    solid: stepKey,
    attempt: 1,
    durationMs: 1,
    canceled,
    error: { name: 'Error', message: 'boom', stack: undefined },
  }) as RunEvent;

const filter = (over: Partial<LogFilter>): LogFilter => ({ ...NO_FILTER, ...over });

describe('the event log’s filters', () => {
  it('by step: a solid matches all its steps, a step key only itself', () => {
    const events = [step('STEP_START', 'double[0]'), step('STEP_START', 'double[1]'), step('STEP_START', 'load')];
    expect(events.filter((e) => matchesFilter(e, filter({ step: 'double' })))).toHaveLength(2);
    expect(events.filter((e) => matchesFilter(e, filter({ step: 'double[1]' })))).toEqual([events[1]]);
  });

  it('by type', () => {
    const events = [step('STEP_START', 'a'), step('STEP_SUCCESS', 'a'), log('info', 'hi')];
    expect(events.filter((e) => matchesFilter(e, filter({ types: new Set<RunEventType>(['STEP_SUCCESS', 'LOG']) })))).toEqual(
      events.slice(1),
    );
  });

  it('by level: a LOG has its own level, a failure is an error, a cancel a warning', () => {
    expect([
      eventLevel(log('debug', 'x')),
      eventLevel(failure('a', false)),
      eventLevel(failure('a', true)),
      eventLevel(step('STEP_START', 'a')),
    ]).toEqual(['debug', 'error', 'warn', 'info']);
    const events = [log('debug', 'noise'), log('warn', 'careful'), failure('a', false), step('STEP_START', 'a')];
    expect(events.filter((e) => matchesFilter(e, filter({ minLevel: 'warn' })))).toEqual(events.slice(1, 3));
  });

  it('by level: a hook that threw is an error (a warn-or-above filter keeps it), a hook that completed is info', () => {
    const hook = (type: 'HOOK_COMPLETED' | 'HOOK_ERRORED'): RunEvent =>
      ({
        ...base,
        type,
        hook: 'alert',
        on: 'failure',
        stepKey: 'a',
        solid: 'a',
        ...(type === 'HOOK_ERRORED' ? { error: { name: 'Error', message: 'webhook down' } } : { durationMs: 1 }),
      }) as RunEvent;
    expect([eventLevel(hook('HOOK_ERRORED')), eventLevel(hook('HOOK_COMPLETED'))]).toEqual(['error', 'info']);
    expect(
      [hook('HOOK_COMPLETED'), hook('HOOK_ERRORED')].filter((e) => matchesFilter(e, filter({ minLevel: 'warn' }))).map((e) => e.type),
    ).toEqual(['HOOK_ERRORED']);
  });

  it('by level: a resource lost with a dead queue worker whose work was re-delivered is a warning, other teardown errors errors', () => {
    const teardown = (redelivered: boolean): RunEvent =>
      ({
        ...base,
        type: 'RESOURCE_TEARDOWN',
        resource: 'database',
        error: { name: 'WorkerCrashedError', message: 'died' },
        ...(redelivered ? { redelivered: true } : {}),
      }) as RunEvent;
    expect([eventLevel(teardown(true)), eventLevel(teardown(false))]).toEqual(['warn', 'error']);
  });

  it('by text, in the event’s line or its step key, ignoring case', () => {
    const events = [log('info', 'Loaded 3 rows'), step('STEP_START', 'load_rows'), log('info', 'other')];
    expect(events.filter((e) => matchesFilter(e, filter({ text: 'ROWS' })))).toEqual(events.slice(0, 2));
  });

  const events = fc.array(
    fc.oneof(
      fc.constantFrom('a', 'b', 'c[0]', 'c[1]').map((k) => step('STEP_START', k)),
      fc
        .tuple(
          fc.constantFrom('debug', 'info', 'warn', 'error') as fc.Arbitrary<'debug' | 'info' | 'warn' | 'error'>,
          fc.constantFrom('x', 'y'),
        )
        .map(([l, m]) => log(l, m, 'a')),
      fc.boolean().map((c) => failure('b', c)),
    ),
    { maxLength: 60 },
  );
  const filters = fc.record({
    step: fc.constantFrom('', 'a', 'c', 'c[1]'),
    types: fc.subarray(['STEP_START', 'LOG', 'STEP_FAILURE'] as RunEventType[]).map((t) => new Set(t)),
    minLevel: fc.constantFrom(...LEVELS),
    text: fc.constantFrom('', 'x', 'fail'),
  });

  test.prop([events, filters, fc.nat(60)], { numRuns: 200 })(
    'keep, as events stream in, the same rows as filtering the whole log at once',
    (all, f, cut) => {
      const index = new FilteredIndex(f);
      index.update(all.slice(0, cut));
      index.update(all);
      const rows = Array.from({ length: index.size }, (_, r) => index.at(r));
      expect(rows).toEqual(all.flatMap((e, i) => (matchesFilter(e, f) ? [i] : [])));
    },
  );

  it('rescan every event when the filter changes', () => {
    const all = [log('info', 'x'), log('error', 'y'), log('info', 'z')];
    const index = new FilteredIndex();
    index.update(all);
    expect(index.size).toBe(3);
    index.reset(filter({ minLevel: 'error' }), all);
    expect([index.size, index.at(0)]).toEqual([1, 1]);
  });
});
