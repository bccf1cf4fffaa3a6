/**
 * DESIGN.md, "Semantics in detail" → "Names and steps".
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  InvalidConfigError,
  InvalidDefinitionError,
  execute,
  isMode,
  isSolid,
  memoryLogger,
  mode,
  pipeline,
  resource,
  solid,
} from '../../lib/index.ts';
import { eventsOf, executors, ofType, rejectionOf, silentMode, stepKeysOf } from '../helpers/index.ts';

describe.each(executors)('Names and steps ($name executor)', ({ runConfig }) => {
  it('a solid with no output/outputs has one output `result`; returning undefined still produces it', async () => {
    const received: unknown[] = [];
    const nothing = solid({ name: 'nothing', compute: () => undefined });
    const after = solid({
      name: 'after',
      inputs: { x: z.unknown() },
      compute: (_ctx, { x }) => {
        received.push(x);
      },
    });
    const p = pipeline({
      name: 'no_output',
      modes: [silentMode()],
      graph: () => {
        after({ x: nothing() });
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.status).toBe('SUCCESS');
    expect(result.solid('nothing').outputs).toEqual({ result: [undefined] });
    expect(result.solid('after').status).toBe('SUCCESS');
    expect(received).toEqual([undefined]);
  });

  it('a solid with no output declared accepts any value as `result` (z.unknown())', async () => {
    const anything = solid({ name: 'anything', compute: () => ({ some: ['thing', 1] }) });
    const p = pipeline({
      name: 'unknown_output',
      modes: [silentMode()],
      graph: () => {
        anything();
      },
    });
    const result = await execute(p, { runConfig });
    expect(result.output('anything')).toEqual({ some: ['thing', 1] });
  });

  it('the Nth unaliased invocation of one solid is named <name>_N (N ≥ 2), in events and results', async () => {
    const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
    const p = pipeline({
      name: 'repeated',
      modes: [silentMode()],
      graph: () => {
        one();
        one();
        one();
      },
    });
    const result = await execute(p, { runConfig });
    const solids = ofType(result.events, 'STEP_START')
      .map((e) => e.solid)
      .sort();
    expect(solids).toEqual(['one', 'one_2', 'one_3']);
    expect(stepKeysOf(result.events, 'STEP_SUCCESS').sort()).toEqual(['one', 'one_2', 'one_3']);
    expect(result.solid('one_2').status).toBe('SUCCESS');
    expect(result.output('one_3')).toBe(1);
  });

  it('run config solids.<name>_N configures only that invocation', async () => {
    const scaled = solid({
      name: 'scaled',
      config: z.object({ factor: z.number() }),
      output: z.number(),
      compute: (ctx) => ctx.config.factor * 10,
    });
    const p = pipeline({
      name: 'configured_invocations',
      modes: [silentMode()],
      graph: () => {
        scaled();
        scaled();
      },
    });
    const result = await execute(p, {
      runConfig: { ...runConfig, solids: { scaled: { config: { factor: 1 } }, scaled_2: { config: { factor: 2 } } } },
    });
    expect(result.output('scaled')).toBe(10);
    expect(result.output('scaled_2')).toBe(20);
  });

  it('selection uses the invocation name <name>_N', async () => {
    const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
    const p = pipeline({
      name: 'select_repeated',
      modes: [silentMode()],
      graph: () => {
        one();
        one();
        one();
      },
    });
    const events = await eventsOf(p, { runConfig, select: 'one_2' });
    expect(stepKeysOf(events, 'STEP_START')).toEqual(['one_2']);
    expect(ofType(events, 'STEP_START')[0]?.solid).toBe('one_2');
  });

  it('ctx.solid is the invocation name of the Nth use', async () => {
    const seen: string[] = [];
    const who = solid({ name: 'who', compute: (ctx) => void seen.push(ctx.solid) });
    const p = pipeline({
      name: 'who_pipeline',
      modes: [silentMode()],
      graph: () => {
        who();
        who();
      },
    });
    await execute(p, { runConfig });
    expect(seen.sort()).toEqual(['who', 'who_2']);
  });
});

describe('Definitions are recognised by a Symbol.for("modeflow.kind") brand, never instanceof', () => {
  it('definitions carry the Symbol.for("modeflow.kind") brand', () => {
    const s = solid({ name: 'branded', compute: () => 1 });
    expect(Object.getOwnPropertySymbols(s)).toContain(Symbol.for('modeflow.kind'));
    expect(Object.getOwnPropertySymbols(silentMode())).toContain(Symbol.for('modeflow.kind'));
  });

  it('a copy of a definition without its prototype (as a second library copy would make) is still recognised', async () => {
    const original = silentMode();
    // A plain object holding the same own properties (the brand included), no shared prototype.
    const copy = Object.assign(Object.create(null) as object, original) as typeof original;
    expect(isMode(copy)).toBe(true);
    const s = solid({ name: 'plain', output: z.number(), compute: () => 7 });
    expect(isSolid(s)).toBe(true);
    const p = pipeline({
      name: 'copied_mode',
      modes: [copy],
      graph: () => {
        s();
      },
    });
    const result = await execute(p);
    expect(result.output('plain')).toBe(7);
  });
});

/** DESIGN: names that are also Object.prototype members work exactly like any other name. */
const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;

