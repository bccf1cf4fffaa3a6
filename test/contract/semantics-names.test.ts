/**
 * DESIGN.md, "Semantics in detail" → "Names and steps".
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { execute, isMode, isSolid, pipeline, solid } from '../../lib/index.ts';
import { collectEvents, executorConfigs, ofType, silentMode, stepKeysOf } from './semantics-helpers.ts';

describe.each(executorConfigs)('Names and steps ($name executor)', ({ runConfig }) => {
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
    const p = pipeline({ name: 'no_output', modes: [silentMode()], graph: () => { after({ x: nothing() }); } });
    const result = await execute(p, { runConfig });
    expect(result.status).toBe('SUCCESS');
    expect(result.solid('nothing').outputs).toEqual({ result: [undefined] });
    expect(result.solid('after').status).toBe('SUCCESS');
    expect(received).toEqual([undefined]);
  });

  it('a solid with no output declared accepts any value as `result` (z.unknown())', async () => {
    const anything = solid({ name: 'anything', compute: () => ({ some: ['thing', 1] }) });
    const p = pipeline({ name: 'unknown_output', modes: [silentMode()], graph: () => { anything(); } });
    const result = await execute(p, { runConfig });
    expect(result.output('anything')).toEqual({ some: ['thing', 1] });
  });

  it('the Nth unaliased invocation of one solid is named <name>_N (N ≥ 2), in events and results', async () => {
    const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
    const p = pipeline({ name: 'repeated', modes: [silentMode()], graph: () => { one(); one(); one(); } });
    const result = await execute(p, { runConfig });
    const solids = ofType(result.events, 'STEP_START').map((e) => e.solid).sort();
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
    const p = pipeline({ name: 'configured_invocations', modes: [silentMode()], graph: () => { scaled(); scaled(); } });
    const result = await execute(p, {
      runConfig: { ...runConfig, solids: { scaled: { config: { factor: 1 } }, scaled_2: { config: { factor: 2 } } } },
    });
    expect(result.output('scaled')).toBe(10);
    expect(result.output('scaled_2')).toBe(20);
  });

  it('selection uses the invocation name <name>_N', async () => {
    const one = solid({ name: 'one', output: z.number(), compute: () => 1 });
    const p = pipeline({ name: 'select_repeated', modes: [silentMode()], graph: () => { one(); one(); one(); } });
    const events = await collectEvents(p, { runConfig, select: 'one_2' });
    expect(stepKeysOf(events, 'STEP_START')).toEqual(['one_2']);
    expect(ofType(events, 'STEP_START')[0]?.solid).toBe('one_2');
  });

  it('ctx.solid is the invocation name of the Nth use', async () => {
    const seen: string[] = [];
    const who = solid({ name: 'who', compute: (ctx) => void seen.push(ctx.solid) });
    const p = pipeline({ name: 'who_pipeline', modes: [silentMode()], graph: () => { who(); who(); } });
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
    const p = pipeline({ name: 'copied_mode', modes: [copy], graph: () => { s(); } });
    const result = await execute(p);
    expect(result.output('plain')).toBe(7);
  });
});
