/** Events stay JSON whatever the values hold (lib/events/json-safe.ts). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, memoryLogger, pipeline, solid, type RunEvent } from '../../../lib/index.ts';
import { eventsOf, ofType, quietMode } from '../../helpers/index.ts';

describe('events stay JSON when values are not', () => {
  it('shows a BigInt output as its decimal string in the event, and keeps the BigInt in the result', async () => {
    const big = solid({ name: 'big', output: z.bigint(), compute: () => 9007199254740993n });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        big();
      },
    });
    const result = await execute(p);
    const output = ofType([...result.events], 'STEP_OUTPUT')[0]!;
    expect(JSON.parse(JSON.stringify(output)).value).toBe('9007199254740993');
    expect(result.output('big')).toBe(9007199254740993n);
  });

  it('shows a reference back to an enclosing object as [Circular], and keeps the object in the result', async () => {
    const tree = solid({
      name: 'tree',
      compute: () => {
        const root: { name: string; children: { name: string; parent?: unknown }[] } = { name: 'root', children: [] };
        root.children.push({ name: 'leaf', parent: root });
        return root;
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        tree();
      },
    });
    const result = await execute(p);
    const shown = JSON.parse(JSON.stringify(result.events)) as RunEvent[];
    expect(ofType(shown, 'STEP_OUTPUT')[0]!.value).toEqual({ name: 'root', children: [{ name: 'leaf', parent: '[Circular]' }] });
    const kept = result.output('tree') as { children: { parent: unknown }[] };
    expect(kept.children[0]!.parent).toBe(kept);
  });

  it('keeps shared references that are no cycle, and plain values as they are', async () => {
    const shared = { n: 1 };
    const twice = solid({ name: 'twice', compute: () => ({ a: shared, b: shared }) });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        twice();
      },
    });
    const result = await execute(p);
    const output = ofType([...result.events], 'STEP_OUTPUT')[0]!;
    expect(output.value).toBe(result.output('twice'));
    expect(JSON.parse(JSON.stringify(output)).value).toEqual({ a: { n: 1 }, b: { n: 1 } });
  });

  it('shows objects nested deeper than 100 levels as [Nested too deeply] in outputs, logs and the run config, and keeps the value in the result', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10_000; i++) deep = { child: deep };
    const echo = solid({
      name: 'echo',
      config: z.object({ tree: z.any() }),
      compute: (ctx) => {
        ctx.log.info({ tree: ctx.config.tree }, 'deep');
        return ctx.config.tree;
      },
    });
    const mem = memoryLogger();
    const p = pipeline({
      name: 'p',
      modes: [quietMode({ loggers: { mem } })],
      graph: () => {
        echo();
      },
    });
    // At debug, the sink also writes every engine event (as JSON lines).
    const result = await execute(p, {
      runConfig: { solids: { echo: { config: { tree: deep } } }, loggers: { mem: { config: { level: 'debug' } } } },
    });
    expect(result.success).toBe(true);
    // Every event is JSON, and shows 100 levels of objects, then the marker.
    const shown = JSON.parse(JSON.stringify(result.events)) as RunEvent[];
    const levelsOf = (value: unknown): [number, unknown] => {
      let n = 0;
      let at = value;
      while (typeof at === 'object' && at !== null && 'child' in at) [n, at] = [n + 1, (at as { child: unknown }).child];
      return [n, at];
    };
    expect(levelsOf(ofType(shown, 'STEP_OUTPUT')[0]!.value)).toEqual([100, '[Nested too deeply]']);
    expect(levelsOf(ofType(shown, 'LOG')[0]!.fields['tree'])).toEqual([99, '[Nested too deeply]']);
    const runConfig = ofType(shown, 'RUN_START')[0]!.runConfig as { solids: { echo: { config: { tree: unknown } } } };
    expect(levelsOf(runConfig.solids.echo.config.tree)).toEqual([96, '[Nested too deeply]']);
    expect(result.output('echo')).toBe(deep);
  });

  it('shows BigInt log fields as strings in LOG events', async () => {
    const counts = solid({
      name: 'counts',
      compute: (ctx) => {
        ctx.log.info({ rows: 3n }, 'counted');
      },
    });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        counts();
      },
    });
    const list = await eventsOf(p);
    const log = ofType(list, 'LOG')[0]!;
    expect(JSON.parse(JSON.stringify(log)).fields).toEqual({ rows: '3' });
  });
});

describe('events stay JSON when values hold odd keys', () => {
  it('keeps an own __proto__ key of an output value (as JSON.parse makes one) in its JSON-safe copy', async () => {
    const parsed = solid({ name: 'parsed', compute: () => ({ ...JSON.parse('{"__proto__": {"x": 1}}'), big: 1n }) as object });
    const p = pipeline({
      name: 'p',
      modes: [quietMode()],
      graph: () => {
        parsed();
      },
    });
    const list = await eventsOf(p);
    const shown = JSON.parse(JSON.stringify(ofType(list, 'STEP_OUTPUT')[0]!.value)) as Record<string, unknown>;
    expect(Object.keys(shown)).toEqual(['__proto__', 'big']);
    expect(shown['big']).toBe('1');
  });
});