describe.each(executors)('Object.prototype member names ($name executor)', ({ runConfig }) => {
  describe.each(PROTOTYPE_NAMES)('named %s', (name) => {
    it('works as solid, input (wired and from run config), output, resource, logger, mode and config key', async () => {
      const seen: unknown[] = [];
      const memory = memoryLogger();
      const producer = solid({
        name,
        config: z.object({ [name]: z.string().default('from default') }),
        outputs: { [name]: z.string(), other: z.string() },
        resources: [name],
        compute: (ctx) => {
          ctx.log.info('producing');
          return { [name]: `${String(ctx.resources[name])} ${(ctx.config as Record<string, string>)[name]}` };
        },
      });
      const consumer = solid({
        name: 'consumer',
        inputs: { [name]: z.string(), given: z.unknown() },
        compute: (_ctx, inputs: Record<string, unknown>) => void seen.push(inputs[name], inputs['given']),
      });
      const r = resource({
        config: z.object({ [name]: z.number().default(7) }),
        init: ({ config }) => `resource ${(config as Record<string, number>)[name]}`,
      });
      const p = pipeline({
        name: 'prototype_names',
        modes: [
          mode({ name, resources: { [name]: r }, loggers: { [name]: memory } }),
          silentMode({ name: 'other', resources: { [name]: r } }),
        ],
        graph: () => {
          const outputs = producer() as unknown as Record<string, never>;
          (consumer as (wires: object) => unknown)({ [name]: outputs[name] });
        },
      });
      const result = await execute(p, {
        mode: name,
        runConfig: {
          ...runConfig,
          solids: { consumer: { inputs: { given: { value: { [name]: 1 } } } } },
          loggers: { [name]: { config: { level: 'info' } } },
        },
      });
      expect(result.status).toBe('SUCCESS');
      expect(result.output(name, name)).toBe('resource 7 from default');
      expect(seen[0]).toBe('resource 7 from default');
      // A value that passes through untouched keeps its plain-object prototype.
      expect(seen[1]).toEqual({ [name]: 1 });
      expect(Object.getPrototypeOf(seen[1])).toBe(Object.prototype);
      expect(memory.records().some((record) => record['msg'] === 'producing')).toBe(true);
      const configured = await execute(p, {
        mode: name,
        runConfig: {
          ...runConfig,
          solids: { [name]: { config: { [name]: 'given' } }, consumer: { inputs: { given: { value: 0 } } } },
          resources: { [name]: { config: { [name]: 8 } } },
        },
      });
      expect(configured.output(name, name)).toBe('resource 8 given');
    });

    it('works as a config field, nested, where every other name is ordinary', async () => {
      const seen: unknown[] = [];
      const s = solid({
        name: 'plain',
        config: z.object({ db: z.object({ [name]: z.string().default('from default') }).prefault({}) }),
        compute: (ctx) => void seen.push((ctx.config.db as Record<string, string>)[name]),
      });
      const p = pipeline({
        name: 'config_field',
        modes: [silentMode()],
        graph: () => {
          s();
        },
      });
      await execute(p, { runConfig });
      await execute(p, { runConfig: { ...runConfig, solids: { plain: { config: { db: {} } } } } });
      await execute(p, { runConfig: { ...runConfig, solids: { plain: { config: { db: { [name]: 'given' } } } } } });
      const bound = s.configured({ db: {} });
      await execute(
        pipeline({
          name: 'configured_field',
          modes: [silentMode()],
          graph: () => {
            bound();
          },
        }),
        { runConfig },
      );
      expect(seen).toEqual(['from default', 'from default', 'given', 'from default']);
    });

    it('an unconnected input of that name with no value is an InvalidConfigError naming it, not a hang', async () => {
      const s = solid({ name: 's', inputs: { [name]: z.number() }, compute: () => 1 });
      const p = pipeline({
        name: 'unconnected',
        modes: [silentMode()],
        graph: () => {
          s();
        },
      });
      const error = await rejectionOf(execute(p, { runConfig }));
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect((error as InvalidConfigError).issues[0]!.path).toEqual(['solids', 's', 'inputs', name]);
      const given = await execute(p, { runConfig: { ...runConfig, solids: { s: { inputs: { [name]: { value: 2 } } } } } });
      expect(given.status).toBe('SUCCESS');
    });

    it('a mode without a resource of that name does not provide it', () => {
      const s = solid({ name: 's', resources: [name], compute: () => 1 });
      expect(() =>
        pipeline({
          name: 'missing',
          modes: [silentMode()],
          graph: () => {
            s();
          },
        }),
      ).toThrow(InvalidDefinitionError);
    });

    it('ctx.resources throws for that key when the solid did not declare it', async () => {
      const s = solid({ name: 's', compute: (ctx) => (ctx.resources as Record<string, unknown>)[name] });
      const p = pipeline({
        name: 'undeclared',
        modes: [silentMode()],
        graph: () => {
          s();
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('s').error?.message).toContain(`used resource "${name}", which it did not declare`);
    });

    it('a multi-output compute returning an undeclared output of that name fails its step', async () => {
      const s = solid({ name: 's', outputs: { a: z.number() }, compute: () => ({ [name]: 1 }) as never });
      const p = pipeline({
        name: 'undeclared_output',
        modes: [silentMode()],
        graph: () => {
          s();
        },
      });
      const result = await execute(p, { runConfig, raiseOnError: false });
      expect(result.solid('s').error?.message).toContain(`returned output "${name}", which it does not declare`);
      expect(() => result.solid('s').output(name)).toThrow(`has no output "${name}"`);
    });
  });
});
